#pragma once
/// EDNS Client Subnet (RFC 7871): the option a resolver adds to speak for its
/// client's network, read from a query and written into the response. Only
/// dns/ knows the option's bytes. Nothing here allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace enumd::dns {

inline constexpr std::uint16_t kEdnsClientSubnet = 8;  ///< RFC 7871 §6 option code
/// The largest option we write: code, length, FAMILY, SOURCE, SCOPE, 16 address octets.
inline constexpr std::size_t kMaxClientSubnetOption = 4 + 4 + 16;

/// An ECS option's fields (RFC 7871 §6). `address` holds the ADDRESS octets sent
/// (ceil(source / 8) of them) padded with zeros to 4 (FAMILY 1) or 16 (FAMILY 2).
struct ClientSubnet {
    std::uint16_t family = 1;  ///< 1 IPv4, 2 IPv6 (IANA address family numbers)
    std::uint8_t source = 0;   ///< SOURCE PREFIX-LENGTH
    std::uint8_t scope = 0;    ///< SCOPE PREFIX-LENGTH
    std::array<std::uint8_t, 16> address{};
    [[nodiscard]] bool v6() const noexcept { return family == 2; }
    /// The address octets: 4 for IPv4, 16 for IPv6.
    [[nodiscard]] std::span<const std::uint8_t> address_bytes() const noexcept {
        return {address.data(), v6() ? std::size_t{16} : std::size_t{4}};
    }
};

/// Parses a query's ECS option data; nothing when it is malformed, which RFC 7871 §6
/// answers with FORMERR: shorter than 4 octets, FAMILY other than 1 or 2, SOURCE
/// PREFIX-LENGTH beyond 32 / 128, ADDRESS not exactly ceil(SOURCE / 8) octets, address
/// bits set beyond SOURCE PREFIX-LENGTH, or a SCOPE PREFIX-LENGTH other than 0 (a query
/// MUST send 0).
[[nodiscard]] std::optional<ClientSubnet> parse_client_subnet(std::span<const std::uint8_t> data) noexcept;

/// Writes the response's ECS option TLV into `out` (RFC 7871 §7.2.1): FAMILY, SOURCE
/// PREFIX-LENGTH and ADDRESS echoed from the query, with `scope`. Returns its size
/// (at most kMaxClientSubnetOption), 0 when `out` is too small.
std::size_t write_client_subnet_option(const ClientSubnet& query, std::uint8_t scope, std::span<std::uint8_t> out) noexcept;

}  // namespace enumd::dns
