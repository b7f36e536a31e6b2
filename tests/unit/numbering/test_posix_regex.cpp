// POSIX ERE leftmost-longest matching on PCRE2, compared with glibc regexec.
#include <regex.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "enumd/numbering/posix_regex.hpp"
#include "enumd/numbering/subst_expr.hpp"

using namespace enumd::numbering;

namespace {

struct Spans {
    bool matched = false;
    std::vector<std::pair<long, long>> groups;  // [0] whole match
    [[nodiscard]] std::string str() const {
        std::string out = matched ? "match" : "no match";
        for (auto [so, eo] : groups) out += " (" + std::to_string(so) + "," + std::to_string(eo) + ")";
        return out;
    }
};

/// The reference: glibc regcomp/regexec with REG_EXTENDED.
Spans glibc_search(const std::string& ere, const std::string& subject, bool icase) {
    regex_t re;
    int flags = REG_EXTENDED | (icase ? REG_ICASE : 0);
    REQUIRE(regcomp(&re, ere.c_str(), flags) == 0);
    regmatch_t m[10];
    Spans s;
    s.matched = regexec(&re, subject.c_str(), 10, m, 0) == 0;
    if (s.matched) {
        for (std::size_t g = 0; g <= re.re_nsub && g < 10; ++g) s.groups.emplace_back(m[g].rm_so, m[g].rm_eo);
    }
    regfree(&re);
    return s;
}

Spans ours(const std::string& ere, const std::string& subject, bool icase) {
    auto re = PosixRegex::compile(ere, icase);
    REQUIRE(re.ok());
    auto m = re->search(subject);
    REQUIRE(m.ok());
    Spans s;
    s.matched = m->matched;
    if (s.matched) {
        for (int g = 0; g <= m->group_count; ++g) s.groups.emplace_back(m->so[g], m->eo[g]);
    }
    return s;
}

}  // namespace

TEST_CASE("POSIX ERE matches agree with glibc regexec on leftmost-longest vectors", "[regexp][posix]") {
    struct Case {
        std::string ere, subject;
        bool icase;
    };
    const std::vector<Case> cases = {
        {"^(1|12)", "123", false},  // POSIX: 12, PCRE: 1
        {"(1|12)(3|23)?", "123", false},
        {"(a|ab)(c|bcd)(d*)", "abcd", false},
        {"(a|ab)(bc|c)", "abc", false},
        {"(a*)(ab)*(b*)", "abb", false},
        {"(a|ab)(b*)", "ab", false},
        {"(.*)(.*)", "+61355500912", false},
        {"^\\+61(3|35|355)(.*)$", "+61355500912", false},
        {"^\\+(6|61|613)([0-9]*)$", "+61355500912", false},
        {"(0|00|000)(0*)", "+6100012", false},
        {"x*", "+61", false},
        {"1+|12", "123", false},
        {"(1|123|12)+", "1231212", false},
        {"^.*$", "+61355500912", false},
        {"^(\\+61)(.*)$", "+61355500912", false},
        {"(2|25)(5|55)(5|50)", "+61255502000", false},
        {"[0-9]{2,3}", "+61255502000", false},
        {"(a|B)+", "AbAB", true},
        {"^\\+1(2)?", "+12345", false},
        {"(5|55)*", "555", false},
        {"((a)|b)+", "ab", false},
        {"(9)|(9[0-9])", "+4499", false},
        {"[[:digit:]]+$", "+4420", false},
        {"[\\]+", "a\\\\b", false},
        {"a{,2}", "aaa", false},
        {"no", "+4420", false},
    };
    for (const auto& c : cases) {
        INFO("ere " << c.ere << " on " << c.subject);
        auto ref = glibc_search(c.ere, c.subject, c.icase);
        auto got = ours(c.ere, c.subject, c.icase);
        CHECK(got.str() == ref.str());
    }
}

TEST_CASE("the classic alternation case matches 12 where PCRE would match 1", "[regexp][posix]") {
    auto s = ours("^(1|12)", "123", false);
    REQUIRE(s.matched);
    CHECK(s.groups[0] == std::pair<long, long>{0, 2});
}

TEST_CASE("ERE syntax is translated into PCRE2 syntax with ERE meaning", "[regexp]") {
    struct Case {
        std::string ere, pcre;
    };
    const std::vector<Case> cases = {
        {"[\\d]", "[\\\\d]"},  // backslash literal inside brackets
        {"\\d", "d"},          // \d is a literal d in ERE
        {"a*?", "(?:a*)?"},    // not lazy
        {"a*+", "(?:a*)+"},    // not possessive
        {"(ab)+?", "(?:(ab)+)?"},
        {"a{x", "a\\{x"},  // not an interval: literal
        {"a{,3}", "a{0,3}"},
        {"[]a]", "[\\]a]"},
        {"[[:alpha:]-]", "[[:alpha:]-]"},
        {"sip:x@y", "sip\\:x\\@y"},
    };
    for (const auto& c : cases) {
        INFO(c.ere);
        auto t = translate_ere(c.ere);
        REQUIRE(t.ok());
        CHECK(*t == c.pcre);
    }
}

TEST_CASE("invalid ERE syntax is refused with a reason", "[regexp]") {
    for (std::string bad : {"(", "a)", "[abc", "*a", "(?:a)", "a|*", "\\", "a{3,1}", "a{300}"}) {
        INFO(bad);
        auto t = translate_ere(bad);
        CHECK_FALSE(t.ok());
    }
}

TEST_CASE("a catastrophic-backtracking expression fails with a limit error instead of hanging", "[regexp][limits]") {
    // With a back-reference the backtracking matcher must run, and the
    // nested repeats make it exponential: the PCRE2 match limit stops it.
    for (std::string expr : {"!^(\\+)(1|1)*(1|1)*(1|1)*(1|1)*\\1x$!x!", "!^(\\+)((1+)+)+\\1x$!x!"}) {
        INFO(expr);
        auto e = SubstExpr::parse(expr);
        REQUIRE(e.ok());
        auto r = e->apply("+111111111111111111111111111111");
        REQUIRE_FALSE(r.ok());
        INFO(r.error());
        CHECK(r.error().find("limit") != std::string::npos);
    }
    // Without back-references the longest match is found by PCRE2's DFA
    // matcher, which is polynomial: the same shapes simply do not match.
    for (std::string expr : {"!^\\+(1|1)*(1|1)*(1|1)*2$!x!", "!^\\+((1+)+)+x$!x!"}) {
        INFO(expr);
        auto e = SubstExpr::parse(expr);
        REQUIRE(e.ok());
        auto r = e->apply("+111111111111111111111111111111");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().find("does not match") != std::string::npos);
    }
}

namespace {

/// A random ERE from a small grammar that both engines accept.
std::string random_ere(std::mt19937& rng, int depth) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::string out;
    int branches = 1 + (depth < 2 && pick(3) == 0 ? 1 : 0);
    for (int b = 0; b < branches; ++b) {
        if (b > 0) out += '|';
        int atoms = 1 + pick(3);
        for (int i = 0; i < atoms; ++i) {
            switch (pick(depth < 2 ? 6 : 5)) {
                case 0:
                    out += static_cast<char>('0' + pick(4));
                    break;
                case 1:
                    out += '.';
                    break;
                case 2:
                    out += "[0-2]";
                    break;
                case 3:
                    out += "\\+";
                    break;
                case 4:
                    out += static_cast<char>('1' + pick(3));
                    break;
                default:
                    out += '(';
                    out += random_ere(rng, depth + 1);
                    out += ')';
                    break;
            }
            switch (pick(7)) {
                case 0:
                    out += '*';
                    break;
                case 1:
                    out += '+';
                    break;
                case 2:
                    out += '?';
                    break;
                case 3:
                    out += "{1,2}";
                    break;
                default:
                    break;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("random EREs match exactly as glibc regexec does, groups included (differential)",
          "[regexp][posix][differential]") {
    // 3,000 random EREs (alternation, nested and repeated groups, intervals,
    // anchors) on 4 subjects each: the whole match and every group must be
    // what glibc's regcomp/regexec (REG_EXTENDED) report.
    std::mt19937 rng(20261123);
    int compared = 0, matched = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string ere = random_ere(rng, 0);
        if (rng() % 3 == 0) ere = "^" + ere;
        if (rng() % 3 == 0) ere += "$";
        for (int k = 0; k < 4; ++k) {
            std::string subject = "+";
            int len = static_cast<int>(rng() % 8);
            for (int c = 0; c < len; ++c) subject += static_cast<char>('0' + rng() % 4);
            INFO("ere " << ere << " on " << subject);
            auto ref = glibc_search(ere, subject, false);
            auto got = ours(ere, subject, false);
            CHECK(got.str() == ref.str());
            ++compared;
            matched += ref.matched ? 1 : 0;
        }
    }
    WARN("differential: " << compared << " searches (" << matched << " matching) identical to glibc, groups included");
    CHECK(compared == 12000);
}
