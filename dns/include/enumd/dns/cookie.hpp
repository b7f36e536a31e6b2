#pragma once
/// DNS cookies (RFC 7873) with the interoperable server cookie of RFC 9018:
/// Version 1 | Reserved (3) | Timestamp (4) | Hash (8), the hash being
/// SipHash-2-4 keyed with the server secret over client cookie | version |
/// reserved | timestamp | client address. Servers of one anycast address
/// that share the secret accept each other's cookies. Nothing here allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace enumd::dns {

inline constexpr std::uint16_t kEdnsCookie = 10;           ///< RFC 7873 §4 option code
inline constexpr std::size_t kClientCookieSize = 8;        ///< RFC 7873 §4.1
inline constexpr std::size_t kServerCookieSize = 16;       ///< RFC 9018 §4.2 (what we issue)
inline constexpr std::size_t kCookieOptionSize = 4 + kClientCookieSize + kServerCookieSize;  ///< the TLV we send

using CookieSecret = std::array<std::uint8_t, 16>;

/// SipHash-2-4 (Aumasson and Bernstein) of `msg` under `key`.
std::uint64_t siphash24(const CookieSecret& key, std::span<const std::uint8_t> msg) noexcept;

/// RFC 7873 §5.2.2: a COOKIE option is 8 octets (client cookie only) or 16 to
/// 40 (a server cookie of 8 to 32 octets after it); anything else is FORMERR.
[[nodiscard]] constexpr bool cookie_length_ok(std::size_t n) noexcept { return n == 8 || (n >= 16 && n <= 40); }

/// RFC 9018 §4.2: the server cookie for `client_cookie` (8 octets) from
/// `client_ip` (4 or 16 octets) at `now` (seconds since the epoch).
void make_server_cookie(const CookieSecret& secret, std::span<const std::uint8_t> client_cookie,
                        std::span<const std::uint8_t> client_ip, std::uint32_t now,
                        std::span<std::uint8_t, kServerCookieSize> out) noexcept;

/// RFC 9018 §4.3: `option` (the whole COOKIE option data) carries a server
/// cookie we made for this client cookie and address, stamped at most an hour
/// before `now` and at most five minutes after it (serial arithmetic, so the
/// 2106 wrap is harmless).
[[nodiscard]] bool server_cookie_valid(const CookieSecret& secret, std::span<const std::uint8_t> option,
                                       std::span<const std::uint8_t> client_ip, std::uint32_t now) noexcept;

/// The COOKIE option TLV of a response (code, length, the client cookie
/// echoed and a fresh server cookie): kCookieOptionSize octets into `out`.
void write_cookie_option(const CookieSecret& secret, std::span<const std::uint8_t> option,
                         std::span<const std::uint8_t> client_ip, std::uint32_t now,
                         std::span<std::uint8_t, kCookieOptionSize> out) noexcept;

}  // namespace enumd::dns
