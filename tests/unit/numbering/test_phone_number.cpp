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

TEST_CASE("a number is named in one line with its grouping and what the plans say of it", "[phone]") {
    using enumd::numbering::number_label;
    struct Case {
        const char* digits;
        const char* label;
    };
    const Case cases[] = {
        {"61355500911", "+61 3 5550 0911 (AU fixed-line)"},
        {"61412345678", "+61 412 345 678 (AU mobile)"},
        {"88213456789", "+882 13 45 6789 (non-geographic voip)"},
        {"999123", "+999123 (cannot exist: no country has this country code)"},
        {"4412", "+44 12 (cannot exist: too short for +44 (4 digits with the country code))"},
    };
    for (const auto& c : cases) {
        INFO(c.digits);
        CHECK(number_label(c.digits, describe_e164(c.digits)) == c.label);
    }
    // A possible length in no range the plan assigns: the plan named by its country code (+61 is AU, CC and CX).
    const auto prefix = number_label("61255502", describe_e164("61255502"));
    CHECK(prefix.starts_with("+61 "));
    CHECK(prefix.ends_with(" (not in the numbering plan of +61)"));
    CHECK(number_label("123456789012345678", describe_e164("123456789012345678")) == "+123456789012345678");
}

TEST_CASE("the numbering-plan warnings: a number that cannot exist, one in no assigned range", "[phone]") {
    using enumd::numbering::impossible_number_warning;
    using enumd::numbering::unassigned_number_warning;
    struct Case {
        const char* digits;
        const char* impossible;  // "" when none
        const char* unassigned;  // "" when none
    };
    const Case cases[] = {
        {"61355500911", "", ""},
        {"999123", "number +999123 cannot exist: no country has this country code", ""},
        {"61255502", "",
         "number +61255502 is not in the numbering plan of +61 (a possible length, in no range the plan assigns)"},
        {"123456789012345678", "", ""},  // not read: nothing said
    };
    for (const auto& c : cases) {
        INFO(c.digits);
        const auto info = describe_e164(c.digits);
        CHECK(impossible_number_warning(c.digits, info).value_or("") == c.impossible);
        CHECK(unassigned_number_warning(c.digits, info).value_or("") == c.unassigned);
    }
}

TEST_CASE("enumctl check's numbering-plan warning from the digits alone says what the full description says",
          "[phone]") {
    using enumd::numbering::impossible_number_warning;
    // Every way a number cannot exist, shared country codes (the region named in the message comes from the
    // number's patterns), a number that is only a local part, possible numbers, and text that is not read.
    const char* cases[] = {"999123",       "4412",          "44123456789012", "12025550123", "1202555012",
                           "120255501234", "7495123456",    "74951234567",    "61355500911", "6135550091",
                           "8613800138000", "861380013800", "2613",           "0123",        "",
                           "12a4",         "123456789012345678", "3906123456789012", "8801", "6723"};
    for (const char* d : cases) {
        INFO(d);
        const auto full = impossible_number_warning(d, describe_e164(d));
        CHECK(impossible_number_warning(d) == full);
    }
    CHECK(impossible_number_warning("4412").value_or("").find("too short") != std::string::npos);
}

TEST_CASE("YAML numbers take the international grouping only where the plans know the number", "[phone]") {
    using enumd::numbering::grouped_e164;
    struct Case {
        const char* digits;
        const char* text;
    };
    const Case cases[] = {
        {"61355500911", "+61 3 5550 0911"},
        {"12025550123", "+1 202-555-0123"},
        {"61255502", "+61255502"},  // possible, not valid: the plain digits
        {"999123", "+999123"},
    };
    for (const auto& c : cases) {
        INFO(c.digits);
        CHECK(grouped_e164(c.digits, describe_e164(c.digits)) == c.text);
    }
}
