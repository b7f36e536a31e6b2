#include <arpa/inet.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "enumd/dns/cookie.hpp"
#include "hex.hpp"

using namespace enumd::dns;

namespace {

using test::hex;
using test::to_hex;

CookieSecret secret(const std::string& h) {
    CookieSecret k{};
    auto b = hex(h);
    REQUIRE(b.size() == k.size());
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

std::vector<std::uint8_t> ip(const std::string& text) {
    std::array<std::uint8_t, 16> a{};
    if (inet_pton(AF_INET, text.c_str(), a.data()) == 1) return {a.begin(), a.begin() + 4};
    REQUIRE(inet_pton(AF_INET6, text.c_str(), a.data()) == 1);
    return {a.begin(), a.end()};
}

}  // namespace

TEST_CASE("SipHash-2-4: the reference implementation's vectors", "[cookie]") {
    // Key 00..0f, messages 00..(n-1) — vectors.h of the SipHash reference code.
    CookieSecret k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
    std::vector<std::uint8_t> msg;
    CHECK(siphash24(k, msg) == 0x726fdb47dd0e0e31ULL);
    for (std::uint8_t i = 0; i < 15; ++i) msg.push_back(i);
    CHECK(siphash24(k, msg) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("RFC 9018 Appendix A: server cookies made", "[cookie]") {
    struct Case {
        const char* what;
        const char* secret;
        const char* client;
        const char* address;
        std::uint32_t now;
        const char* server_cookie;
    };
    for (const Case& c : {
             Case{"A.1 learning a new server cookie", "e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957",
                  "198.51.100.100", 1559731985, "010000005cf79f111f8130c3eee29480"},
             Case{"A.2 the same client renewing it", "e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957",
                  "198.51.100.100", 1559734385, "010000005cf7a871d4a564a1442aca77"},
             Case{"A.3 another client", "e5e973e5a6b2a43f48e7dc849e37bfcf", "fc93fc62807ddb86", "203.0.113.203",
                  1559734700, "010000005cf7a9acf73a7810aca2381e"},
         }) {
        INFO(c.what);
        std::array<std::uint8_t, kServerCookieSize> out{};
        make_server_cookie(secret(c.secret), hex(c.client), ip(c.address), c.now, out);
        CHECK(to_hex(out) == c.server_cookie);
    }
}

TEST_CASE("RFC 9018 Appendix A: server cookies checked", "[cookie]") {
    struct Case {
        const char* what;
        const char* secret;
        const char* address;
        const char* option;
        std::uint32_t now;
        bool valid;
    };
    const char* a2 = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
    for (const Case& c : {
             Case{"A.2: the cookie of A.1, 40 minutes on", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.100", a2,
                  1559734385, true},
             Case{"from another address", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.101", a2, 1559734385,
                  false},
             Case{"under another secret", "445536bcd2513298075a5d379663c962", "198.51.100.100", a2, 1559734385,
                  false},
             Case{"an hour and a second old", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.100", a2,
                  1559731985 + 3601, false},
             Case{"exactly an hour old", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.100", a2,
                  1559731985 + 3600, true},
             Case{"five minutes and a second early", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.100", a2,
                  1559731985 - 301, false},
             Case{"A.3: reserved octets the client sent are hashed", "e5e973e5a6b2a43f48e7dc849e37bfcf",
                  "203.0.113.203", "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5", 0x5cf78f71 + 60, true},
             Case{"A.4: IPv6, the old secret", "dd3bdf9344b678b185a6f5cb60fca715",
                  "2001:db8:220:1:59de:d0f4:8769:82b8", "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
                  0x5cf7c579 + 10, true},
             Case{"A.4: IPv6, not under the new secret", "445536bcd2513298075a5d379663c962",
                  "2001:db8:220:1:59de:d0f4:8769:82b8", "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
                  0x5cf7c579 + 10, false},
             Case{"a client cookie alone", "e5e973e5a6b2a43f48e7dc849e37bfcf", "198.51.100.100", "2464c4abcf10c957",
                  1559734385, false},
         }) {
        INFO(c.what);
        CHECK(server_cookie_valid(secret(c.secret), hex(c.option), ip(c.address), c.now) == c.valid);
    }
}

TEST_CASE("RFC 7873 §5.2.2: COOKIE option lengths", "[cookie]") {
    for (std::size_t n = 0; n <= 48; ++n) {
        INFO(n);
        CHECK(cookie_length_ok(n) == (n == 8 || (n >= 16 && n <= 40)));
    }
}

TEST_CASE("The COOKIE option of a response echoes the client cookie", "[cookie]") {
    std::array<std::uint8_t, kCookieOptionSize> tlv{};
    auto k = secret("e5e973e5a6b2a43f48e7dc849e37bfcf");
    write_cookie_option(k, hex("2464c4abcf10c957"), ip("198.51.100.100"), 1559731985, tlv);
    CHECK(to_hex(tlv) == "000a0018" "2464c4abcf10c957" "010000005cf79f111f8130c3eee29480");
    // And the client's next query with it is valid.
    CHECK(server_cookie_valid(k, std::span<const std::uint8_t>(tlv).subspan(4), ip("198.51.100.100"), 1559731990));
}
