#define PCRE2_CODE_UNIT_WIDTH 8
#include "enumd/resolver/regexp.hpp"

#include <pcre2.h>

#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

namespace enumd::resolver {

using dns::make_error;
using dns::Result;

namespace {

bool is_ere_special(char c) {
    return std::strchr(".[]()|*+?{}^$\\", c) != nullptr && c != '\0';
}

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

/// Parses "{m}", "{m,}", "{m,n}", "{,n}" at `i` (pointing at '{'). Returns
/// the PCRE2 form and advances `i` past '}', or nothing when it is not an
/// interval (then '{' is an ordinary character, as glibc treats it).
std::optional<std::string> parse_interval(std::string_view ere, std::size_t& i, std::string& error) {
    std::size_t j = i + 1;
    auto digits = [&](std::string& d) {
        while (j < ere.size() && std::isdigit(static_cast<unsigned char>(ere[j])) != 0) d += ere[j++];
    };
    std::string lo, hi;
    digits(lo);
    bool comma = false;
    if (j < ere.size() && ere[j] == ',') {
        comma = true;
        ++j;
        digits(hi);
    }
    if (j >= ere.size() || ere[j] != '}' || (lo.empty() && hi.empty())) return std::nullopt;
    // RE_DUP_MAX is 255 in POSIX.
    if (lo.size() > 3 || hi.size() > 3 || (!lo.empty() && std::stoi(lo) > 255) || (!hi.empty() && std::stoi(hi) > 255)) {
        error = "interval count above RE_DUP_MAX (255)";
        return std::nullopt;
    }
    if (!lo.empty() && !hi.empty() && std::stoi(hi) < std::stoi(lo)) {
        error = "interval {m,n} with n < m";
        return std::nullopt;
    }
    i = j + 1;
    if (lo.empty()) lo = "0";
    return "{" + lo + (comma ? "," + hi : std::string{}) + "}";
}

}  // namespace

namespace {

Result<std::string> translate_ere_impl(std::string_view ere, bool mark_repeated_groups) {
    std::string out;
    out.reserve(ere.size() * 2);
    std::vector<std::size_t> open;  // output offsets of unclosed '('
    // Output offset where the last quantifiable atom starts, or npos when a
    // quantifier here would have nothing to repeat.
    constexpr auto kNone = std::string::npos;
    std::size_t atom = kNone;
    bool after_quantifier = false;
    int groups = 0;
    std::vector<int> open_group;  // group numbers of unclosed '('
    int atom_group = 0;           // the group the last atom is, or 0

    auto quantify = [&](const std::string& q) -> std::optional<std::string> {
        if (atom == kNone) return "repetition operator with nothing to repeat";
        if (mark_repeated_groups && atom_group != 0 && !after_quantifier) {
            // "(X)*" → "(?C<100+g>)(?:(X)(?C<g+1>))*": a callout notes where
            // the loop starts, and after each iteration of group g another
            // may refuse an empty iteration (see record_parse()).
            std::string entry = "(?C" + std::to_string(100 + atom_group) + ")";
            out.insert(atom, entry + "(?:");
            atom += entry.size();
            out += "(?C" + std::to_string(atom_group + 1) + "))";
        }
        if (after_quantifier) {
            // ERE "a*?" is (a*)? and "a*+" is (a*)+; in PCRE they would be
            // lazy/possessive. Wrap the quantified atom in a group first.
            out.insert(atom, "(?:");
            out += ')';
        }
        out += q;
        after_quantifier = true;
        return std::nullopt;
    };

    for (std::size_t i = 0; i < ere.size();) {
        char c = ere[i];
        bool is_quantifier = c == '*' || c == '+' || c == '?' || c == '{';
        if (!is_quantifier) atom_group = 0;
        switch (c) {
        case '\\': {
            if (i + 1 >= ere.size()) return make_error("trailing backslash");
            char n = ere[i + 1];
            atom = out.size();
            after_quantifier = false;
            if (n >= '1' && n <= '9') {
                out += '\\';
                out += n;
            } else {
                emit_literal(out, n);
            }
            i += 2;
            break;
        }
        case '[': {
            atom = out.size();
            after_quantifier = false;
            out += '[';
            ++i;
            if (i < ere.size() && ere[i] == '^') {
                out += '^';
                ++i;
            }
            bool first = true;
            bool closed = false;
            while (i < ere.size()) {
                char b = ere[i];
                if (b == ']' && !first) {
                    closed = true;
                    ++i;
                    break;
                }
                first = false;
                if (b == '[' && i + 1 < ere.size() && (ere[i + 1] == ':' || ere[i + 1] == '=' || ere[i + 1] == '.')) {
                    char kind = ere[i + 1];
                    auto end = ere.find(std::string{kind} + "]", i + 2);
                    if (end == std::string_view::npos) return make_error("unterminated [: :] in bracket expression");
                    if (kind != ':') {
                        // Collating elements and equivalence classes: only the
                        // single-character form, which is that character.
                        auto inner = ere.substr(i + 2, end - (i + 2));
                        if (inner.size() != 1) return make_error("multi-character collating element not supported");
                        emit_literal(out, inner[0]);
                    } else {
                        out.append(ere.substr(i, end + 2 - i));
                    }
                    i = end + 2;
                    continue;
                }
                if (b == '\\' || b == '[' || b == ']') {
                    out += '\\';  // literal inside a POSIX bracket expression
                    out += b;
                } else {
                    out += b;
                }
                ++i;
            }
            if (!closed) return make_error("unterminated bracket expression");
            out += ']';
            break;
        }
        case '(':
            if (i + 1 < ere.size() && (ere[i + 1] == '?' || ere[i + 1] == '*' || ere[i + 1] == '+')) {
                return make_error("repetition operator at the start of a group");
            }
            open.push_back(out.size());
            open_group.push_back(++groups);
            out += '(';
            atom = kNone;
            after_quantifier = false;
            ++i;
            break;
        case ')':
            if (open.empty()) return make_error("unmatched ')'");
            atom = open.back();
            open.pop_back();
            atom_group = open_group.back();
            open_group.pop_back();
            out += ')';
            after_quantifier = false;
            ++i;
            continue;
        case '|':
            out += '|';
            atom = kNone;
            after_quantifier = false;
            ++i;
            break;
        case '*':
        case '+':
        case '?':
            if (auto e = quantify(std::string{c})) return make_error(*e);
            ++i;
            break;
        case '{': {
            std::string err;
            std::size_t j = i;
            auto q = parse_interval(ere, j, err);
            if (!err.empty()) return make_error(err);
            if (q) {
                if (auto e = quantify(*q)) return make_error(*e);
                i = j;
            } else {
                atom = out.size();
                atom_group = 0;
                after_quantifier = false;
                out += "\\{";
                ++i;
            }
            break;
        }
        case '^':
        case '$':
            out += c;
            atom = kNone;
            after_quantifier = false;
            ++i;
            break;
        case '.':
            atom = out.size();
            after_quantifier = false;
            out += '.';
            ++i;
            break;
        default:
            atom = out.size();
            after_quantifier = false;
            emit_literal(out, c);
            ++i;
            break;
        }
    }
    if (!open.empty()) return make_error("unmatched '('");
    return out;
}

}  // namespace

Result<std::string> translate_ere(std::string_view ere) { return translate_ere_impl(ere, false); }

// ---------------------------------------------------------------------------

struct PosixRegex::Impl {
    pcre2_code* code = nullptr;
    std::string translated;
    RegexLimits limits;
    int groups = 0;
    bool jit = false;
    bool backrefs = false;  ///< the ERE uses \1-\9 (the DFA matcher cannot)
    ~Impl() {
        if (code != nullptr) pcre2_code_free(code);
    }
};

PosixRegex::PosixRegex(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
PosixRegex::PosixRegex(PosixRegex&&) noexcept = default;
PosixRegex& PosixRegex::operator=(PosixRegex&&) noexcept = default;
PosixRegex::~PosixRegex() = default;

int PosixRegex::group_count() const noexcept { return impl_->groups; }
const std::string& PosixRegex::translated() const noexcept { return impl_->translated; }
bool PosixRegex::jit() const noexcept { return impl_->jit; }

Result<PosixRegex> PosixRegex::compile(std::string_view ere, bool icase, RegexLimits limits) {
    auto tr = translate_ere_impl(ere, true);
    if (!tr) return make_error(tr.error());
    auto impl = std::make_unique<Impl>();
    impl->translated = *tr;
    impl->limits = limits;
    // The callout at the end sees every complete match so that we can pick
    // the POSIX one. No auto-possessification or start-up optimisations:
    // they may skip paths, and therefore callouts (pcre2callout(3)).
    std::string pattern = "(?:" + impl->translated + ")(?C1)";
    std::uint32_t options = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_AUTO_POSSESS | PCRE2_NO_START_OPTIMIZE |
                            PCRE2_NO_DOTSTAR_ANCHOR | PCRE2_ANCHORED;
    if (icase) options |= PCRE2_CASELESS;
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errcode, &erroff,
                               nullptr);
    if (impl->code == nullptr) {
        std::array<PCRE2_UCHAR, 256> buf{};
        pcre2_get_error_message(errcode, buf.data(), buf.size());
        return make_error(std::string("regexp does not compile: ") + reinterpret_cast<const char*>(buf.data()));
    }
    std::uint32_t cap = 0;
    pcre2_pattern_info(impl->code, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap > 9) return make_error("more than 9 groups: only \\1-\\9 can be referenced (RFC 3402 §3.2)");
    impl->groups = static_cast<int>(cap);
    std::uint32_t backref_max = 0;
    pcre2_pattern_info(impl->code, PCRE2_INFO_BACKREFMAX, &backref_max);
    impl->backrefs = backref_max > 0;
    impl->jit = pcre2_jit_compile(impl->code, PCRE2_JIT_COMPLETE) == 0;
    return PosixRegex(std::move(impl));
}

namespace {

struct Candidate {
    std::ptrdiff_t so[10];
    std::ptrdiff_t eo[10];
};

struct CalloutState {
    enum class Mode { Record, Target, Pass } mode = Mode::Record;
    std::size_t target_end = 0;  ///< Mode::Target: accept only a match ending here
    bool refuse_empty_iterations = true;
    std::size_t loop_entry[10] = {};  ///< where the loop of repeated group g was entered
    std::vector<Candidate> parses;
    std::uint32_t max_parses = 0;
    bool overflow = false;
};

/// True when `a` is preferred over `b`: the longer whole match wins; among
/// parses of the same longest match the first one found wins. PCRE2 finds
/// parses in priority order (left alternative first, greedy repeats first),
/// which is how glibc's regexec assigns subexpressions once it knows the
/// longest match (regexec.c: proceed_next_node takes the first transition
/// that can still reach the match end). glibc, which the SIP servers we
/// interoperate with use, departs there from the strict POSIX rule that
/// each subexpression be longest; we follow glibc and prove it in tests.
bool posix_better(const Candidate& a, const Candidate& b) { return a.eo[0] > b.eo[0]; }

int record_parse(pcre2_callout_block* cb, void* data) {
    auto* st = static_cast<CalloutState*>(data);
    if (st->mode == CalloutState::Mode::Pass) return 0;
    if (cb->callout_number >= 100) {
        st->loop_entry[(cb->callout_number - 100) % 10] = cb->current_position;
        return 0;
    }
    if (cb->callout_number >= 2) {
        // After an iteration of repeated group g: glibc takes an empty
        // iteration only as the loop's first one; after non-empty ones it
        // stops (PCRE2 records one more, empty, iteration). Refuse those;
        // search() retries without refusing if that leaves no match.
        std::uint32_t g = cb->callout_number - 1;
        bool empty = g < cb->capture_top && cb->offset_vector[2 * g] == cb->offset_vector[2 * g + 1];
        bool first = cb->current_position == st->loop_entry[g % 10];
        return st->refuse_empty_iterations && empty && !first ? 1 : 0;
    }
    if (st->mode == CalloutState::Mode::Target) return cb->current_position == st->target_end ? 0 : 1;
    if (st->parses.size() >= st->max_parses) {
        st->overflow = true;
        return PCRE2_ERROR_CALLOUT;  // abandon the match: too many parses
    }
    Candidate c{};
    for (int g = 0; g < 10; ++g) c.so[g] = c.eo[g] = -1;
    c.so[0] = static_cast<std::ptrdiff_t>(cb->start_match);
    c.eo[0] = static_cast<std::ptrdiff_t>(cb->current_position);
    for (std::uint32_t g = 1; g < cb->capture_top && g <= 9; ++g) {
        PCRE2_SIZE s = cb->offset_vector[2 * g], e = cb->offset_vector[2 * g + 1];
        if (s != PCRE2_UNSET && e != PCRE2_UNSET) {
            c.so[g] = static_cast<std::ptrdiff_t>(s);
            c.eo[g] = static_cast<std::ptrdiff_t>(e);
        }
    }
    st->parses.push_back(c);
    return 1;  // fail here so PCRE2 backtracks into the next parse
}

}  // namespace

Result<PosixRegex::Match> PosixRegex::search(std::string_view subject) const {
    Match m;
    m.group_count = impl_->groups;
    // One match context and match data per thread, reused: the subject is
    // a few characters, so allocation would dominate the match.
    struct Scratch {
        pcre2_match_context* mctx = pcre2_match_context_create(nullptr);
        pcre2_match_data* md = pcre2_match_data_create(11, nullptr);  // \0-\9 + the callout group
        ~Scratch() {
            if (mctx != nullptr) pcre2_match_context_free(mctx);
            if (md != nullptr) pcre2_match_data_free(md);
        }
    };
    thread_local Scratch scratch;
    pcre2_match_context* mctx = scratch.mctx;
    pcre2_match_data* md = scratch.md;
    if (mctx == nullptr || md == nullptr) return make_error("out of memory");
    pcre2_set_match_limit(mctx, impl_->limits.match_limit);
    pcre2_set_depth_limit(mctx, impl_->limits.depth_limit);
    pcre2_set_heap_limit(mctx, impl_->limits.heap_limit_kib);
    CalloutState st;
    st.max_parses = impl_->limits.max_parses;
    pcre2_set_callout(mctx, record_parse, &st);

    std::string error;
    auto describe = [&](int rc) {
        if (st.overflow) return "regexp has too many ways to match (limit " + std::to_string(st.max_parses) + ")";
        if (rc == PCRE2_ERROR_MATCHLIMIT) return std::string("regexp hit the PCRE2 match limit");
        if (rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_DFA_RECURSE) return std::string("regexp hit the PCRE2 depth limit");
        if (rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_DFA_WSSIZE) return std::string("regexp hit the PCRE2 heap limit");
        std::array<PCRE2_UCHAR, 256> buf{};
        pcre2_get_error_message(rc, buf.data(), buf.size());
        return std::string("regexp match failed: ") + reinterpret_cast<const char*>(buf.data());
    };
    auto subj = reinterpret_cast<PCRE2_SPTR>(subject.data());
    // Leftmost: the first start position with any match wins.
    for (std::size_t start = 0; start <= subject.size(); ++start) {
        if (!impl_->backrefs) {
            // Longest: the DFA matcher finds every match at this start,
            // longest first (pcre2matching(3)); then the backtracking
            // matcher, told to accept only a match ending there, gives the
            // first parse in priority order with its groups.
            std::array<int, 1000> ws{};
            st.mode = CalloutState::Mode::Pass;
            int rc = pcre2_dfa_match(impl_->code, subj, subject.size(), start, PCRE2_ANCHORED, md, mctx, ws.data(),
                                     ws.size());
            if (rc == PCRE2_ERROR_NOMATCH) continue;
            if (rc < 0) {
                error = describe(rc);
                break;
            }
            st.target_end = pcre2_get_ovector_pointer(md)[1];
            st.mode = CalloutState::Mode::Target;
            st.refuse_empty_iterations = true;
            rc = pcre2_match(impl_->code, subj, subject.size(), start, PCRE2_ANCHORED, md, mctx);
            if (rc == PCRE2_ERROR_NOMATCH) {
                st.refuse_empty_iterations = false;
                rc = pcre2_match(impl_->code, subj, subject.size(), start, PCRE2_ANCHORED, md, mctx);
            }
            if (rc < 0) {
                error = rc == PCRE2_ERROR_NOMATCH ? "regexp engines disagree (internal error)" : describe(rc);
                break;
            }
            const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
            std::uint32_t pairs = std::min<std::uint32_t>(pcre2_get_ovector_count(md), 10);
            m.matched = true;
            for (std::uint32_t g = 0; g < pairs && static_cast<int>(g) <= impl_->groups; ++g) {
                if (ov[2 * g] != PCRE2_UNSET && static_cast<int>(g) < rc) {
                    m.so[g] = static_cast<std::ptrdiff_t>(ov[2 * g]);
                    m.eo[g] = static_cast<std::ptrdiff_t>(ov[2 * g + 1]);
                }
            }
            break;
        }
        // Back-references: the DFA matcher cannot do them; enumerate parses.
        st.mode = CalloutState::Mode::Record;
        st.parses.clear();
        st.refuse_empty_iterations = true;
        int rc = pcre2_match(impl_->code, subj, subject.size(), start, PCRE2_ANCHORED, md, mctx);
        if (rc == PCRE2_ERROR_NOMATCH && st.parses.empty() && !st.overflow) {
            st.refuse_empty_iterations = false;
            rc = pcre2_match(impl_->code, subj, subject.size(), start, PCRE2_ANCHORED, md, mctx);
        }
        if (rc != PCRE2_ERROR_NOMATCH) {
            error = rc < 0 || st.overflow ? describe(rc) : "regexp callout did not run";
            break;
        }
        if (st.parses.empty()) continue;
        const Candidate* best = &st.parses.front();
        for (const auto& c : st.parses) {
            if (posix_better(c, *best)) best = &c;
        }
        m.matched = true;
        for (int g = 0; g < 10; ++g) {
            m.so[g] = best->so[g];
            m.eo[g] = best->eo[g];
        }
        break;
    }
    pcre2_set_callout(mctx, nullptr, nullptr);
    if (!error.empty()) return make_error(error);
    return m;
}

// ---------------------------------------------------------------------------

Result<SubstExpr> SubstExpr::parse(std::string_view text, RegexLimits limits) {
    // RFC 3402 §3.2: subst-expr = delim-char ere delim-char repl delim-char *flags
    if (text.empty()) return make_error("empty substitution expression");
    char d = text[0];
    if (std::isdigit(static_cast<unsigned char>(d)) != 0) return make_error("delimiter is a digit");
    if (d == 'i' || d == 'I') return make_error("delimiter is the flag character 'i'");
    if (d == '\\') return make_error("delimiter is a backslash");
    // Split into the three parts at unescaped delimiters.
    std::string ere;
    std::vector<Piece> repl;
    std::size_t i = 1;
    bool closed = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size() && text[i + 1] == d) {
            // An escaped delimiter is that character, literally.
            if (is_ere_special(d)) ere += '\\';
            ere += d;
            ++i;
            continue;
        }
        if (c == '\\' && i + 1 < text.size()) {
            ere += c;
            ere += text[++i];
            continue;
        }
        if (c == d) {
            closed = true;
            ++i;
            break;
        }
        ere += c;
    }
    if (!closed) return make_error("regexp delimiter '" + std::string{d} + "' not closed after the expression");
    closed = false;
    std::string lit;
    int max_ref = 0;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) return make_error("trailing backslash in replacement");
            char n = text[++i];
            if (n == '0') return make_error("back-reference \\0 is not allowed (RFC 3402 §3.2: \\1-\\9)");
            if (n >= '1' && n <= '9') {
                if (!lit.empty()) repl.push_back({std::move(lit), 0});
                lit.clear();
                repl.push_back({{}, n - '0'});
                max_ref = std::max(max_ref, n - '0');
            } else {
                lit += n;  // "\<delim>", "\\" and other escapes stand for the character
            }
            continue;
        }
        if (c == d) {
            closed = true;
            ++i;
            break;
        }
        lit += c;
    }
    if (!closed) return make_error("regexp delimiter '" + std::string{d} + "' not closed after the replacement");
    if (!lit.empty()) repl.push_back({std::move(lit), 0});
    bool icase = false;
    for (; i < text.size(); ++i) {
        if (text[i] == 'i') {
            icase = true;
        } else {
            return make_error("unknown regexp flag '" + std::string{text[i]} + "' (only 'i', RFC 3402 §3.2)");
        }
    }
    auto re = PosixRegex::compile(ere, icase, limits);
    if (!re) return make_error(re.error());
    if (max_ref > re->group_count()) {
        return make_error("back-reference \\" + std::to_string(max_ref) + " names a group the expression does not have");
    }
    return SubstExpr(std::move(*re), std::move(ere), std::move(repl));
}

Result<std::string> SubstExpr::apply(std::string_view aus) const {
    auto m = regex_.search(aus);
    if (!m) return make_error(m.error());
    if (!m->matched) return make_error("regexp does not match the application unique string");
    std::string out(aus.substr(0, static_cast<std::size_t>(m->so[0])));
    for (const auto& p : repl_) {
        if (p.group == 0) {
            out += p.text;
        } else if (m->so[p.group] >= 0) {
            out.append(aus.substr(static_cast<std::size_t>(m->so[p.group]),
                                  static_cast<std::size_t>(m->eo[p.group] - m->so[p.group])));
        }
    }
    out.append(aus.substr(static_cast<std::size_t>(m->eo[0])));
    return out;
}

}  // namespace enumd::resolver
