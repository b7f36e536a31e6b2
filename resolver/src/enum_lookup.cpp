#include "enumd/resolver/enum_lookup.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/subst_expr.hpp"

namespace enumd::resolver {

namespace asio = boost::asio;

const char* to_string(EnumOutcome o) noexcept {
    switch (o) {
    case EnumOutcome::Ok: return "ok";
    case EnumOutcome::BadNumber: return "bad-number";
    case EnumOutcome::NxDomain: return "nxdomain";
    case EnumOutcome::NoUsable: return "no-usable-record";
    case EnumOutcome::Timeout: return "timeout";
    case EnumOutcome::ServFail: return "servfail";
    case EnumOutcome::Refused: return "refused";
    case EnumOutcome::Unreachable: return "unreachable";
    }
    return "?";
}

namespace {

/// The outcome for a lookup that found nothing usable because queries failed.
EnumOutcome enum_outcome_of(LookupStatus failure) noexcept {
    switch (failure) {
    case LookupStatus::Timeout: return EnumOutcome::Timeout;
    case LookupStatus::Unreachable: return EnumOutcome::Unreachable;
    case LookupStatus::Refused: return EnumOutcome::Refused;
    default: return EnumOutcome::ServFail;
    }
}

/// Compiled substitution expressions, per thread: the same few regexps come
/// back in every answer, and PCRE2 compile + JIT costs far more than the
/// match on a 16-character string. Bounded: cleared when full.
const dns::Result<numbering::SubstExpr>& compiled(const std::string& regexp, const numbering::RegexLimits& limits) {
    constexpr std::size_t kMaxEntries = 512;
    thread_local std::map<std::string, std::unique_ptr<dns::Result<numbering::SubstExpr>>> cache;
    std::string key = regexp;
    key += '\0';
    key += std::to_string(limits.match_limit) + "/" + std::to_string(limits.depth_limit) + "/" +
           std::to_string(limits.heap_limit_kib) + "/" + std::to_string(limits.max_parses);
    auto it = cache.find(key);
    if (it != cache.end()) return *it->second;
    if (cache.size() >= kMaxEntries) cache.clear();
    auto entry = std::make_unique<dns::Result<numbering::SubstExpr>>(numbering::SubstExpr::parse(regexp, limits));
    return *cache.emplace(std::move(key), std::move(entry)).first->second;
}

}  // namespace

NaptrSetResult process_naptr_set(const std::vector<NaptrRecord>& records, const std::string& aus,
                                 const EnumOptions& options, Rng& rng) {
    NaptrSetResult out;
    out.skipped.assign(records.size(), {});
    out.results.assign(records.size(), {});
    out.shares.assign(records.size(), 0.0);
    std::map<std::uint16_t, std::vector<NaptrStep>> tiers;

    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& rr = records[i];
        auto skip = [&](std::string why) { out.skipped[i] = std::move(why); };
        FlagKind kind = classify_enum_flags(rr.flags);
        if (kind == FlagKind::Unknown) {
            // RFC 3403 §4.1: a record with flags the client does not know is
            // ignored; the rest of the answer is still processed.
            skip("unknown flags \"" + rr.flags + "\"");
            continue;
        }
        if (!rr.regexp.empty() && !rr.replacement.is_root()) {
            skip("regexp and replacement are mutually exclusive (RFC 3403 §4.1)");
            continue;
        }
        NaptrStep step;
        step.index = i;
        if (kind == FlagKind::Terminal) {
            auto field = numbering::parse_service_field(rr.services);
            if (!field) {
                skip(field.error());
                continue;
            }
            auto es = options.service.match(*field);
            if (!es) {
                skip("service \"" + rr.services + "\" not wanted");
                continue;
            }
            step.service = es->to_text();
            if (rr.regexp.empty()) {
                skip("terminal rule without a regexp yields no URI");
                continue;
            }
            const auto& expr = compiled(rr.regexp, options.regex_limits);
            if (!expr) {
                skip("bad regexp: " + expr.error());
                continue;
            }
            // RFC 3402 §3.2: always applied to the application unique string.
            auto uri = expr->apply(aus, options.reading);
            if (!uri) {
                skip(uri.error());
                continue;
            }
            out.results[i] = *uri;
            if (auto why = numbering::check_uri_for_service(*uri, es); !why.empty()) {
                skip(why);
                continue;
            }
            step.kind = NaptrStep::Kind::Uri;
            step.value = *uri;
            step.npdi = numbering::has_npdi(*uri);
        } else {
            if (!rr.services.empty()) {
                auto field = numbering::parse_service_field(rr.services);
                if (!field || !field->e2u) {
                    skip("non-terminal rule with a non-ENUM service \"" + rr.services + "\"");
                    continue;
                }
            }
            step.kind = NaptrStep::Kind::NextKey;
            if (!rr.regexp.empty()) {
                const auto& expr = compiled(rr.regexp, options.regex_limits);
                if (!expr) {
                    skip("bad regexp: " + expr.error());
                    continue;
                }
                auto key = expr->apply(aus, options.reading);
                if (!key) {
                    skip(key.error());
                    continue;
                }
                std::string k = *key;
                if (k.empty() || k.back() != '.') k += '.';
                auto name = dns::Name::from_text(k);
                if (!name) {
                    skip("non-terminal result '" + *key + "' is not a domain name");
                    continue;
                }
                step.value = name->to_text();
            } else if (!rr.replacement.is_root()) {
                step.value = rr.replacement.to_text();
            } else {
                skip("non-terminal rule with neither regexp nor replacement");
                continue;
            }
            out.results[i] = step.value;
        }
        tiers[rr.order].push_back(std::move(step));
    }

    for (auto& [order, steps] : tiers) {
        if (options.preference_as_weight) {
            std::vector<std::uint16_t> w;
            std::uint64_t sum = 0;
            for (const auto& s : steps) {
                w.push_back(records[s.index].preference);
                sum += records[s.index].preference;
            }
            for (const auto& s : steps) {
                out.shares[s.index] = sum == 0 ? 1.0 / static_cast<double>(steps.size())
                                               : static_cast<double>(records[s.index].preference) / static_cast<double>(sum);
            }
            auto idx = proportional_order(w, rng);
            std::vector<NaptrStep> ordered;
            for (auto k : idx) ordered.push_back(steps[k]);
            steps = std::move(ordered);
        } else {
            // RFC 3403 §4.1: lowest PREFERENCE first. Records of equal ORDER and
            // PREFERENCE are equally preferred ("the client MAY choose"), so
            // each run of them is tried in uniformly random order: a zone that
            // lists two servers at 10/10 gets a 50/50 split, not "first wins"
            // (answer order is the server's, often fixed).
            std::sort(steps.begin(), steps.end(), [&](const NaptrStep& a, const NaptrStep& b) {
                return records[a.index].preference < records[b.index].preference;
            });
            std::size_t leaders = 0;
            for (std::size_t begin = 0; begin < steps.size();) {
                std::size_t end = begin + 1;
                while (end < steps.size() && records[steps[end].index].preference ==
                                                 records[steps[begin].index].preference)
                    ++end;
                std::shuffle(steps.begin() + static_cast<std::ptrdiff_t>(begin),
                             steps.begin() + static_cast<std::ptrdiff_t>(end), rng);
                if (begin == 0) leaders = end;
                begin = end;
            }
            // Expected share of first attempts: split evenly among the lowest preference.
            for (std::size_t k = 0; k < steps.size(); ++k)
                out.shares[steps[k].index] = k < leaders ? 1.0 / static_cast<double>(leaders) : 0.0;
        }
        out.tiers.push_back(std::move(steps));
    }
    return out;
}

std::vector<EnumTarget> flatten_uris(const std::vector<NaptrRecord>& records, const NaptrSetResult& set,
                                     const EnumOptions& options) {
    std::vector<EnumTarget> out;
    for (const auto& tier : set.tiers) {
        bool any = false;
        for (const auto& s : tier) {
            if (s.kind != NaptrStep::Kind::Uri) continue;
            const auto& rr = records[s.index];
            out.push_back({s.value, rr.order, rr.preference, set.shares[s.index], s.npdi, s.service});
            any = true;
        }
        // RFC 3403 §4.1: once a rule at some ORDER matched, higher ORDERs are not considered.
        if (any && !options.failover_across_orders) break;
    }
    return out;
}

namespace {

struct Ctx {
    DnsLookup& dns;
    const EnumOptions& opts;
    Rng rng;
    EnumResult& result;
    std::set<std::string> visited;
    FailureTally failures;
    bool saw_records = false;
    bool saw_nxdomain_only = true;
    dns::Name suffix;
};

/// Queries `key` for NAPTR and expands it into targets (recursing into
/// non-terminal rules).
asio::awaitable<std::vector<EnumTarget>> expand(Ctx& ctx, dns::Name key, std::string aus, unsigned depth) {
    std::vector<EnumTarget> out;
    std::string key_text = key.lowercased().to_text();
    ctx.visited.insert(key_text);
    Answer ans = co_await ctx.dns.query(key, dns::RrType::NAPTR);
    ctx.result.trace.push_back("NAPTR " + key.to_text() + " @" + ans.server + " -> " + to_string(ans.status) + " (" +
                               std::to_string(ans.records.size()) + " records" + (ans.from_cache ? ", cached" : "") +
                               ")");
    if (ctx.result.server.empty() && !ans.server.empty()) ctx.result.server = ans.server;
    if (ans.status != LookupStatus::NxDomain) ctx.saw_nxdomain_only = false;
    ctx.failures.note(ans.status);
    if (ans.status != LookupStatus::Ok) co_return out;

    std::vector<NaptrRecord> records;
    std::vector<std::size_t> verdict_index;
    for (const auto& rr : ans.records) {
        auto parsed = parse_naptr_rdata(rr.rdata);
        NaptrVerdict v;
        v.owner = rr.owner;
        if (!parsed) {
            v.skipped = parsed.error();
            ctx.result.records.push_back(std::move(v));
            continue;
        }
        parsed->ttl = rr.ttl;
        v.record = *parsed;
        records.push_back(*parsed);
        verdict_index.push_back(ctx.result.records.size());
        ctx.result.records.push_back(std::move(v));
    }
    ctx.saw_records = ctx.saw_records || !records.empty();
    auto set = process_naptr_set(records, aus, ctx.opts, ctx.rng);
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto& v = ctx.result.records[verdict_index[i]];
        v.skipped = set.skipped[i];
        v.result = set.results[i];
    }

    for (const auto& tier : set.tiers) {
        std::vector<EnumTarget> tier_targets;
        for (const auto& s : tier) {
            const auto& rr = records[s.index];
            // By index, not by reference: nested lookups append to records.
            const std::size_t verdict_at = verdict_index[s.index];
            if (s.kind == NaptrStep::Kind::Uri) {
                EnumTarget t{s.value, rr.order, rr.preference, set.shares[s.index], s.npdi, s.service};
                // RFC 4694 §4: npdi means the number was already looked up:
                // final, never queried again.
                if (ctx.opts.follow_tel && !s.npdi && numbering::uri_scheme(s.value) == "tel" && depth < ctx.opts.max_nonterminal_depth) {
                    std::string num = s.value.substr(4, s.value.find(';') == std::string::npos ? std::string::npos
                                                                                                : s.value.find(';') - 4);
                    auto digits = numbering::normalise_e164(num);
                    if (digits && ("+" + *digits) != aus) {
                        auto dom = numbering::enum_domain(*digits, ctx.suffix);
                        if (dom && ctx.visited.count(dom->lowercased().to_text()) == 0) {
                            auto more = co_await expand(ctx, *dom, "+" + *digits, depth + 1);
                            if (!more.empty()) {
                                tier_targets.insert(tier_targets.end(), more.begin(), more.end());
                                continue;
                            }
                        }
                    }
                }
                tier_targets.push_back(std::move(t));
                continue;
            }
            // Non-terminal (RFC 3403 §4.1, RFC 6116 §3.4.1): the output is a new key.
            auto next = dns::Name::from_text(s.value);
            if (!next) continue;
            if (depth + 1 > ctx.opts.max_nonterminal_depth) {
                ctx.result.records[verdict_at].skipped =
                    "non-terminal chain longer than " + std::to_string(ctx.opts.max_nonterminal_depth);
                continue;
            }
            if (ctx.visited.count(next->lowercased().to_text()) != 0) {
                ctx.result.records[verdict_at].skipped = "non-terminal loop: " + s.value + " already visited";
                continue;
            }
            auto more = co_await expand(ctx, *next, aus, depth + 1);
            if (more.empty()) {
                ctx.result.records[verdict_at].skipped = "non-terminal key " + s.value + " gave no usable record";
            }
            tier_targets.insert(tier_targets.end(), more.begin(), more.end());
        }
        bool any = !tier_targets.empty();
        out.insert(out.end(), tier_targets.begin(), tier_targets.end());
        if (any && !ctx.opts.failover_across_orders) break;  // RFC 3403 §4.1
    }
    co_return out;
}

}  // namespace

asio::awaitable<EnumResult> enum_lookup(DnsLookup& dns, std::string number, EnumOptions options) {
    EnumResult result;
    auto digits = numbering::normalise_e164(number);
    if (!digits) {
        result.outcome = EnumOutcome::BadNumber;
        result.error = digits.error();
        co_return result;
    }
    result.aus = numbering::application_unique_string(*digits);
    if (options.suffixes.empty()) options.suffixes.push_back(numbering::default_enum_suffix());
    BudgetedLookup budgeted(dns, options.budget);
    Ctx ctx{budgeted, options, Rng(options.seed ? *options.seed : fresh_seed()), result, {}, {}, false, true, {}};
    for (const auto& suffix : options.suffixes) {
        auto domain = numbering::enum_domain(*digits, suffix);
        if (!domain) {
            result.trace.push_back("suffix " + suffix.to_text() + ": " + domain.error());
            continue;
        }
        ctx.visited.clear();
        ctx.suffix = suffix;
        auto targets = co_await expand(ctx, *domain, result.aus, 0);
        if (budgeted.exhausted()) {
            result.budget_exhausted = budgeted.reason();
            result.trace.push_back(result.budget_exhausted);
        }
        if (!targets.empty()) {
            result.domain = domain->to_text();
            result.targets = std::move(targets);
            result.outcome = EnumOutcome::Ok;
            co_return result;
        }
        if (budgeted.exhausted()) break;  // the other suffixes would only be refused
    }
    if (ctx.saw_records) {
        result.outcome = EnumOutcome::NoUsable;
    } else if (ctx.failures.any()) {
        result.outcome = enum_outcome_of(ctx.failures.worst());
    } else if (ctx.saw_nxdomain_only) {
        result.outcome = EnumOutcome::NxDomain;
    } else {
        result.outcome = EnumOutcome::NoUsable;  // NODATA: the name exists without NAPTR
    }
    co_return result;
}

}  // namespace enumd::resolver
