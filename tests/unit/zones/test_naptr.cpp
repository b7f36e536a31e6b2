#include <catch2/catch.hpp>

#include "enumd/zones/naptr.hpp"

using enumd::dns::Name;
using namespace enumd::zones;

TEST_CASE("Every NAPTR check reports its problem", "[naptr]") {
    Name target = *Name::from_text("_sip._udp.example.net.");
    struct Case {
        Naptr naptr;
        const char* message;  // nullptr: no problem
    };
    const Case cases[] = {
        {{10, 100, "u", "E2U+sip", "!^.*$!sip:a@b!", Name{}}, nullptr},
        {{10, 10, "s", "SIP+D2U", "", target}, nullptr},
        {{10, 10, "", "x-3gpp-pgw:x-s5-gtp", "", target}, nullptr},
        {{10, 100, "x", "E2U+sip", "!^.*$!sip:a@b!", Name{}}, "NAPTR flag 'x' is unknown"},
        {{10, 100, "us", "E2U+sip", "!^.*$!sip:a@b!", Name{}}, "mutually exclusive"},
        {{10, 100, "u", "E2U+sip", "!^.*$!sip:a@b!", target}, "has both a regexp and a replacement"},
        {{10, 100, "u", "E2U+sip", "", Name{}}, "flag \"u\" has no regexp"},
        {{10, 100, "u", "E2U+sip:", "!^.*$!sip:a@b!", Name{}}, "empty enumservice subtype"},
        {{10, 100, "u", "E2U+sip", "!^.*$!sip:a@b", Name{}}, "not closed"},
        {{10, 10, "s", "SIP D2U", "", target}, "has the character ' '"},
        {{10, 100, "u", "E2U+sip", "!^(.*)$!sip:\\0@b!", Name{}}, "back-reference \\0 is not allowed"},
        {{10, 100, "u", "E2U+sip", "!(?i)^.*$!sip:a@b!", Name{}}, "does not compile"},
    };
    for (const auto& c : cases) {
        INFO(c.naptr.flags << " " << c.naptr.service << " " << c.naptr.regexp);
        auto problems = check_naptr(c.naptr);
        if (c.message == nullptr) {
            CHECK(problems.empty());
        } else {
            REQUIRE(problems.size() == 1);
            CHECK_THAT(problems[0], Catch::Contains(c.message));
        }
    }
}

TEST_CASE("NAPTR fields survive the wire form", "[naptr]") {
    Naptr n{20, 100, "u", "E2U+sip", "!(^.*$)!sip:\\1@server2.example.net!", Name{}};
    auto w = encode_naptr(n);
    REQUIRE(w.ok());
    auto back = decode_naptr(*w);
    REQUIRE(back.has_value());
    CHECK(back->order == 20);
    CHECK(back->preference == 100);
    CHECK(back->flags == "u");
    CHECK(back->service == "E2U+sip");
    CHECK(back->regexp == n.regexp);
    CHECK(back->replacement.is_root());
    n.regexp = std::string(256, 'x');
    CHECK_FALSE(encode_naptr(n).ok());
    CHECK_FALSE(decode_naptr(std::vector<std::uint8_t>{0, 1, 0}).has_value());
}

