#include <catch2/catch.hpp>

#include "enumd/zones/naptr.hpp"

using enumd::dns::Name;
using namespace enumd::zones;

TEST_CASE("The URI scheme picks the enumservice", "[naptr]") {
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

TEST_CASE("A URI becomes a match-all substitution, placeholders become back-references", "[naptr]") {
    struct Case {
        const char* uri;
        const char* regexp;
    };
    const Case cases[] = {
        {"sip:info@server1.example.net", "!^.*$!sip:info@server1.example.net!"},
        {"sip:{number}@server2.example.net", "!^(.*)$!sip:\\1@server2.example.net!"},
        {"sip:{digits}@server2.example.net", "!^\\+(.*)$!sip:\\1@server2.example.net!"},
        {"http://example.net/a!b", "#^.*$#http://example.net/a!b#"},
        {"sip:a\\b@x", "!^.*$!sip:a\\\\b@x!"},
        {"sip:a!#|~%,;=@x", "!^.*$!sip:a\\!#|~%,;=@x!"},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        auto r = regexp_for_uri(c.uri);
        REQUIRE(r.ok());
        CHECK(*r == c.regexp);
        CHECK(parse_subst_expr(*r).ok());
    }
    CHECK(regexp_for_uri("server1.example.net").error() ==
          "'server1.example.net' is not a URI (it needs a scheme such as 'sip:')");
    CHECK_THAT(regexp_for_uri("sip:{number}{digits}@x").error(), Catch::Contains("more than one"));
}

TEST_CASE("RFC 3402 substitution expressions are parsed with their groups", "[naptr]") {
    auto r = parse_subst_expr("!(^.*$)!sip:\\1@server2.example.net!");
    REQUIRE(r.ok());
    CHECK(r->delimiter == '!');
    CHECK(r->pattern == "(^.*$)");
    CHECK(r->replacement == "sip:\\1@server2.example.net");
    CHECK(r->groups == 1);
    CHECK_FALSE(r->case_insensitive);
    auto e = parse_subst_expr("/^\\+(4[0-9])([(]x)\\/$/\\2\\1/i");
    REQUIRE(e.ok());
    CHECK(e->groups == 2);  // '(' inside a bracket expression is no group
    CHECK(e->case_insensitive);
    CHECK(parse_subst_expr("x^a\\xbx\\1x").error().find("group") != std::string::npos);  // no group to refer to
}

TEST_CASE("Bad substitution expressions are refused with a sentence", "[naptr]") {
    struct Case {
        const char* regexp;
        const char* message;
    };
    const Case cases[] = {
        {"1^.*$1sip:a@b1", "regexp delimiter '1' is not allowed"},
        {"i^.*$isip:a@bi", "regexp delimiter 'i' is not allowed"},
        {"\\^.*$\\sip:a@b\\", "regexp delimiter '\\' is not allowed"},
        {"!^.*$!sip:a@b", "regexp delimiter '!' not closed"},
        {"!^.*$\\!sip:a@b!", "regexp delimiter '!' not closed"},
        {"!^.*$!sip:a@b!x", "regexp flag 'x' is not allowed"},
        {"!^.*$!sip:a@b!!", "unescaped delimiter '!'"},
        {"!^.*$!sip:\\1@b!", "back-reference \\1 refers to group 1 but the pattern '^.*$' has 0 groups"},
        {"!^(.*)$!sip:\\2@b!", "back-reference \\2 refers to group 2 but the pattern '^(.*)$' has 1 group"},
        {"!^(.*$!sip:a@b!", "does not compile: missing closing parenthesis"},
        {"!!sip:a@b!", "empty pattern"},
    };
    for (const auto& c : cases) {
        INFO(c.regexp);
        auto r = parse_subst_expr(c.regexp);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains(c.message));
    }
}

TEST_CASE("Enumservices follow RFC 6116 syntax", "[naptr]") {
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

TEST_CASE("Escaped delimiters belong to the pattern or the replacement", "[naptr]") {
    auto r = parse_subst_expr("!^\\!x(.*)$!sip:a\\!b\\1@x!");
    REQUIRE(r.ok());
    CHECK(r->pattern == "^\\!x(.*)$");
    CHECK(r->replacement == "sip:a\\!b\\1@x");
    CHECK(r->groups == 1);
    // An alphanumeric delimiter escaped inside the pattern is that letter (not a PCRE2 escape).
    auto a = parse_subst_expr("x^a\\x(b)$x\\1x");
    REQUIRE(a.ok());
    CHECK(a->pattern == "^a\\x(b)$");
}
