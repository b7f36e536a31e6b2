// RFC 3402 §3.2 substitution expressions: parsing with a sentence per problem,
// application to the AUS, and the zone file URI shorthand.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enumd/numbering/subst_expr.hpp"

using namespace enumd::numbering;

TEST_CASE("substitution expressions apply to the application unique string", "[regexp][rfc3402]") {
    struct Case {
        std::string expr, aus, out;
    };
    const std::vector<Case> cases = {
        {"!^.*$!sip:info@server1.example.net!", "+61355500911", "sip:info@server1.example.net"},
        {"!(^.*$)!sip:\\1@server1.example.net!", "+61255502000", "sip:+61255502000@server1.example.net"},
        {"!^\\+61(.*)$!tel:+61\\1!", "+61355500912", "tel:+61355500912"},
        {"/^\\+([0-9]+)$/sip:\\1@ex.net/", "+4420", "sip:4420@ex.net"},
        {"#^\\+44#00#", "+4420", "0020"},                     // sed-like: the rest is kept
        {"!^\\+61(1|12)!x\\1!", "+61123", "x123"},            // leftmost-longest group
        {"!^.*$!sip:a\\!b@ex.net!", "+1", "sip:a!b@ex.net"},  // escaped delimiter in replacement
        {"|^\\+(1\\|2)+$|ok|", "+1|2", "ok"},                 // escaped delimiter in the ERE is literal
        {"!^\\+SIP$!upper!i", "+sip", "upper"},               // i flag
        {"!^(\\+)(1)(2)(3)(4)(5)(6)(7)(8)$!\\9\\8\\7\\6\\5\\4\\3\\2\\1!", "+12345678", "87654321+"},
    };
    for (const auto& c : cases) {
        INFO(c.expr);
        auto e = SubstExpr::parse(c.expr);
        REQUIRE(e.ok());
        auto r = e->apply(c.aus);
        REQUIRE(r.ok());
        CHECK(*r == c.out);
    }
}

TEST_CASE("A partial match keeps the unmatched rest sed-style, or gives the replacement alone", "[regexp][rfc3402]") {
    struct Case {
        std::string expr, aus, sed, replacement_only;
        bool whole;  ///< matches_whole_string(): both readings always agree
    };
    const std::vector<Case> cases = {
        {"!^.*$!sip:a@x!", "+15551234", "sip:a@x", "sip:a@x", true},
        {"!(^.*$)!sip:\\1@x!", "+15551234", "sip:+15551234@x", "sip:+15551234@x", true},
        {"!^\\+1(.*)$!sip:\\1@x!", "+15551234", "sip:5551234@x", "sip:5551234@x", true},
        {"!^\\+(1)(.*)!sip:\\2!", "+15551234", "sip:5551234", "sip:5551234", true},   // a trailing .* runs to the end
        {"!.*$!sip:a@x!", "+15551234", "sip:a@x", "sip:a@x", true},                     // a leading .* starts at 0
        {"!^\\+1!sip:!", "+15551234", "sip:5551234", "sip:", false},                   // the issue's example
        {"!1234$!x!", "+15551234", "+1555x", "x", false},                               // unanchored start
        {"!^\\+1|^\\+44!sip:!", "+15551234", "sip:5551234", "sip:", false},           // alternation of branches
        {"!^\\+1.*\\$!sip:!", "+1555$", "sip:", "sip:", false},                        // an escaped $ anchors nothing
        {"!^[|]*\\+1.*$!sip:!", "+15551234", "sip:", "sip:", true},                    // '|' in a bracket is a member
    };
    for (const auto& c : cases) {
        CAPTURE(c.expr, c.aus);
        auto e = SubstExpr::parse(c.expr);
        REQUIRE(e);
        CHECK(e->apply(c.aus).value() == c.sed);
        CHECK(e->apply(c.aus, SubstReading::Sed).value() == c.sed);
        CHECK(e->apply(c.aus, SubstReading::ReplacementOnly).value() == c.replacement_only);
        CHECK(e->matches_whole_string() == c.whole);
    }
}

TEST_CASE("malformed substitution expressions are refused", "[regexp][rfc3402]") {
    const std::vector<std::string> bad = {
        "",               // empty
        "1^.*$1x1",       // digit delimiter
        "i^.*$ixi",       // flag character as delimiter
        "\\^.*$\\x\\",    // backslash delimiter
        "!^.*$!sip:x@y",  // replacement not closed
        "!^.*$",          // expression not closed
        "!^.*$!\\0!",     // \0
        "!^(.*)$!\\2!",   // group 2 does not exist
        "!^.*$!\\1!",     // no group at all
        "!^.*$!x!g",      // unknown flag
        "!^.*$!x!!",      // extra delimiter
        "!(!x!",          // bad ERE
    };
    for (const auto& b : bad) {
        INFO(b);
        CHECK_FALSE(SubstExpr::parse(b).ok());
    }
}

TEST_CASE("a non-matching expression is an error, not an empty result", "[regexp]") {
    auto e = SubstExpr::parse("!^\\+44(.*)$!sip:\\1@x!");
    REQUIRE(e.ok());
    CHECK_FALSE(e->apply("+61355500912").ok());
}

TEST_CASE("A URI becomes a match-all substitution, placeholders become back-references", "[rfc3402][shorthand]") {
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
        auto r = subst_expr_for_uri(c.uri);
        REQUIRE(r.ok());
        CHECK(*r == c.regexp);
        CHECK(SubstExpr::parse(*r).ok());
    }
    CHECK(subst_expr_for_uri("server1.example.net").error() ==
          "'server1.example.net' is not a URI (it needs a scheme such as 'sip:')");
    CHECK_THAT(subst_expr_for_uri("sip:{number}{digits}@x").error(), Catch::Contains("more than one"));
}

TEST_CASE("The shorthand's expressions give the dialled number back", "[rfc3402][shorthand]") {
    struct Case {
        const char* uri;
        const char* result;
    };
    const Case cases[] = {
        {"sip:info@server1.example.net", "sip:info@server1.example.net"},
        {"sip:{number}@server2.example.net", "sip:+61255502000@server2.example.net"},
        {"sip:{digits}@server2.example.net", "sip:61255502000@server2.example.net"},
        {"sip:a!#|~%,;=@x", "sip:a!#|~%,;=@x"},
        {"sip:a\\b@x", "sip:a\\b@x"},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        auto e = SubstExpr::parse(*subst_expr_for_uri(c.uri));
        REQUIRE(e.ok());
        CHECK(*e->apply("+61255502000") == c.result);
    }
}

TEST_CASE("Substitution expressions are split into delimiter, pattern, replacement and flags", "[rfc3402]") {
    auto r = SubstExpr::parse("!(^.*$)!sip:\\1@server2.example.net!");
    REQUIRE(r.ok());
    CHECK(r->delimiter() == '!');
    CHECK(r->pattern() == "(^.*$)");
    CHECK(r->replacement_text() == "sip:\\1@server2.example.net");
    CHECK(r->group_count() == 1);
    CHECK_FALSE(r->case_insensitive());
    auto e = SubstExpr::parse("/^\\+(4[0-9])([(]x)\\/$/\\2\\1/i");
    REQUIRE(e.ok());
    CHECK(e->group_count() == 2);  // '(' inside a bracket expression is no group
    CHECK(e->case_insensitive());
    CHECK(e->ere() == "^\\+(4[0-9])([(]x)/$");
    CHECK(SubstExpr::parse("x^a\\xbx\\1x").error().find("group") != std::string::npos);  // no group to refer to
}

TEST_CASE("Escaped delimiters belong to the pattern or the replacement", "[rfc3402]") {
    auto r = SubstExpr::parse("!^\\!x(.*)$!sip:a\\!b\\1@x!");
    REQUIRE(r.ok());
    CHECK(r->pattern() == "^\\!x(.*)$");
    CHECK(r->ere() == "^!x(.*)$");
    CHECK(r->replacement_text() == "sip:a\\!b\\1@x");
    CHECK(r->group_count() == 1);
    CHECK(*r->apply("!x5") == "sip:a!b5@x");
    // An alphanumeric delimiter escaped inside the pattern is that letter (not a PCRE2 escape).
    auto a = SubstExpr::parse("x^a\\x(b)$x\\1x");
    REQUIRE(a.ok());
    CHECK(a->pattern() == "^a\\x(b)$");
    CHECK(a->ere() == "^ax(b)$");
    CHECK(*a->apply("axb") == "b");
    // A delimiter that is an ERE operator stays a literal once unescaped.
    auto p = SubstExpr::parse("|^\\+(1\\|2)$|\\1|");
    REQUIRE(p.ok());
    CHECK(p->ere() == "^\\+(1\\|2)$");
}

TEST_CASE("Bad substitution expressions are refused with a sentence", "[rfc3402]") {
    struct Case {
        const char* regexp;
        const char* message;
    };
    const Case cases[] = {
        {"", "empty regexp"},
        {"1^.*$1sip:a@b1", "regexp delimiter '1' is not allowed"},
        {"i^.*$isip:a@bi", "regexp delimiter 'i' is not allowed"},
        {"I^.*$Isip:a@bI", "regexp delimiter 'I' is not allowed"},
        {"\\^.*$\\sip:a@b\\", "regexp delimiter '\\' is not allowed"},
        {"!^.*$!sip:a@b", "regexp delimiter '!' not closed"},
        {"!^.*$\\!sip:a@b!", "regexp delimiter '!' not closed"},
        {"!^.*$", "regexp delimiter '!' not closed"},
        {"!^.*$!sip:a@b\\", "regexp delimiter '!' not closed"},
        {"!^.*$!sip:a@b!x", "regexp flag 'x' is not allowed"},
        {"!^.*$!sip:a@b!I", "regexp flag 'I' is not allowed"},
        {"!^.*$!sip:a@b!!", "unescaped delimiter '!'"},
        {"!^.*$!sip:\\1@b!", "back-reference \\1 refers to group 1 but the pattern '^.*$' has 0 groups"},
        {"!^(.*)$!sip:\\2@b!", "back-reference \\2 refers to group 2 but the pattern '^(.*)$' has 1 group"},
        {"!^(.*)$!sip:\\0@b!", "back-reference \\0 is not allowed"},
        {"!^(.*$!sip:a@b!", "regexp pattern '^(.*$' does not compile: missing closing parenthesis"},
        {"!^.*)$!sip:a@b!", "regexp pattern '^.*)$' does not compile: unmatched ')'"},
        {"!(?i)^.*$!sip:a@b!",
         "does not compile: repetition operator at the start of a group"},  // PCRE syntax, not ERE
        {"!(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)!x!", "more than 9 groups"},
        {"!!sip:a@b!", "empty pattern"},
    };
    for (const auto& c : cases) {
        INFO(c.regexp);
        auto r = SubstExpr::parse(c.regexp);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains(c.message));
    }
}

TEST_CASE("Checking an expression without JIT accepts and refuses exactly the same", "[rfc3402]") {
    for (const char* text : {"!^.*$!sip:a@b!", "!^(1|12)(.*)$!sip:\\2@b!i", "!^.*$!sip:\\1@b!", "!(!x!", "1x1x1"}) {
        INFO(text);
        auto jit = SubstExpr::parse(text);
        auto checked = SubstExpr::parse(text, {}, Jit::Skip);
        REQUIRE(jit.ok() == checked.ok());
        if (!jit.ok()) {
            CHECK(jit.error() == checked.error());
        } else {
            CHECK_FALSE(checked->regex().jit());
            CHECK(*checked->apply("12345") == *jit->apply("12345"));
        }
    }
}

TEST_CASE("The checker gives parse's answer and message for every text, its EREs compiled once", "[rfc3402]") {
    // One checker for all: texts that share an ERE (with the case flag) meet its remembered compile, and each
    // must still get its own answer — its own pattern in the message, its own back-references.
    const char* texts[] = {
        "!^.*$!sip:+61200750000@a.example.net!",
        "!^.*$!sip:+61200750001@b.example.net!",
        "#^.*$#sip:+61200750002@c.example.net#",  // the same ERE, another delimiter
        "!^.*$!sip:\\1@b!",                       // a back-reference the (remembered) ERE has no group for
        "!^(.*)$!sip:\\1@b!",
        "!^(.*)$!sip:\\2@b!",
        "!^(.*)$!sip:\\1@b!i",  // the same ERE, case-insensitive: compiled on its own
        "!^(.*$!sip:a@b!",
        "#^(.*$#sip:c@d#",  // the same failing ERE: the message names this text's pattern
        "!^\\+44!00!",      // partial: not the whole string
        "!^\\+44(.*)!00\\1!",
        "!^a\\!b$!x!",  // an escaped delimiter: the ERE compiled is "^a!b$"
        "#^a!b$#x#",
        "!(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)!x!",
        "!(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)!y!",
        "!^.*$!sip:a@b!x",
        "",
        "!!sip:a@b!",
        "!^(.*)$!sip:\\0@b!",
        "!a|^b$!x!",
    };
    SubstExprChecker checker;
    for (int round = 0; round < 2; ++round) {  // the second round meets every ERE remembered
        for (const char* text : texts) {
            INFO(text << " (round " << round << ")");
            auto parsed = SubstExpr::parse(text, {}, Jit::Skip);
            auto checked = checker.check(text);
            REQUIRE(parsed.ok() == checked.ok());
            if (!parsed.ok())
                CHECK(parsed.error() == checked.error());
            else
                CHECK(parsed->matches_whole_string() == checked->matches_whole_string);
        }
    }
    CHECK_FALSE(checker.check("!^.*$!sip:\\1@b!").ok());
    CHECK(checker.check("!^.*$!sip:a@b!")->matches_whole_string);
    CHECK_FALSE(checker.check("!^\\+44!00!")->matches_whole_string);
}
