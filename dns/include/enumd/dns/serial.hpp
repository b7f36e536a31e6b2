#pragma once
/// RFC 1982 serial number arithmetic (SERIAL_BITS = 32) for SOA serials:
/// the one place that compares serials (transfers, refresh, IXFR chains).

#include <cstdint>

namespace enumd::dns {

/// RFC 1982 §3.2: a < b when b is ahead of a by less than 2^31. Exactly
/// 2^31 apart is undefined there; both directions then compare "less",
/// which makes a secondary transfer rather than stay behind.
[[nodiscard]] constexpr bool serial_lt(std::uint32_t a, std::uint32_t b) noexcept {
    return a != b && static_cast<std::int32_t>(a - b) < 0;
}
[[nodiscard]] constexpr bool serial_gt(std::uint32_t a, std::uint32_t b) noexcept { return serial_lt(b, a); }

/// RFC 1982 §3.1: addition of n ≤ 2^31 - 1, wrapping modulo 2^32.
[[nodiscard]] constexpr std::uint32_t serial_add(std::uint32_t s, std::uint32_t n) noexcept { return s + n; }

}  // namespace enumd::dns
