#include "enumd/dns/client_subnet.hpp"

#include <cstring>

namespace enumd::dns {

std::optional<ClientSubnet> parse_client_subnet(std::span<const std::uint8_t> data) noexcept {
    // RFC 7871 §6: FAMILY (2), SOURCE PREFIX-LENGTH (1), SCOPE PREFIX-LENGTH (1), ADDRESS.
    if (data.size() < 4) return std::nullopt;
    ClientSubnet c;
    c.family = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    c.source = data[2];
    c.scope = data[3];
    if (c.family != 1 && c.family != 2) return std::nullopt;
    const unsigned max_bits = c.family == 1 ? 32 : 128;
    if (c.source > max_bits) return std::nullopt;
    // §6: "SCOPE PREFIX-LENGTH ... In queries, it MUST be set to 0."
    if (c.scope != 0) return std::nullopt;
    // §6: ADDRESS is truncated to SOURCE PREFIX-LENGTH bits, padded with 0 bits to the end of the last
    // octet: too few or too many octets, or bits set beyond the prefix, are refused with FORMERR.
    const std::size_t octets = (c.source + 7U) / 8U;
    if (data.size() - 4 != octets) return std::nullopt;
    std::memcpy(c.address.data(), data.data() + 4, octets);
    if (c.source % 8 != 0) {
        const auto mask = static_cast<std::uint8_t>(0xFF >> (c.source % 8));
        if ((c.address[octets - 1] & mask) != 0) return std::nullopt;
    }
    return c;
}

std::size_t write_client_subnet_option(const ClientSubnet& query, std::uint8_t scope, std::span<std::uint8_t> out) noexcept {
    const std::size_t octets = (query.source + 7U) / 8U;
    const std::size_t size = 4 + 4 + octets;
    if (out.size() < size || octets > query.address.size()) return 0;
    out[0] = static_cast<std::uint8_t>(kEdnsClientSubnet >> 8);
    out[1] = static_cast<std::uint8_t>(kEdnsClientSubnet & 0xFF);
    out[2] = static_cast<std::uint8_t>((4 + octets) >> 8);
    out[3] = static_cast<std::uint8_t>((4 + octets) & 0xFF);
    out[4] = static_cast<std::uint8_t>(query.family >> 8);
    out[5] = static_cast<std::uint8_t>(query.family & 0xFF);
    out[6] = query.source;
    out[7] = scope;  // RFC 7871 §7.2.1
    std::memcpy(out.data() + 8, query.address.data(), octets);
    return size;
}

}  // namespace enumd::dns
