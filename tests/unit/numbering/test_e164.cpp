#include <catch2/catch.hpp>

#include "enumd/numbering/e164.hpp"

using enumd::dns::Name;
using namespace enumd::numbering;

namespace {
Name name(const char* t) {
    return *Name::from_text(t);
}
}  // namespace

TEST_CASE("Numbers as people write them normalise to the same digits", "[e164]") {
    struct Case {
        const char* text;
        const char* digits;
        bool prefix;
    };
    const Case cases[] = {
        {"+61 3 5550 0911", "61355500911", false},      {"+61355500911", "61355500911", false},
        {"61-3-5550-0911", "61355500911", false},       {"+61 (3) 5550.0911", "61355500911", false},
        {"+44 (0)20 7946 0000", "442079460000", false}, {"+61 (0)3 5550 0911", "61355500911", false},
        {"(03) 5550 0911", "0355500911", false},        {"+61255502*", "61255502", true},
        {"+61 2 5550 2 *", "61255502", true},           {"+*", "", true},
        {"123456789012345", "123456789012345", false},  {"+1/202/555/0100", "12025550100", false},
        {"\t+61 3 5550 0911 ", "61355500911", false},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        NumberText n;
        REQUIRE_FALSE(parse_number(c.text, n).has_value());
        CHECK(n.digits == c.digits);
        CHECK(n.prefix == c.prefix);
    }
}

TEST_CASE("Malformed numbers are refused with the offending position", "[e164]") {
    struct Case {
        const char* text;
        std::size_t offset;
        const char* message;
    };
    const Case cases[] = {
        {"+61 3 5550 09A1", 13, "letter 'A'"},
        {"+1234567890123456", 16, "more than 15 digits"},
        {"+61*5", 3, "'*' may only end a number"},
        {"+61+5", 3, "'+' may only start a number"},
        {"+61#5", 3, "character '#' is not allowed"},
        {"", 0, "empty number"},
        {"+", 0, "empty number"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        NumberText n;
        auto err = parse_number(c.text, n);
        REQUIRE(err.has_value());
        CHECK(err->offset == c.offset);
        CHECK_THAT(err->message, Catch::Contains(c.message));
    }
}

TEST_CASE("A number to look up is its digits; ranges, letters and long numbers are refused", "[e164]") {
    struct Case {
        const char* text;
        const char* digits;  // nullptr: refused
    };
    const Case cases[] = {
        {"+61355500912", "61355500912"},
        {"61355500912", "61355500912"},
        {"+61 3 5550-0912", "61355500912"},
        {"+61 (3) 5550.0912", "61355500912"},
        {"+1/202/555/0100", "12025550100"},
        {"+44 (0)20 7946 0000", "442079460000"},  // the trunk prefix is dropped, as in zone files (E.123 §2.7)
        {"+123456789012345", "123456789012345"},  // 15 digits
        {"+1234567890123456", nullptr},           // 16 digits
        {"+61355500912a", nullptr},
        {"+6135550O912", nullptr},  // letter O
        {"+61255502*", nullptr},    // a range is not one number
        {"+", nullptr},
        {"", nullptr},
        {"+61#3", nullptr},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto r = normalise_e164(c.text);
        if (c.digits == nullptr) {
            CHECK_FALSE(r.ok());
        } else {
            REQUIRE(r.ok());
            CHECK(*r == c.digits);
        }
    }
}

TEST_CASE("The application unique string is the number with its plus", "[e164]") {
    CHECK(application_unique_string("61355500911") == "+61355500911");
    CHECK(application_unique_string("") == "+");
    CHECK(format_number("61255502", true) == "+61255502*");
    CHECK(format_number("61255502") == "+61255502");
}

TEST_CASE("ENUM domains reverse the digits under each suffix", "[e164]") {
    struct Case {
        const char* digits;
        const char* suffix;
        const char* domain;  // nullptr: refused
    };
    const Case cases[] = {
        {"61355500912", "e164.arpa.", "2.1.9.0.0.5.5.5.3.1.6.e164.arpa."},
        {"4420", "e164.example.net.", "0.2.4.4.e164.example.net."},
        {"", "e164.arpa.", "e164.arpa."},
        {"44a0", "e164.arpa.", nullptr},
    };
    for (const auto& c : cases) {
        INFO(c.digits << " under " << c.suffix);
        auto d = enum_domain(c.digits, name(c.suffix));
        if (c.domain == nullptr) {
            CHECK_FALSE(d.ok());
        } else {
            REQUIRE(d.ok());
            CHECK(d->to_text() == c.domain);
        }
    }
    CHECK(default_enum_suffix().to_text() == "e164.arpa.");
    // The name's length bound (RFC 1035 §2.3.4): e164.arpa. is 11 octets, each digit 2.
    auto at_limit = enum_domain(std::string(122, '7'), name("e164.arpa."));
    REQUIRE(at_limit.ok());
    CHECK(at_limit->wire_size() == 255);
    CHECK(at_limit->label_count() == 124);
    CHECK_FALSE(enum_domain(std::string(123, '7'), name("e164.arpa.")).ok());
}

TEST_CASE("The origin implies the leading digits of its numbers", "[e164]") {
    struct Case {
        const char* origin;
        const char* implied;
        const char* suffix;
        bool public_enum;
    };
    const Case cases[] = {
        {"e164.arpa.", "", "e164.arpa.", true},
        {"1.6.e164.arpa.", "61", "e164.arpa.", true},
        {"4.4.enum.example.net.", "44", "enum.example.net.", false},
        {"enum.example.net.", "", "enum.example.net.", false},
        {"11.6.e164.arpa.", "", "11.6.e164.arpa.", true},
    };
    for (const auto& c : cases) {
        INFO(c.origin);
        CHECK(implied_digits(name(c.origin)) == c.implied);
        CHECK(enum_suffix(name(c.origin)).to_text() == c.suffix);
        CHECK(is_public_enum(name(c.origin)) == c.public_enum);
    }
}

TEST_CASE("Digits become reversed labels under the origin and back", "[e164]") {
    struct Case {
        const char* digits;
        const char* origin;
        const char* owner;
    };
    const Case cases[] = {
        {"61355500911", "e164.arpa.", "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."},
        {"61355500911", "1.6.e164.arpa.", "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."},
        {"61255502", "e164.arpa.", "2.0.5.5.5.2.1.6.e164.arpa."},
        {"61", "1.6.e164.arpa.", "1.6.e164.arpa."},
        {"4420", "4.4.enum.example.net.", "0.2.4.4.enum.example.net."},
    };
    for (const auto& c : cases) {
        INFO(c.digits << " under " << c.origin);
        auto owner = owner_from_digits(c.digits, name(c.origin));
        REQUIRE(owner.ok());
        CHECK(owner->to_text() == c.owner);
        auto back = digits_from_owner(*owner, name(c.origin));
        REQUIRE(back.has_value());
        CHECK(*back == c.digits);
    }
}

TEST_CASE("A number outside the zone's implied digits is an error", "[e164]") {
    auto r = owner_from_digits("442079460000", name("1.6.e164.arpa."));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "number +442079460000 is outside zone 1.6.e164.arpa. (its numbers start with +61)");
    CHECK_FALSE(owner_from_digits("6", name("1.6.e164.arpa.")).ok());
}

TEST_CASE("Owners that are not one digit per label have no number", "[e164]") {
    CHECK_FALSE(digits_from_owner(name("*.2.0.5.e164.arpa."), name("e164.arpa.")).has_value());
    CHECK_FALSE(digits_from_owner(name("www.e164.arpa."), name("e164.arpa.")).has_value());
    CHECK_FALSE(digits_from_owner(name("1.example.net."), name("e164.arpa.")).has_value());
}
