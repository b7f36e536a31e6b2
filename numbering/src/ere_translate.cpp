// POSIX ERE (IEEE 1003.1 §9.4) → PCRE2 pattern with the same meaning.
#include "ere_translate.hpp"

#include <cctype>
#include <optional>
#include <vector>

#include "enumd/numbering/posix_regex.hpp"
#include "text.hpp"

namespace enumd::numbering {
namespace detail {
namespace {

using dns::make_error;
using dns::Result;

/// Emits `c` as a literal in PCRE2 syntax.
void emit_literal(std::string& out, char c) {
    auto uc = static_cast<unsigned char>(c);
    if (uc >= 0x80 || std::isalnum(uc) != 0) {
        out += c;
    } else {
        out += '\\';
        out += c;
    }
}

/// An interval "{m}", "{m,}", "{m,n}", "{,n}" at ere[i] == '{', in PCRE2 form.
struct Interval {
    std::string pcre;     ///< empty: not an interval ('{' is then literal, as glibc treats it)
    std::size_t end = 0;  ///< offset past '}'
    std::string error;    ///< a malformed count
};

Interval parse_interval(std::string_view ere, std::size_t i) {
    std::size_t j = i + 1;
    auto digits = [&] {
        std::size_t from = j;
        while (j < ere.size() && std::isdigit(static_cast<unsigned char>(ere[j])) != 0) ++j;
        return std::string(ere.substr(from, j - from));
    };
    std::string lo = digits();
    std::string hi;
    bool comma = j < ere.size() && ere[j] == ',';
    if (comma) {
        ++j;
        hi = digits();
    }
    if (j >= ere.size() || ere[j] != '}' || (lo.empty() && hi.empty())) return {};
    // RE_DUP_MAX is 255 in POSIX (IEEE 1003.1 <limits.h>).
    auto too_big = [](const std::string& d) { return d.size() > 3 || (!d.empty() && std::stoi(d) > 255); };
    if (too_big(lo) || too_big(hi)) return {{}, 0, "interval count above RE_DUP_MAX (255)"};
    if (!lo.empty() && !hi.empty() && std::stoi(hi) < std::stoi(lo)) return {{}, 0, "interval {m,n} with n < m"};
    std::string_view low = lo.empty() ? std::string_view("0") : std::string_view(lo);  // "{,n}" is "{0,n}"
    return {cat("{", low, comma ? "," : "", hi, "}"), j + 1, {}};
}

/// "[:class:]", "[=c=]" or "[.c.]" inside a bracket expression at ere[i] == '['.
/// Classes are kept; collating elements and equivalence classes are
/// supported in their single-character form, which is that character.
Result<std::size_t> translate_bracket_term(std::string_view ere, std::size_t i, std::string& out) {
    char kind = ere[i + 1];
    auto end = ere.find(std::string{kind, ']'}, i + 2);
    if (end == std::string_view::npos) return make_error("unterminated [: :] in bracket expression");
    if (kind == ':') {
        out.append(ere.substr(i, end + 2 - i));
    } else {
        auto inner = ere.substr(i + 2, end - (i + 2));
        if (inner.size() != 1) return make_error("multi-character collating element not supported");
        emit_literal(out, inner[0]);
    }
    return end + 2;
}

/// A bracket expression at ere[i] == '['; returns the offset past its ']'.
/// IEEE 1003.1 §9.3.5: a ']' first in the list is literal, and so is a
/// backslash — both must be escaped for PCRE2.
Result<std::size_t> translate_bracket(std::string_view ere, std::size_t i, std::string& out) {
    out += '[';
    ++i;
    if (i < ere.size() && ere[i] == '^') {
        out += '^';
        ++i;
    }
    for (bool first = true; i < ere.size(); first = false) {
        char b = ere[i];
        if (b == ']' && !first) {
            out += ']';
            return i + 1;
        }
        if (b == '[' && i + 1 < ere.size() && (ere[i + 1] == ':' || ere[i + 1] == '=' || ere[i + 1] == '.')) {
            auto next = translate_bracket_term(ere, i, out);
            if (!next) return next;
            i = *next;
            continue;
        }
        if (b == '\\' || b == '[' || b == ']') out += '\\';
        out += b;
        ++i;
    }
    return make_error("unterminated bracket expression");
}

/// The translation state: the output and what a following quantifier applies to.
class Translator {
   public:
    Translator(std::string_view ere, RepeatedGroups mode) : ere_(ere), mode_(mode) { out_.reserve(ere.size() * 2); }

    Result<std::string> run() {
        for (std::size_t i = 0; i < ere_.size();) {
            auto next = step(i);
            if (!next) return make_error(next.error());
            i = *next;
        }
        // Worded as PCRE2 words it, so zone checks read the same either way.
        if (!open_.empty()) return make_error("missing closing parenthesis");
        return std::move(out_);
    }

   private:
    static constexpr auto kNone = std::string::npos;

    /// Translates the token at ere_[i]; returns the offset after it.
    Result<std::size_t> step(std::size_t i) {
        char c = ere_[i];
        bool is_quantifier = c == '*' || c == '+' || c == '?' || c == '{';
        if (!is_quantifier) atom_group_ = 0;
        switch (c) {
            case '\\':
                return escape(i);
            case '[':
                start_atom();
                return translate_bracket(ere_, i, out_);
            case '(':
                return open_group(i);
            case ')':
                return close_group(i);
            case '|':
            case '^':
            case '$':
                // Alternation and anchors: nothing before them can be repeated.
                out_ += c;
                atom_ = kNone;
                after_quantifier_ = false;
                return i + 1;
            case '*':
            case '+':
            case '?':
                if (auto e = quantify(std::string{c})) return make_error(*e);
                return i + 1;
            case '{':
                return interval(i);
            case '.':
                start_atom();
                out_ += '.';
                return i + 1;
            default:
                start_atom();
                emit_literal(out_, c);
                return i + 1;
        }
    }

    void start_atom() {
        atom_ = out_.size();
        after_quantifier_ = false;
    }

    /// "\1"-"\9" are back-references; "\x" is the literal x otherwise.
    Result<std::size_t> escape(std::size_t i) {
        if (i + 1 >= ere_.size()) return make_error("trailing backslash");
        char n = ere_[i + 1];
        start_atom();
        if (n >= '1' && n <= '9') {
            out_ += '\\';
            out_ += n;
        } else {
            emit_literal(out_, n);
        }
        return i + 2;
    }

    Result<std::size_t> open_group(std::size_t i) {
        if (i + 1 < ere_.size() && (ere_[i + 1] == '?' || ere_[i + 1] == '*' || ere_[i + 1] == '+'))
            return make_error("repetition operator at the start of a group");
        open_.push_back({out_.size(), ++groups_});
        out_ += '(';
        atom_ = kNone;
        after_quantifier_ = false;
        return i + 1;
    }

    Result<std::size_t> close_group(std::size_t i) {
        if (open_.empty()) return make_error("unmatched ')'");
        atom_ = open_.back().offset;
        atom_group_ = open_.back().group;
        open_.pop_back();
        out_ += ')';
        after_quantifier_ = false;
        return i + 1;
    }

    /// An interval quantifier, or a literal '{' when it is none.
    Result<std::size_t> interval(std::size_t i) {
        auto q = parse_interval(ere_, i);
        if (!q.error.empty()) return make_error(q.error);
        if (q.pcre.empty()) {
            start_atom();
            atom_group_ = 0;
            out_ += "\\{";
            return i + 1;
        }
        if (auto e = quantify(q.pcre)) return make_error(*e);
        return q.end;
    }

    /// Appends quantifier `q` to the last atom.
    std::optional<std::string> quantify(const std::string& q) {
        if (atom_ == kNone) return "repetition operator with nothing to repeat";
        if (mode_ == RepeatedGroups::MarkWithCallouts && atom_group_ != 0 && !after_quantifier_) mark_repeated_group();
        if (after_quantifier_) {
            // ERE "a*?" is (a*)? and "a*+" is (a*)+; in PCRE they would be
            // lazy/possessive. Wrap the quantified atom in a group first.
            out_.insert(atom_, "(?:");
            out_ += ')';
        }
        out_ += q;
        after_quantifier_ = true;
        return std::nullopt;
    }

    /// "(X)*" → "(?C<100+g>)(?:(X)(?C<g+1>))*": a callout notes where the
    /// loop starts, and after each iteration of group g another may refuse
    /// an empty iteration (see record_parse() in posix_regex.cpp).
    void mark_repeated_group() {
        std::string entry = cat("(?C", std::to_string(kCalloutLoopEntry + atom_group_), ")");
        out_.insert(atom_, cat(entry, "(?:"));
        atom_ += entry.size();
        out_ += cat("(?C", std::to_string(kCalloutAfterIteration + atom_group_ - 1), "))");
    }

    struct OpenGroup {
        std::size_t offset;  ///< output offset of its '('
        int group;           ///< its group number
    };

    std::string_view ere_;
    RepeatedGroups mode_;
    std::string out_;
    std::vector<OpenGroup> open_;  // unclosed '('
    /// Output offset where the last quantifiable atom starts, or kNone when
    /// a quantifier here would have nothing to repeat.
    std::size_t atom_ = kNone;
    bool after_quantifier_ = false;
    int groups_ = 0;
    int atom_group_ = 0;  // the group the last atom is, or 0
};

}  // namespace

Result<std::string> translate_ere(std::string_view ere, RepeatedGroups mode) {
    return Translator(ere, mode).run();
}

}  // namespace detail

dns::Result<std::string> translate_ere(std::string_view ere) {
    return detail::translate_ere(ere, detail::RepeatedGroups::Plain);
}

}  // namespace enumd::numbering
