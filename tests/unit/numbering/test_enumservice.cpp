// Enumservices (RFC 6116 §3.4.3): the services field parsed and checked,
// filters matched, and the URI schemes that suit each enumservice.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enumd/numbering/enumservice.hpp"

using namespace enumd::numbering;

TEST_CASE("The URI scheme picks the enumservice", "[enumservice]") {
    struct Case {
        const char* uri;
        const char* service;
    };
    const Case cases[] = {
        {"sip:info@server1.example.net", "E2U+sip"}, {"SIPS:info@server1.example.net", "E2U+sip"},
        {"tel:+61355500911", "E2U+pstn:tel"},        {"mailto:info@example.net", "E2U+email:mailto"},
        {"http://example.net/", "E2U+web:http"},     {"https://example.net/", "E2U+web:https"},
        {"h323:user@example.net", "E2U+h323"},       {"xmpp:user@example.net", "E2U+xmpp"},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        auto s = service_for_uri(c.uri);
        REQUIRE(s.has_value());
        CHECK(*s == c.service);
    }
    CHECK_FALSE(service_for_uri("gopher://example.net/").has_value());
    CHECK_FALSE(service_for_uri("no scheme here").has_value());
}

TEST_CASE("Enumservices follow RFC 6116 syntax", "[enumservice]") {
    for (const char* ok : {"E2U+sip", "e2u+sip", "E2U+pstn:tel", "E2U+email:mailto", "E2U+sip+h323", "E2U+x-custom"}) {
        INFO(ok);
        CHECK_FALSE(check_enumservice(ok).has_value());
    }
    struct Case {
        const char* service;
        const char* message;
    };
    const Case cases[] = {
        {"E2U", "names no enumservice"},
        {"E2U:sip", "must be followed by '+type'"},
        {"E2U+", "empty enumservice type"},
        {"E2U+pstn:", "empty enumservice subtype"},
        {"E2U+si p", "character ' ' is not allowed"},
        {"E2U+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "longer than 32"},
        {"SIP+D2U", "does not start with 'E2U'"},
    };
    for (const auto& c : cases) {
        INFO(c.service);
        auto why = check_enumservice(c.service);
        REQUIRE(why.has_value());
        CHECK_THAT(*why, Catch::Contains(c.message));
    }
}

TEST_CASE("services fields follow RFC 6116 syntax, compound and legacy forms", "[enumservice]") {
    struct Case {
        std::string field;
        bool ok;
        bool legacy;
        std::size_t n;
    };
    const std::vector<Case> cases = {
        {"E2U+sip", true, false, 1},
        {"e2u+SIP", true, false, 1},
        {"E2U+pstn:tel", true, false, 1},
        {"E2U+voice:sip+video:sip", true, false, 2},
        {"sip+E2U", true, true, 1},
        {"E2U", false, false, 0},
        {"E2U+", false, false, 0},
        {"E2U+si p", false, false, 0},
        {"SIP+D2U", false, false, 0},
        {"E2U+pstn:", false, false, 0},
        {"E2U+" + std::string(33, 'a'), false, false, 0},
    };
    for (const auto& c : cases) {
        INFO(c.field);
        auto f = parse_service_field(c.field);
        REQUIRE(f.ok() == c.ok);
        if (c.ok) {
            CHECK(f->legacy == c.legacy);
            CHECK(f->services.size() == c.n);
        }
    }
}

TEST_CASE("service filters match type and subtypes case-insensitively, legacy only on request", "[enumservice]") {
    struct Case {
        std::string filter, field;
        bool legacy_on, match;
    };
    const std::vector<Case> cases = {
        {"E2U+sip", "E2U+sip", false, true},
        {"e2u+SIP", "E2U+sip", false, true},
        {"sip", "E2U+sip", false, true},
        {"E2U+sip", "E2U+pstn:tel", false, false},
        {"E2U+pstn:tel", "E2U+pstn:tel", false, true},
        {"E2U+pstn:tel", "E2U+pstn:sip", false, false},
        {"E2U+pstn", "E2U+pstn:tel", false, true},
        {"E2U+voice:sip", "E2U+voice:sip+video:sip", false, true},
        {"E2U+video:sip", "E2U+voice:sip+video:sip", false, true},
        {"E2U+video:tel", "E2U+voice:sip+video:sip", false, false},
        {"E2U+sip", "sip+E2U", false, false},
        {"E2U+sip", "sip+E2U", true, true},
        {"", "E2U+h323", false, true},
    };
    for (const auto& c : cases) {
        INFO(c.filter << " vs " << c.field);
        auto f = ServiceFilter::parse(c.filter);
        REQUIRE(f.ok());
        f->accept_legacy(c.legacy_on);
        auto field = parse_service_field(c.field);
        REQUIRE(field.ok());
        CHECK(f->matches(*field) == c.match);
    }
}

TEST_CASE("resulting URIs must suit the enumservice", "[enumservice][uri]") {
    struct Case {
        std::string service, uri;
        bool ok;
    };
    const std::vector<Case> cases = {
        {"sip", "sip:info@server1.example.net", true},
        {"sip", "sips:info@server1.example.net", true},
        {"sip", "tel:+61355500912", false},
        {"sip", "http://example.net/", false},
        {"pstn:tel", "tel:+61355500912;npdi", true},
        {"pstn:tel", "sip:x@example.net", false},
        {"pstn:tel", "tel:0355500912", false},
        {"voice:sip", "sip:a@b", true},
        {"sip", "sip:info @server1", false},
        {"sip", "notauri", false},
        {"sip", "sip:", false},
    };
    for (const auto& c : cases) {
        INFO(c.service << " " << c.uri);
        auto f = ServiceFilter::parse(c.service);
        REQUIRE(f.ok());
        CHECK(check_uri_for_service(c.uri, f->wanted()).empty() == c.ok);
    }
    CHECK(has_npdi("tel:+61355500912;npdi"));
    CHECK(has_npdi("tel:+61355500912;rn=+6199;NPDI"));
    CHECK_FALSE(has_npdi("tel:+61355500912;npdix"));
    CHECK_FALSE(has_npdi("sip:+61355500912;npdi@x"));
}

TEST_CASE("Parsing and checking read the services field with one grammar", "[enumservice]") {
    struct Case {
        const char* field;
        const char* problem;  // nullptr: an RFC 6116 field
    };
    const Case cases[] = {
        {"E2U+sip", nullptr},
        {"e2u+SIP", nullptr},
        {"E2U+pstn:tel", nullptr},
        {"E2U+voice:sip+video:sip", nullptr},
        {"E2U+x-custom", nullptr},
        {"E2U", "names no enumservice"},
        {"E2U+", "has an empty enumservice type"},
        {"E2U++sip", "character '+' is not allowed in an enumservice type"},
        {"E2U+pstn:", "has an empty enumservice subtype"},
        {"E2U+pstn::tel", "character ':' is not allowed in an enumservice subtype"},
        {"E2U:sip", "'E2U' must be followed by '+type'"},
        {"E2Ux+sip", "character 'x' is not allowed in an enumservice"},
        {"E2U+si p", "character ' ' is not allowed in an enumservice"},
        {"SIP+D2U", "does not start with 'E2U'"},
    };
    for (const auto& c : cases) {
        INFO(c.field);
        auto parsed = parse_service_field(c.field);
        auto checked = check_enumservice(c.field);
        if (c.problem == nullptr) {
            CHECK(parsed.ok());
            CHECK_FALSE(checked.has_value());
        } else {
            REQUIRE_FALSE(parsed.ok());
            REQUIRE(checked.has_value());
            CHECK(parsed.error() == *checked);
            CHECK_THAT(*checked, Catch::Contains(c.problem));
        }
    }
}

TEST_CASE("Enumservices are lower-cased and print as type:subtypes", "[enumservice]") {
    auto f = parse_service_field("E2U+Voice:SIP:Tel+pstn");
    REQUIRE(f.ok());
    REQUIRE(f->services.size() == 2);
    CHECK(f->services[0].to_text() == "voice:sip:tel");
    CHECK(f->services[1].to_text() == "pstn");
    auto legacy = parse_service_field("SIP+E2U");
    REQUIRE(legacy.ok());
    CHECK(legacy->legacy);
    CHECK(legacy->services[0].to_text() == "sip");
    auto rfc = parse_service_field("E2U+E2U");  // "E2U+" first: the RFC 6116 form with the type "e2u"
    REQUIRE(rfc.ok());
    CHECK_FALSE(rfc->legacy);
    CHECK_FALSE(ServiceFilter::parse("E2U+sip+pstn").ok());
    CHECK_FALSE(ServiceFilter::parse("si p").ok());
}

TEST_CASE("The URI scheme is read as RFC 3986 defines it", "[enumservice][uri]") {
    CHECK(uri_scheme("SIP:a@b") == "sip");
    CHECK(uri_scheme("h323:a@b") == "h323");
    CHECK(uri_scheme("a+b-c.d:x") == "a+b-c.d");
    CHECK(uri_scheme(":x").empty());
    CHECK(uri_scheme("1sip:x").empty());
    CHECK(uri_scheme("si p:x").empty());
    CHECK(uri_scheme("nothing").empty());
}

TEST_CASE("URIs written in zones follow RFC 3986 syntax", "[enumservice][uri]") {
    // Issue 13: `sip:a b@x`, trailing spaces and `sip:` alone were compiled into NAPTRs.
    struct Case {
        const char* uri;
        std::size_t offset;   // of the character the problem is about
        const char* problem;  // part of the sentence; nullptr: fine
    };
    const Case cases[] = {
        {"sip:info@server1.example.net", 0, nullptr},
        {"tel:+61-3-5550-0911;npdi;rn=+61400001234", 0, nullptr},
        {"mailto:a.b@example.net?subject=hi%20there", 0, nullptr},
        {"h323:user@example.net", 0, nullptr},
        {"http://example.net/a_b~c/(x)!$&'*+,;=", 0, nullptr},
        {"sip:{number}@server2.example.net", 0, nullptr},  // braces allowed by the caller below
        {"sip:a b@x", 5, "has a space: URIs hold no spaces (RFC 3986 §2; write %20)"},
        {"sip:a@x  ", 7, "ends in a space"},
        {"sip:", 4, "URI 'sip:' has nothing after 'sip:'"},
        {"info@server1", 0, "is not a URI: it needs a scheme such as 'sip:'"},
        {"", 0, "the URI is empty"},
        {"sip:a\tb@x", 5, "control character (0x09)"},
        {"sip:a\x7f@x", 5, "control character (0x7F)"},
        {"sip:a<b@x", 5, "character '<' is not allowed in a URI"},
        {"sip:a%2@x", 5, "two hex digits follow (RFC 3986 §2.1)"},
        {"sip:j\xc3\xbcrgen@x", 5, "non-ASCII character"},
    };
    for (const Case& c : cases) {
        INFO(c.uri);
        auto p = check_uri_syntax(c.uri, "{}");
        if (c.problem == nullptr) {
            CHECK_FALSE(p.has_value());
            continue;
        }
        REQUIRE(p.has_value());
        CHECK(p->offset == c.offset);
        CHECK(p->message.find(c.problem) != std::string::npos);
    }
    CHECK(check_uri_syntax("sip:{number}@x").has_value());  // braces only when the caller allows them
}
