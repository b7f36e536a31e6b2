/// Fuzz target: the NAPTR substitution expression as a client receives it
/// (numbering::SubstExpr: RFC 3402 §3.2 parsing, the POSIX ERE → PCRE2
/// translation and leftmost-longest matching). Input: the regexp field of a
/// NAPTR record; when it contains a newline, the part after it is the
/// application unique string it is applied to (else "+61355500911").
/// Whatever parses must match within the string, expand as sed does, and
/// behave the same compiled with and without JIT, and SubstExprChecker must
/// say what parse says; nothing may hang (the
/// PCRE2 limits bound every match).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "enumd/numbering/posix_regex.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "fuzz_check.hpp"

using namespace enumd::numbering;

namespace {

/// The expansion of `e` for `m` on `aus`, computed independently of apply().
std::string expected_result(const SubstExpr& e, const PosixRegex::Match& m, std::string_view aus) {
    auto at = [](std::ptrdiff_t v) { return static_cast<std::size_t>(v); };
    std::string out(aus.substr(0, at(m.so[0])));
    for (const auto& p : e.replacement()) {
        if (p.group == 0) out += p.text;
        if (p.group != 0 && m.so[p.group] >= 0) out += aus.substr(at(m.so[p.group]), at(m.eo[p.group] - m.so[p.group]));
    }
    out += aus.substr(at(m.eo[0]));
    return out;
}

void check_match(const PosixRegex::Match& m, int groups, std::string_view aus) {
    auto len = static_cast<std::ptrdiff_t>(aus.size());
    FUZZ_CHECK(m.group_count == groups);
    FUZZ_CHECK(0 <= m.so[0] && m.so[0] <= m.eo[0] && m.eo[0] <= len);
    for (int g = 1; g < 10; ++g) {
        if (m.so[g] < 0) {
            FUZZ_CHECK(m.eo[g] < 0);
            continue;
        }
        // A group that took part lies inside the whole match.
        FUZZ_CHECK(g <= groups);
        FUZZ_CHECK(m.so[0] <= m.so[g] && m.so[g] <= m.eo[g] && m.eo[g] <= m.eo[0]);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view regexp = input;
    std::string_view aus = "+61355500911";
    if (auto nl = input.find('\n'); nl != std::string_view::npos) {
        regexp = input.substr(0, nl);
        aus = input.substr(nl + 1);
    }
    // A <character-string> carries at most 255 octets (RFC 1035 §3.3).
    if (regexp.size() > 255 || aus.size() > 255) return 0;

    auto e = SubstExpr::parse(regexp);
    auto checked = SubstExpr::parse(regexp, {}, Jit::Skip);
    FUZZ_CHECK(e.ok() == checked.ok());
    // The zone check's shortcut (SubstExprChecker: each distinct ERE compiled once) says exactly what parse
    // says. One checker for every input, so that EREs it remembers are met again by other texts.
    static SubstExprChecker checker;
    auto quick = checker.check(regexp);
    FUZZ_CHECK(quick.ok() == checked.ok());
    if (!quick.ok()) FUZZ_CHECK(quick.error() == checked.error());
    if (quick.ok()) FUZZ_CHECK(quick->matches_whole_string == checked->matches_whole_string());
    if (!e.ok()) {
        FUZZ_CHECK(e.error() == checked.error());
        FUZZ_CHECK(!e.error().empty());
        return 0;
    }
    FUZZ_CHECK(e->group_count() >= 0 && e->group_count() <= 9);
    FUZZ_CHECK(e->delimiter() == regexp.front());
    FUZZ_CHECK(e->case_insensitive() == (regexp.back() == 'i'));
    FUZZ_CHECK(!e->pattern().empty());
    for (const auto& p : e->replacement()) FUZZ_CHECK(p.group >= 0 && p.group <= e->group_count());
    // What compiled also translates on its own.
    FUZZ_CHECK(translate_ere(e->ere()).ok());

    auto m = e->regex().search(aus);
    auto applied = e->apply(aus);
    auto applied_checked = checked->apply(aus);
    // The PCRE2 limits count work differently with and without JIT
    // (pcre2_set_match_limit(3)), so only results are compared.
    if (applied.ok() && applied_checked.ok()) FUZZ_CHECK(*applied == *applied_checked);
    if (!m.ok()) {
        FUZZ_CHECK(!applied.ok());  // a limit was hit: the record is skipped, never half-applied
        return 0;
    }
    FUZZ_CHECK(m->matched == applied.ok());
    if (!m->matched) return 0;
    check_match(*m, e->group_count(), aus);
    FUZZ_CHECK(*applied == expected_result(*e, *m, aus));
    return 0;
}
