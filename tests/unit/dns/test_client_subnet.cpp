// EDNS Client Subnet (RFC 7871 §6): what a query's option must look like, and the
// option a response carries (§7.2.1: FAMILY, SOURCE PREFIX-LENGTH and ADDRESS
// echoed, SCOPE PREFIX-LENGTH ours).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "enumd/dns/client_subnet.hpp"
#include "hex.hpp"

using namespace enumd::dns;

namespace {

using test::hex;
using test::to_hex;

}  // namespace

TEST_CASE("an ECS option is read when FAMILY, prefixes and ADDRESS agree, and refused (FORMERR) otherwise",
          "[client_subnet]") {
    struct Case {
        std::string data;  // option data, hex: FAMILY(2) SOURCE(1) SCOPE(1) ADDRESS
        bool ok;
        std::uint16_t family = 0;
        std::uint8_t source = 0;
        std::string address;  // the padded address, hex
    };
    const std::vector<Case> cases = {
        {"00011800c63364", true, 1, 24, "c6336400"},                   // 198.51.100.0/24
        {"00012000c6336407", true, 1, 32, "c6336407"},                 // 198.51.100.7/32
        {"00011100c63380", true, 1, 17, "c6338000"},                   // /17: one bit of the third octet
        {"00010000", true, 1, 0, "00000000"},                          // /0: no address octets
        {"0002300020010db8000a", true, 2, 48, "20010db8000a00000000000000000000"},  // 2001:db8:a::/48
        {"00028000" + std::string(32, '1'), true, 2, 128, std::string(32, '1')},
        {"000200", false, 0, 0, ""},                                             // shorter than 4 octets
        {"", false, 0, 0, ""},
        {"00031800c63364", false, 0, 0, ""},                                     // FAMILY 3
        {"00002000c6336407", false, 0, 0, ""},                                   // FAMILY 0
        {"00012100c633640700", false, 0, 0, ""},                                 // /33 for IPv4
        {"00028100" + std::string(34, '0'), false, 0, 0, ""},                    // /129 for IPv6
        {"00011800c6336407", false, 0, 0, ""},                                   // /24 with 4 octets: too many
        {"00011800c633", false, 0, 0, ""},                                       // /24 with 2 octets: too few
        {"00011100c63381", false, 0, 0, ""},                                     // /17 with bits set beyond the prefix
        {"00011818c63364", false, 0, 0, ""},                                     // SCOPE not 0 in a query
    };
    for (const auto& c : cases) {
        INFO(c.data);
        auto data = hex(c.data);
        auto ecs = parse_client_subnet(data);
        REQUIRE(ecs.has_value() == c.ok);
        if (!c.ok) continue;
        CHECK(ecs->family == c.family);
        CHECK(ecs->source == c.source);
        CHECK(ecs->scope == 0);
        CHECK(to_hex(ecs->address_bytes()) == c.address);
    }
}

TEST_CASE("the response's ECS option echoes the query's FAMILY, SOURCE and ADDRESS with our SCOPE", "[client_subnet]") {
    struct Case {
        std::string query;
        std::uint8_t scope;
        std::string option;  // the whole TLV, hex
    };
    const std::vector<Case> cases = {
        {"00011800c63364", 24, "0008000700011818c63364"},
        {"00011800c63364", 0, "0008000700011800c63364"},   // the answer does not depend on the address
        {"00011800c63364", 32, "0008000700011820c63364"},  // a longer scope than source (§7.2.1 allows it)
        {"00010000", 0, "000800040001" "0000"},
        {"0002300020010db8000a", 48, "0008000a00023030" "20010db8000a"},
    };
    for (const auto& c : cases) {
        INFO(c.query);
        auto q = parse_client_subnet(hex(c.query));
        REQUIRE(q);
        std::array<std::uint8_t, kMaxClientSubnetOption> out{};
        std::size_t n = write_client_subnet_option(*q, c.scope, out);
        CHECK(to_hex(std::span<const std::uint8_t>(out.data(), n)) == c.option);
        std::array<std::uint8_t, 6> small{};
        CHECK(write_client_subnet_option(*q, c.scope, small) == 0);
    }
}
