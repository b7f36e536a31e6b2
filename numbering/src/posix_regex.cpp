// Leftmost-longest POSIX matching on PCRE2 (see posix_regex.hpp).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "enumd/numbering/posix_regex.hpp"

#include <pcre2.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "ere_translate.hpp"
#include "text.hpp"

namespace enumd::numbering {

using detail::cat;
using dns::make_error;
using dns::Result;

namespace {

std::string pcre2_message(int code) {
    std::array<PCRE2_UCHAR, 256> buf{};
    pcre2_get_error_message(code, buf.data(), buf.size());
    return reinterpret_cast<const char*>(buf.data());
}

}  // namespace

struct PosixRegex::Impl {
    pcre2_code* code = nullptr;
    std::string translated;
    RegexLimits limits;
    int groups = 0;
    bool jit = false;
    bool backrefs = false;  ///< the ERE uses \1-\9 (the DFA matcher cannot)
    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (code != nullptr) pcre2_code_free(code);
    }
};

PosixRegex::PosixRegex(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
PosixRegex::PosixRegex(PosixRegex&&) noexcept = default;
PosixRegex& PosixRegex::operator=(PosixRegex&&) noexcept = default;
PosixRegex::~PosixRegex() = default;

int PosixRegex::group_count() const noexcept {
    return impl_->groups;
}
const std::string& PosixRegex::translated() const noexcept {
    return impl_->translated;
}
bool PosixRegex::jit() const noexcept {
    return impl_->jit;
}

Result<PosixRegex> PosixRegex::compile(std::string_view ere, bool icase, RegexLimits limits, Jit jit) {
    auto tr = detail::translate_ere(ere, detail::RepeatedGroups::MarkWithCallouts);
    if (!tr) return make_error(tr.error());
    auto impl = std::make_unique<Impl>();
    impl->translated = std::move(*tr);
    impl->limits = limits;
    // The callout at the end sees every complete match so that we can pick
    // the POSIX one. No auto-possessification or start-up optimisations:
    // they may skip paths, and therefore callouts (pcre2callout(3)).
    std::string pattern = cat("(?:", impl->translated, ")(?C", std::to_string(detail::kCalloutMatchEnd), ")");
    std::uint32_t options = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_AUTO_POSSESS | PCRE2_NO_START_OPTIMIZE |
                            PCRE2_NO_DOTSTAR_ANCHOR | PCRE2_ANCHORED;
    if (icase) options |= PCRE2_CASELESS;
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errcode, &erroff,
                               nullptr);
    if (impl->code == nullptr) return make_error(pcre2_message(errcode));
    std::uint32_t cap = 0;
    pcre2_pattern_info(impl->code, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap > 9) return make_error("more than 9 groups: only \\1-\\9 can be referenced (RFC 3402 §3.2)");
    impl->groups = static_cast<int>(cap);
    std::uint32_t backref_max = 0;
    pcre2_pattern_info(impl->code, PCRE2_INFO_BACKREFMAX, &backref_max);
    impl->backrefs = backref_max > 0;
    impl->jit = jit == Jit::Compile && pcre2_jit_compile(impl->code, PCRE2_JIT_COMPLETE) == 0;
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
bool posix_better(const Candidate& a, const Candidate& b) {
    return a.eo[0] > b.eo[0];
}

Candidate candidate_of(const pcre2_callout_block* cb) {
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
    return c;
}

int record_parse(pcre2_callout_block* cb, void* data) {
    auto* st = static_cast<CalloutState*>(data);
    if (st->mode == CalloutState::Mode::Pass) return 0;
    if (cb->callout_number >= detail::kCalloutLoopEntry) {
        st->loop_entry[(cb->callout_number - detail::kCalloutLoopEntry) % 10] = cb->current_position;
        return 0;
    }
    if (cb->callout_number >= detail::kCalloutAfterIteration) {
        // After an iteration of repeated group g: glibc takes an empty
        // iteration only as the loop's first one; after non-empty ones it
        // stops (PCRE2 records one more, empty, iteration). Refuse those;
        // search() retries without refusing if that leaves no match.
        std::uint32_t g = cb->callout_number - detail::kCalloutAfterIteration + 1;
        bool empty = g < cb->capture_top && cb->offset_vector[2 * g] == cb->offset_vector[2 * g + 1];
        bool first = cb->current_position == st->loop_entry[g % 10];
        return st->refuse_empty_iterations && empty && !first ? 1 : 0;
    }
    if (st->mode == CalloutState::Mode::Target) return cb->current_position == st->target_end ? 0 : 1;
    if (st->parses.size() >= st->max_parses) {
        st->overflow = true;
        return PCRE2_ERROR_CALLOUT;  // abandon the match: too many parses
    }
    st->parses.push_back(candidate_of(cb));
    return 1;  // fail here so PCRE2 backtracks into the next parse
}

/// One search: the scratch PCRE2 state and the result of each start position.
class Searcher {
   public:
    Searcher(const pcre2_code* code, int groups, const RegexLimits& limits, std::string_view subject)
        : code_(code), groups_(groups), subject_(reinterpret_cast<PCRE2_SPTR>(subject.data())), size_(subject.size()) {
        st_.max_parses = limits.max_parses;
        if (scratch().mctx == nullptr || scratch().md == nullptr) return;
        pcre2_set_match_limit(scratch().mctx, limits.match_limit);
        pcre2_set_depth_limit(scratch().mctx, limits.depth_limit);
        pcre2_set_heap_limit(scratch().mctx, limits.heap_limit_kib);
        pcre2_set_callout(scratch().mctx, record_parse, &st_);
    }
    Searcher(const Searcher&) = delete;
    Searcher& operator=(const Searcher&) = delete;
    ~Searcher() {
        if (scratch().mctx != nullptr) pcre2_set_callout(scratch().mctx, nullptr, nullptr);
    }

    [[nodiscard]] bool ready() const { return scratch().mctx != nullptr && scratch().md != nullptr; }

    /// Without back-references. Longest: the DFA matcher finds every match
    /// at this start, longest first (pcre2matching(3)); then the
    /// backtracking matcher, told to accept only a match ending there,
    /// gives the first parse in priority order with its groups.
    /// Nothing when nothing matches at `start`; an error when a limit is hit.
    std::optional<std::string> longest_at(std::size_t start, PosixRegex::Match& m) {
        std::array<int, 1000> ws{};
        st_.mode = CalloutState::Mode::Pass;
        int rc = pcre2_dfa_match(code_, subject_, size_, start, PCRE2_ANCHORED, md(), mctx(), ws.data(), ws.size());
        if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
        if (rc < 0) return describe(rc);
        st_.target_end = pcre2_get_ovector_pointer(md())[1];
        st_.mode = CalloutState::Mode::Target;
        rc = match_refusing_empty_iterations(start, [&](int r) { return r == PCRE2_ERROR_NOMATCH; });
        if (rc < 0) return rc == PCRE2_ERROR_NOMATCH ? "regexp engines disagree (internal error)" : describe(rc);
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md());
        std::uint32_t pairs = std::min<std::uint32_t>(pcre2_get_ovector_count(md()), 10);
        m.matched = true;
        for (std::uint32_t g = 0; g < pairs && static_cast<int>(g) <= groups_; ++g) {
            if (ov[2 * g] != PCRE2_UNSET && static_cast<int>(g) < rc) {
                m.so[g] = static_cast<std::ptrdiff_t>(ov[2 * g]);
                m.eo[g] = static_cast<std::ptrdiff_t>(ov[2 * g + 1]);
            }
        }
        return std::nullopt;
    }

    /// With back-references, which the DFA matcher cannot do: every parse
    /// at this start is recorded by the callout, and the POSIX one is kept.
    std::optional<std::string> best_parse_at(std::size_t start, PosixRegex::Match& m) {
        st_.mode = CalloutState::Mode::Record;
        st_.parses.clear();
        int rc = match_refusing_empty_iterations(
            start, [&](int r) { return r == PCRE2_ERROR_NOMATCH && st_.parses.empty() && !st_.overflow; });
        if (rc != PCRE2_ERROR_NOMATCH) return rc < 0 || st_.overflow ? describe(rc) : "regexp callout did not run";
        if (st_.parses.empty()) return std::nullopt;
        const Candidate* best = &st_.parses.front();
        for (const auto& c : st_.parses) {
            if (posix_better(c, *best)) best = &c;
        }
        m.matched = true;
        std::copy(std::begin(best->so), std::end(best->so), std::begin(m.so));
        std::copy(std::begin(best->eo), std::end(best->eo), std::begin(m.eo));
        return std::nullopt;
    }

   private:
    /// One match context and match data per thread, reused: the subject is
    /// a few characters, so allocation would dominate the match.
    struct Scratch {
        pcre2_match_context* mctx = pcre2_match_context_create(nullptr);
        pcre2_match_data* md = pcre2_match_data_create(11, nullptr);  // \0-\9 + the callout group
        Scratch() = default;
        Scratch(const Scratch&) = delete;
        Scratch& operator=(const Scratch&) = delete;
        ~Scratch() {
            if (mctx != nullptr) pcre2_match_context_free(mctx);
            if (md != nullptr) pcre2_match_data_free(md);
        }
    };
    static Scratch& scratch() {
        thread_local Scratch s;
        return s;
    }
    static pcre2_match_context* mctx() { return scratch().mctx; }
    static pcre2_match_data* md() { return scratch().md; }

    /// Matches refusing empty repeat iterations after non-empty ones (as
    /// glibc does); when `retry(rc)` says that left nothing, matches again
    /// allowing them.
    template <typename Retry>
    int match_refusing_empty_iterations(std::size_t start, Retry retry) {
        st_.refuse_empty_iterations = true;
        int rc = pcre2_match(code_, subject_, size_, start, PCRE2_ANCHORED, md(), mctx());
        if (retry(rc)) {
            st_.refuse_empty_iterations = false;
            rc = pcre2_match(code_, subject_, size_, start, PCRE2_ANCHORED, md(), mctx());
        }
        return rc;
    }

    [[nodiscard]] std::string describe(int rc) const {
        if (st_.overflow) return cat("regexp has too many ways to match (limit ", std::to_string(st_.max_parses), ")");
        if (rc == PCRE2_ERROR_MATCHLIMIT) return "regexp hit the PCRE2 match limit";
        if (rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_DFA_RECURSE) return "regexp hit the PCRE2 depth limit";
        if (rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_DFA_WSSIZE) return "regexp hit the PCRE2 heap limit";
        return cat("regexp match failed: ", pcre2_message(rc));
    }

    const pcre2_code* code_;
    int groups_;
    PCRE2_SPTR subject_;
    std::size_t size_;
    CalloutState st_;
};

}  // namespace

Result<PosixRegex::Match> PosixRegex::search(std::string_view subject) const {
    Match m;
    m.group_count = impl_->groups;
    Searcher searcher(impl_->code, impl_->groups, impl_->limits, subject);
    if (!searcher.ready()) return make_error("out of memory");
    // Leftmost: the first start position with any match wins.
    for (std::size_t start = 0; start <= subject.size() && !m.matched; ++start) {
        auto error = impl_->backrefs ? searcher.best_parse_at(start, m) : searcher.longest_at(start, m);
        if (error) return make_error(std::move(*error));
    }
    return m;
}

}  // namespace enumd::numbering
