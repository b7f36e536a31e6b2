// RFC 3402 §3.2 substitution expressions: parse, check, apply, and build from a URI.
#include "enumd/numbering/subst_expr.hpp"

#include <algorithm>
#include <cstring>

#include "enumd/numbering/enumservice.hpp"
#include "text.hpp"

namespace enumd::numbering {

using detail::cat;
using dns::Error;
using dns::make_error;
using dns::Result;

/// The pieces of "<d>ere<d>repl<d>flags" before the ERE is compiled.
struct detail::SubstParts {
    char delimiter = '!';
    std::string pattern;           ///< as written
    std::string ere;               ///< escaped delimiters resolved
    std::string replacement_text;  ///< as written
    std::vector<SubstExpr::Piece> repl;
    bool icase = false;
    int max_ref = 0;  ///< highest back-reference in the replacement
};

namespace {

using Parts = detail::SubstParts;

bool is_ere_special(char c) {
    return c != '\0' && std::strchr(".[]()|*+?{}^$\\", c) != nullptr;
}

Error not_closed(char d) {
    return make_error(cat("regexp delimiter '", d, "' not closed: a substitution expression is ", d, "pattern", d,
                          "replacement", d, "flags (RFC 3402 §3.2)"));
}

/// RFC 3402 §3.2: delim-char is any non-digit, non-flag character other
/// than backslash. ABNF strings are case-insensitive, so 'I' is a flag too.
std::optional<Error> check_delimiter(char d) {
    if ((d >= '0' && d <= '9') || d == 'i' || d == 'I' || d == '\\')
        return make_error(cat("regexp delimiter '", d,
                              "' is not allowed: it may not be a digit, the flag 'i' or '\\' (RFC 3402 §3.2)"));
    return std::nullopt;
}

/// The ERE from text[i] to the second delimiter; returns the offset after it.
Result<std::size_t> split_ere(std::string_view text, std::size_t i, Parts& p) {
    const char d = p.delimiter;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == d) {
            p.pattern.assign(text.substr(1, i - 1));
            return i + 1;
        }
        if (c != '\\' || i + 1 >= text.size()) {
            p.ere += c;
            continue;
        }
        char n = text[++i];
        if (n == d) {
            // An escaped delimiter is that character, literally; escaped again
            // only where the ERE would read it as an operator.
            if (is_ere_special(d)) p.ere += '\\';
            p.ere += d;
        } else {
            p.ere += c;
            p.ere += n;
        }
    }
    return not_closed(d);
}

/// The replacement from text[i] to the third delimiter: literal text and
/// back-references \1-\9 ("\<delim>", "\\" and other escapes stand for the
/// character). Returns the offset after the delimiter.
Result<std::size_t> split_replacement(std::string_view text, std::size_t i, Parts& p) {
    const char d = p.delimiter;
    const std::size_t start = i;
    std::string lit;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == d) {
            if (!lit.empty()) p.repl.push_back({std::move(lit), 0});
            p.replacement_text.assign(text.substr(start, i - start));
            return i + 1;
        }
        if (c != '\\') {
            lit += c;
            continue;
        }
        if (i + 1 >= text.size()) break;
        char n = text[++i];
        if (n == '0') return make_error("regexp back-reference \\0 is not allowed (RFC 3402 §3.2: \\1-\\9)");
        if (n < '1' || n > '9') {
            lit += n;
            continue;
        }
        if (!lit.empty()) p.repl.push_back({std::move(lit), 0});
        lit.clear();
        p.repl.push_back({{}, n - '0'});
        p.max_ref = std::max(p.max_ref, n - '0');
    }
    return not_closed(d);
}

/// The flags after the third delimiter: only "i" (RFC 3402 §3.2).
std::optional<Error> parse_flags(std::string_view flags, Parts& p) {
    for (char f : flags) {
        if (f == p.delimiter)
            return make_error(
                cat("regexp has an unescaped delimiter '", f, "' after its third delimiter; escape it as '\\", f, "'"));
        if (f != 'i')
            return make_error(cat("regexp flag '", f, "' is not allowed: the only flag is 'i' (RFC 3402 §3.2)"));
        p.icase = true;
    }
    return std::nullopt;
}

Result<Parts> split(std::string_view text) {
    Parts p;
    if (text.empty()) return make_error("empty regexp");
    p.delimiter = text[0];
    if (auto bad = check_delimiter(p.delimiter)) return std::move(*bad);
    auto after_ere = split_ere(text, 1, p);
    if (!after_ere) return make_error(after_ere.error());
    auto after_repl = split_replacement(text, *after_ere, p);
    if (!after_repl) return make_error(after_repl.error());
    if (auto bad = parse_flags(text.substr(*after_repl), p)) return std::move(*bad);
    if (p.pattern.empty()) return make_error("regexp has an empty pattern");
    return p;
}

}  // namespace

SubstExpr::SubstExpr(detail::SubstParts parts, PosixRegex regex) noexcept
    : delimiter_(parts.delimiter),
      pattern_(std::move(parts.pattern)),
      ere_(std::move(parts.ere)),
      replacement_text_(std::move(parts.replacement_text)),
      repl_(std::move(parts.repl)),
      icase_(parts.icase),
      regex_(std::move(regex)) {}

namespace {

/// parse's message for an ERE that did not compile (`why`: the compiler's reason).
Error not_compiled(const Parts& p, std::string_view why) {
    return make_error(cat("regexp pattern '", p.pattern, "' does not compile: ", why));
}

/// RFC 3402 §3.2: a back-reference names a group the ERE has.
std::optional<Error> check_references(const Parts& p, int groups) {
    if (p.max_ref <= groups) return std::nullopt;
    std::string n = std::to_string(p.max_ref);
    return make_error(cat("regexp back-reference \\", n, " refers to group ", n, " but the pattern '", p.pattern,
                          "' has ", std::to_string(groups), groups == 1 ? " group" : " groups"));
}

}  // namespace

Result<SubstExpr> SubstExpr::parse(std::string_view text, RegexLimits limits, Jit jit) {
    auto parts = split(text);
    if (!parts) return make_error(parts.error());
    auto re = PosixRegex::compile(parts->ere, parts->icase, limits, jit);
    if (!re) return not_compiled(*parts, re.error());
    if (auto bad = check_references(*parts, re->group_count())) return std::move(*bad);
    return SubstExpr(std::move(*parts), std::move(*re));
}

Result<SubstExprChecker::Checked> SubstExprChecker::check(std::string_view text) {
    if (last_ && text == last_text_) return *last_;
    last_text_.assign(text);
    last_ = check_text(text);
    return *last_;
}

Result<SubstExprChecker::Checked> SubstExprChecker::check_text(std::string_view text) {
    auto parts = split(text);
    if (!parts) return make_error(parts.error());
    key_.assign(1, parts->icase ? 'i' : '-');
    key_ += parts->ere;
    auto it = eres_.find(key_);
    if (it == eres_.end()) {
        if (eres_.size() >= kMaxEres) eres_.clear();
        Compiled c;
        auto re = PosixRegex::compile(parts->ere, parts->icase, {}, Jit::Skip);
        if (re) {
            c.groups = re->group_count();
        } else {
            c.error = re.error();
            c.failed = true;
        }
        it = eres_.emplace(key_, std::move(c)).first;
    }
    if (it->second.failed) return not_compiled(*parts, it->second.error);
    if (auto bad = check_references(*parts, it->second.groups)) return std::move(*bad);
    return Checked{SubstExpr::matches_whole_string(parts->ere)};
}

const char* to_string(SubstReading r) noexcept {
    switch (r) {
    case SubstReading::Sed: return "sed";
    case SubstReading::ReplacementOnly: return "replacement-only";
    }
    return "?";
}

Result<std::string> SubstExpr::apply(std::string_view aus, SubstReading reading) const {
    auto m = regex_.search(aus);
    if (!m) return make_error(m.error());
    if (!m->matched) return make_error("regexp does not match the application unique string");
    auto span = [&](int g) {
        return aus.substr(static_cast<std::size_t>(m->so[g]), static_cast<std::size_t>(m->eo[g] - m->so[g]));
    };
    const bool sed = reading == SubstReading::Sed;
    // RFC 3402 §3.2 "sed-style": what the ERE did not match stays (before and after the match).
    std::string out(sed ? aus.substr(0, static_cast<std::size_t>(m->so[0])) : std::string_view{});
    for (const auto& p : repl_) {
        if (p.group == 0) {
            out += p.text;
        } else if (m->so[p.group] >= 0) {
            out.append(span(p.group));
        }
    }
    if (sed) out.append(aus.substr(static_cast<std::size_t>(m->eo[0])));
    return out;
}

namespace {

/// `ere` without the groups that enclose all of it at either end ("(^a(.*)$)" -> "^a(.*)$" at the start and
/// end checks): the leading '(' and trailing ')' are dropped, being no character of the match.
std::string_view strip_outer_groups(std::string_view ere, bool front) {
    if (front) {
        while (!ere.empty() && ere.front() == '(') ere.remove_prefix(1);
    } else {
        while (ere.size() >= 2 && ere.back() == ')' && ere[ere.size() - 2] != '\\') ere.remove_suffix(1);
    }
    return ere;
}

/// True when the character at `i` is preceded by an odd number of backslashes.
bool escaped(std::string_view s, std::size_t i) {
    std::size_t n = 0;
    while (i > n && s[i - n - 1] == '\\') ++n;
    return n % 2 == 1;
}

/// A '|' outside every group and bracket expression: the ERE is an alternation of whole branches.
bool top_level_alternation(std::string_view ere) {
    int depth = 0;
    for (std::size_t i = 0; i < ere.size(); ++i) {
        char c = ere[i];
        if (c == '\\') {
            ++i;
        } else if (c == '[') {
            // POSIX bracket expression: a ']' right after '[' or "[^" is a member.
            std::size_t j = i + 1;
            if (j < ere.size() && ere[j] == '^') ++j;
            if (j < ere.size() && ere[j] == ']') ++j;
            while (j < ere.size() && ere[j] != ']') ++j;
            i = j;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (c == '|' && depth == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool SubstExpr::matches_whole_string() const noexcept {
    return matches_whole_string(ere_);
}

bool SubstExpr::matches_whole_string(std::string_view ere) noexcept {
    if (top_level_alternation(ere)) return false;
    // Start: '^', or a leading ".*" (a match anywhere is also one from position 0, and the leftmost is taken).
    auto head = strip_outer_groups(ere, true);
    bool from_start = head.starts_with("^") || head.starts_with(".*");
    // End: an unescaped '$', or a trailing ".*" that runs to the end.
    auto tail = strip_outer_groups(ere, false);
    bool to_end = (tail.ends_with("$") && !escaped(tail, tail.size() - 1)) ||
                  (tail.ends_with(".*") && !escaped(tail, tail.size() - 2));
    return from_start && to_end;
}

Result<std::string> subst_expr_for_uri(std::string_view uri) {
    if (uri_scheme(uri).empty()) return make_error(cat("'", uri, "' is not a URI (it needs a scheme such as 'sip:')"));
    constexpr char kMarker = '\x01';  // where the back-reference goes
    std::string body(uri);
    std::string pattern = "^.*$";
    int placeholders = 0;
    for (auto [ph, pat] : {std::pair{std::string_view("{number}"), std::string_view("^(.*)$")},
                           std::pair{std::string_view("{digits}"), std::string_view("^\\+(.*)$")}}) {
        for (auto at = body.find(ph); at != std::string::npos; at = body.find(ph)) {
            ++placeholders;
            pattern = pat;
            body.replace(at, ph.size(), 1, kMarker);
        }
    }
    if (placeholders > 1) return make_error(cat("'", uri, "' has more than one {number}/{digits} placeholder"));
    constexpr std::string_view kDelimiters = "!#|~%,;=";
    auto free =
        std::find_if(kDelimiters.begin(), kDelimiters.end(), [&](char c) { return body.find(c) == std::string::npos; });
    bool found = free != kDelimiters.end();
    char delim = found ? *free : '!';
    std::string repl;
    for (char c : body) {
        if (c == kMarker) {
            repl += "\\1";
        } else if (c == '\\' || (!found && c == delim)) {
            repl += '\\';
            repl += c;
        } else {
            repl += c;
        }
    }
    std::string expr(1, delim);
    expr.append(pattern).append(1, delim).append(repl).append(1, delim);
    return expr;
}

}  // namespace enumd::numbering
