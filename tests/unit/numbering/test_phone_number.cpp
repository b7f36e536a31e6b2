// What the numbering plans say about a number (libphonenumber through numbering/phone_number.hpp).
#include <catch2/catch.hpp>

#include "enumd/numbering/phone_number.hpp"

using enumd::numbering::describe_e164;

TEST_CASE("numbers get their country, their usual grouping and their type", "[phone]") {
    struct Case {
        const char* digits;
        const char* region;
        const char* international;
        const char* national;
        const char* type;
    };
    const Case cases[] = {
        {"61355500911", "AU", "+61 3 5550 0911", "(03) 5550 0911", "fixed-line"},  // the seed's lab number
        {"61412345678", "AU", "+61 412 345 678", "0412 345 678", "mobile"},
        {"442079460000", "GB", "+44 20 7946 0000", "020 7946 0000", "fixed-line"},
        {"12025550123", "US", "+1 202-555-0123", "(202) 555-0123", "fixed-line-or-mobile"},
        {"640211234567", "NZ", "+64 21 123 4567", "021 123 4567", "mobile"},
        {"88213456789", "001", "+882 13 45 6789", "13 45 6789", "voip"},  // non-geographic: no country
    };
    for (const auto& c : cases) {
        INFO(c.digits);
        const auto info = describe_e164(c.digits);
        CHECK(info.parsed);
        CHECK(info.region == c.region);
        CHECK(info.international == c.international);
        CHECK(info.national == c.national);
        CHECK(info.type == c.type);
        CHECK(info.possible);
        CHECK(info.valid);
        CHECK(info.why.empty());
    }
}

TEST_CASE("numbers that cannot exist say why; ENUM prefixes are possible but not valid numbers", "[phone]") {
    struct Case {
        const char* digits;
        bool possible;
        const char* why_has;  // text the reason contains; "" when possible
    };
    const Case cases[] = {
        {"999123", false, "no country has this country code"},
        {"2831234", false, "no country has this country code"},  // +28x is spare in E.164
        {"4412", false, "too short"},
        {"44207946000000000", false, "too long"},
        {"61255502", true, ""},  // a prefix of the lab zone's range: a possible length in AU, no assigned number
    };
    for (const auto& c : cases) {
        INFO(c.digits);
        const auto info = describe_e164(c.digits);
        CHECK(info.parsed);
        CHECK(info.possible == c.possible);
        CHECK(!info.valid);
        CHECK(info.why.find(c.why_has) != std::string::npos);
        if (!c.possible) CHECK(!info.why.empty());
    }
}

TEST_CASE("text that is not E.164 digits is not described", "[phone]") {
    for (const char* s : {"", "+61355500911", "6135550091a", "123456789012345678"}) {
        INFO(s);
        CHECK_FALSE(describe_e164(s).parsed);
    }
}
