#pragma once
/// The NAPTR substitution expression of RFC 3402 §3.2, with POSIX ERE
/// leftmost-longest semantics on PCRE2.
///
/// POSIX (IEEE 1003.1 §9.1) requires the longest of the leftmost matches,
/// then the subexpressions (glibc assigns them a little differently);
/// PCRE is leftmost-first ("^(1|12)" on "123": POSIX matches "12", PCRE "1").
/// We translate the ERE into PCRE2 syntax; at each start position PCRE2's
/// DFA matcher finds the longest match, then the backtracking matcher,
/// restricted by a callout to matches ending there, gives the groups as
/// glibc assigns them (tests compare with glibc regexec). Expressions come
/// from the network, so PCRE2's match, depth and heap limits bound the
/// work: a pathological record fails with an
/// error instead of hanging the caller.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::resolver {

/// Work limits for one application of a regexp. Why these values: an ENUM
/// AUS is at most 16 characters, so any sane expression needs a few
/// thousand steps; 200,000 match calls take about a millisecond.
struct RegexLimits {
    std::uint32_t match_limit = 200'000;
    std::uint32_t depth_limit = 2'000;
    std::uint32_t heap_limit_kib = 1'024;
    /// Upper bound on distinct parses examined per start position.
    std::uint32_t max_parses = 10'000;
};

/// A compiled POSIX ERE. Move-only; compiling is done once per record.
class PosixRegex {
public:
    /// Compiles `ere` (POSIX extended syntax) on PCRE2, JIT when available.
    static dns::Result<PosixRegex> compile(std::string_view ere, bool icase, RegexLimits limits = {});
    PosixRegex(PosixRegex&&) noexcept;
    PosixRegex& operator=(PosixRegex&&) noexcept;
    ~PosixRegex();

    /// Group spans of a match: [0] is the whole match; -1/-1 when unset.
    struct Match {
        bool matched = false;
        int group_count = 0;  ///< capturing groups in the pattern
        std::ptrdiff_t so[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
        std::ptrdiff_t eo[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    };
    /// Leftmost-longest search, POSIX subexpression rules. Errors when a
    /// limit is hit.
    [[nodiscard]] dns::Result<Match> search(std::string_view subject) const;
    [[nodiscard]] int group_count() const noexcept;
    /// The PCRE2 pattern the ERE was translated into (for tests and logs).
    [[nodiscard]] const std::string& translated() const noexcept;
    [[nodiscard]] bool jit() const noexcept;

private:
    struct Impl;
    explicit PosixRegex(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

/// Translates POSIX ERE syntax into an equivalent PCRE2 pattern: a
/// backslash inside a bracket expression is literal, "\x" outside brackets
/// is the literal x (except \1-\9), "(?", "*?" and "*+" keep their ERE
/// meaning, "{" that is not an interval is literal. Errors on unbalanced
/// parentheses and brackets.
dns::Result<std::string> translate_ere(std::string_view ere);

/// A parsed RFC 3402 substitution expression "<d>ere<d>repl<d>[i]".
class SubstExpr {
public:
    /// Parses and validates: the delimiter is not a digit, not a flag
    /// character ('i'), not a backslash; "\<delim>" is an escaped delimiter;
    /// only "i" may follow the last delimiter; back-references are \1-\9
    /// and must name an existing group (\0 or a missing group is an error).
    static dns::Result<SubstExpr> parse(std::string_view text, RegexLimits limits = {});
    /// Applies the expression: when the ERE matches, the matched part of
    /// `aus` is replaced by the expanded replacement (RFC 3402 §3.2 — the
    /// unmatched rest of the string is kept, as sed does). Errors when it
    /// does not match or a limit is hit.
    [[nodiscard]] dns::Result<std::string> apply(std::string_view aus) const;
    [[nodiscard]] const PosixRegex& regex() const noexcept { return regex_; }
    [[nodiscard]] const std::string& ere() const noexcept { return ere_; }
    /// Replacement pieces: literal text, or a group number 1-9.
    struct Piece {
        std::string text;
        int group = 0;  ///< 0: literal `text`
    };
    [[nodiscard]] const std::vector<Piece>& replacement() const noexcept { return repl_; }

private:
    SubstExpr(PosixRegex re, std::string ere, std::vector<Piece> repl) noexcept
        : regex_(std::move(re)), ere_(std::move(ere)), repl_(std::move(repl)) {}
    PosixRegex regex_;
    std::string ere_;
    std::vector<Piece> repl_;
};

}  // namespace enumd::resolver
