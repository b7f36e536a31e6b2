#pragma once
/// The NAPTR substitution expression of RFC 3402 §3.2,
///   subst-expr = delim-char ere delim-char repl delim-char *flags,
/// parsed and checked once for zone checks and lookups alike, and applied
/// to the application unique string with POSIX ERE semantics (posix_regex.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "enumd/dns/result.hpp"
#include "enumd/numbering/posix_regex.hpp"

namespace enumd::numbering {

namespace detail {
struct SubstParts;  // the split text, before compiling (subst_expr.cpp)
}

/// How the result of a substitution is built when the ERE matches only part of the application unique string
/// (resolver/README.md "Partial matches": RFC 3402 §3.2 calls the expression "sed-style" and says no more).
enum class SubstReading {
    Sed,              ///< the matched part is replaced, the unmatched rest kept, as sed does (enumd's default)
    ReplacementOnly,  ///< the expanded replacement alone (Kamailio's enum module, Asterisk)
};
const char* to_string(SubstReading r) noexcept;

/// A parsed, compiled RFC 3402 substitution expression "<d>ere<d>repl<d>[i]".
class SubstExpr {
   public:
    /// Parses, checks and compiles `text`. Refused, with a sentence that
    /// starts "regexp ...": a delimiter that is a digit, the flag character
    /// 'i' (or 'I') or a backslash; fewer than three unescaped delimiters
    /// ("\<delim>" is an escaped delimiter), or one after the third; a flag
    /// other than "i"; an empty ERE; an ERE that does not compile (POSIX
    /// syntax, at most 9 groups); a back-reference \0 or one naming a group
    /// the ERE does not have; a replacement ending in a lone '\'.
    static dns::Result<SubstExpr> parse(std::string_view text, RegexLimits limits = {}, Jit jit = Jit::Compile);

    /// Applies the expression: when the ERE matches, the matched part of
    /// `aus` is replaced by the expanded replacement (RFC 3402 §3.2 — the
    /// unmatched rest of the string is kept, as sed does); with
    /// SubstReading::ReplacementOnly the result is the expanded replacement
    /// alone. Errors when it does not match or a limit is hit.
    [[nodiscard]] dns::Result<std::string> apply(std::string_view aus, SubstReading reading = SubstReading::Sed) const;

    /// True when every match of the ERE spans the whole string it is applied to, so that both readings give the
    /// same result: the ERE starts with '^' or ".*" and ends with an unescaped '$' or ".*" (outer groups aside),
    /// with no '|' outside a group. Conservative: false for anything it cannot see through (`enumctl check`
    /// warns, naptr-partial-match).
    [[nodiscard]] bool matches_whole_string() const noexcept;
    /// The same for an ERE as compiled (ere()).
    [[nodiscard]] static bool matches_whole_string(std::string_view ere) noexcept;

    [[nodiscard]] char delimiter() const noexcept { return delimiter_; }
    /// The ERE as written between the first two delimiters (escapes kept).
    [[nodiscard]] const std::string& pattern() const noexcept { return pattern_; }
    /// The ERE that was compiled: escaped delimiters are that character.
    [[nodiscard]] const std::string& ere() const noexcept { return ere_; }
    /// The replacement as written between the last two delimiters.
    [[nodiscard]] const std::string& replacement_text() const noexcept { return replacement_text_; }
    [[nodiscard]] bool case_insensitive() const noexcept { return icase_; }
    [[nodiscard]] int group_count() const noexcept { return regex_.group_count(); }
    [[nodiscard]] const PosixRegex& regex() const noexcept { return regex_; }

    /// Replacement pieces: literal text, or a group number 1-9.
    struct Piece {
        std::string text;
        int group = 0;  ///< 0: literal `text`
    };
    [[nodiscard]] const std::vector<Piece>& replacement() const noexcept { return repl_; }

   private:
    SubstExpr(detail::SubstParts parts, PosixRegex regex) noexcept;
    char delimiter_ = '!';
    std::string pattern_, ere_, replacement_text_;
    std::vector<Piece> repl_;
    bool icase_ = false;
    PosixRegex regex_;
};

/// SubstExpr::parse without the SubstExpr, for checking many expressions (a zone's NAPTRs): the same result
/// and the same error message for every text, and matches_whole_string() of the expression parsed. A zone
/// whose every number has its own replacement ("!^.*$!sip:+61200750000@host!") has a handful of distinct
/// EREs, and compiling the ERE was most of parse: each distinct ERE (with its case flag) is compiled once
/// here, the rest of parse — the split into ERE, replacement and flags, the back-references — is done for
/// every text. Compiled without JIT (only whether it compiles matters), with the default RegexLimits (they
/// bound matching, not compiling).
class SubstExprChecker {
   public:
    struct Checked {
        bool matches_whole_string = false;  ///< SubstExpr::matches_whole_string
    };
    dns::Result<Checked> check(std::string_view text);

   private:
    dns::Result<Checked> check_text(std::string_view text);

    struct Compiled {
        bool failed = false;
        std::string error;  ///< the compiler's reason, when failed
        int groups = 0;
    };
    /// Distinct EREs remembered: far more than a zone's EREs (the number goes into the replacement, not the ERE);
    /// the bound keeps a zone of per-number EREs from growing the map without end.
    static constexpr std::size_t kMaxEres = 4096;
    std::unordered_map<std::string, Compiled> eres_;  ///< by case flag + ERE
    std::string key_;
    /// The last text and its answer: a zone check asks twice about one text (check_naptr, then the
    /// reading warning).
    std::string last_text_;
    std::optional<dns::Result<Checked>> last_;
};

/// The substitution expression for a URI written in the zone file
/// shorthand: "sip:a@b" → "!^.*$!sip:a@b!"; the placeholders "{number}"
/// (the application unique string "+61...") and "{digits}" (without '+')
/// insert the dialled number with a back-reference:
/// "sip:{number}@b" → "!^(.*)$!sip:\1@b!", "sip:{digits}@b" → "!^\+(.*)$!sip:\1@b!".
/// The delimiter is the first of ! # | ~ % , ; = absent from the URI
/// ('!' escaped otherwise); backslashes in the URI are escaped.
/// Fails on a text that is not a URI (no "scheme:") or more than one placeholder.
dns::Result<std::string> subst_expr_for_uri(std::string_view uri);

}  // namespace enumd::numbering
