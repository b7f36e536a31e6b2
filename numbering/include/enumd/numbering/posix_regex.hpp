#pragma once
/// POSIX extended regular expressions (IEEE 1003.1 §9.4) with leftmost-longest
/// semantics on PCRE2 — the engine of the NAPTR substitution expression
/// (subst_expr.hpp).
///
/// POSIX (IEEE 1003.1 §9.1) requires the longest of the leftmost matches,
/// then the subexpressions (glibc assigns them a little differently);
/// PCRE is leftmost-first ("^(1|12)" on "123": POSIX matches "12", PCRE "1").
/// We translate the ERE into PCRE2 syntax; at each start position PCRE2's
/// DFA matcher finds the longest match, then the backtracking matcher,
/// restricted by a callout to matches ending there, gives the groups as
/// glibc assigns them (tests compare with glibc regexec). Expressions come
/// from the network, so PCRE2's match, depth and heap limits bound the
/// work: a pathological record fails with an error instead of hanging the
/// caller.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "enumd/dns/result.hpp"

namespace enumd::numbering {

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

/// Whether to JIT-compile: a resolver applies an expression many times
/// (Jit::Compile); a zone check of a million records only needs to know it
/// compiles (Jit::Skip — JIT compiling costs far more than compiling).
enum class Jit { Compile, Skip };

/// A compiled POSIX ERE. Move-only; compiling is done once per record.
class PosixRegex {
   public:
    /// Compiles `ere` (POSIX extended syntax) on PCRE2. The error is the
    /// reason alone ("missing closing parenthesis"), for the caller to place.
    static dns::Result<PosixRegex> compile(std::string_view ere, bool icase, RegexLimits limits = {},
                                           Jit jit = Jit::Compile);
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

}  // namespace enumd::numbering
