#include "enumd/server/stats.hpp"

#include <cstdio>

#include "stats/metrics_text.hpp"

#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server {

std::size_t DurationHistogram::bucket(std::uint64_t nanos) noexcept {
    std::uint64_t us = nanos / 1000;
    std::size_t b = 0;
    while (b + 1 < kBuckets && us > (1ULL << b)) ++b;
    return b;
}

void DurationHistogram::record(std::uint64_t nanos) noexcept {
    constexpr auto rel = std::memory_order_relaxed;
    counts[bucket(nanos)].fetch_add(1, rel);
    sum_ns.fetch_add(nanos, rel);
}

void DurationHistogram::add_to(std::array<std::uint64_t, kBuckets>& into, std::uint64_t& into_sum_ns) const noexcept {
    for (std::size_t b = 0; b < kBuckets; ++b) into[b] += counts[b].load(std::memory_order_relaxed);
    into_sum_ns += sum_ns.load(std::memory_order_relaxed);
}

void ThreadStats::record(const AnswerResult& r, Transport t, std::uint64_t nanos) noexcept {
    constexpr auto rel = std::memory_order_relaxed;
    if (r.kind == AnswerKind::Drop) {
        dropped.fetch_add(1, rel);
        return;
    }
    by_transport[t == Transport::Udp ? 0 : 1].fetch_add(1, rel);
    by_rcode[r.rcode < by_rcode.size() ? r.rcode : by_rcode.size() - 1].fetch_add(1, rel);
    auto qt = static_cast<std::size_t>(r.qtype);
    by_qtype[qt < kTypeSlots - 1 ? qt : kTypeSlots - 1].fetch_add(1, rel);
    latency.record(nanos);
    if (r.truncated) truncated.fetch_add(1, rel);
    if (r.kind == AnswerKind::Referral) referrals.fetch_add(1, rel);
}

void ThreadStats::record_recursive(std::span<const std::uint8_t> response, Transport t, std::uint64_t nanos) noexcept {
    AnswerResult r;
    r.size = response.size();
    if (response.size() >= dns::kHeaderSize) {
        r.kind = AnswerKind::Answer;  // anything but Drop: record() reads rcode, qtype and truncated
        r.rcode = dns::header::rcode(response);
        r.truncated = dns::header::has(response, dns::flags::TC);
        // The question's QTYPE follows its name, which is never compressed (RFC 1035 §4.1.2).
        std::size_t pos = dns::kHeaderSize;
        while (pos < response.size() && response[pos] != 0 && (response[pos] & 0xC0) == 0) pos += response[pos] + 1U;
        if (pos + 3 <= response.size() && response[pos] == 0)
            r.qtype = static_cast<dns::RrType>((response[pos + 1] << 8) | response[pos + 2]);
        recursive.fetch_add(1, std::memory_order_relaxed);
    }
    record(r, t, nanos);
}

Stats::Stats(std::size_t threads) {
    for (std::size_t i = 0; i < threads; ++i) threads_.push_back(std::make_unique<ThreadStats>());
}

std::string Stats::prometheus() const {
    constexpr auto rel = std::memory_order_relaxed;
    MetricsText m;
    auto sum = [&](auto member) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += ((*t).*member).load(rel);
        return s;
    };
    m.family("enumd_queries_total", "counter", "Queries answered, by transport (recursive answers included).");
    const char* tr[] = {"udp", "tcp"};
    for (std::size_t i = 0; i < 2; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_transport[i].load(rel);
        m.sample("enumd_queries_total", {{"transport", tr[i]}}, s);
    }
    m.family("enumd_responses_total", "counter", "Responses by rcode.");
    for (std::size_t i = 0; i < 24; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_rcode[i].load(rel);
        if (s != 0 || i <= 5)
            m.sample("enumd_responses_total", {{"rcode", dns::to_text(static_cast<dns::Rcode>(i))}}, s);
    }
    m.family("enumd_queries_by_type_total", "counter", "Queries by QTYPE.");
    for (std::size_t i = 0; i < ThreadStats::kTypeSlots; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_qtype[i].load(rel);
        if (s == 0) continue;
        std::string name = i == ThreadStats::kTypeSlots - 1 ? "OTHER" : dns::to_text(static_cast<dns::RrType>(i));
        m.sample("enumd_queries_by_type_total", {{"qtype", name}}, s);
    }
    m.family("enumd_query_duration_seconds", "histogram",
             "Time from parse to response built; for recursion, to the response handed to the socket.");
    std::array<std::uint64_t, DurationHistogram::kBuckets> counts{};
    std::uint64_t sum_ns = 0;
    for (const auto& t : threads_) t->latency.add_to(counts, sum_ns);
    m.histogram("enumd_query_duration_seconds", counts, sum_ns);
    m.single("enumd_recursive_responses_total", "counter",
             "Responses the recursor built (cache hits included); also counted in enumd_queries_total.",
             sum(&ThreadStats::recursive));
    m.single("enumd_dropped_total", "counter", "Queries dropped without a response (malformed, not a query).",
             sum(&ThreadStats::dropped));
    m.single("enumd_truncated_total", "counter", "UDP responses sent truncated (TC).", sum(&ThreadStats::truncated));
    m.single("enumd_referrals_total", "counter", "Referrals to a delegated child zone.", sum(&ThreadStats::referrals));
    m.single("enumd_internal_errors_total", "counter", "SERVFAIL from an internal error (e.g. the database).",
             sum(&ThreadStats::servfail_internal));
    m.family("enumd_rate_limited_total", "counter",
             "UDP responses over the response rate limit, by what was sent instead (truncated or nothing).")
        .sample("enumd_rate_limited_total", {{"action", "slipped"}}, sum(&ThreadStats::rrl_slipped))
        .sample("enumd_rate_limited_total", {{"action", "dropped"}}, sum(&ThreadStats::rrl_dropped));
    m.family("enumd_reloads_total", "counter", "Zone reloads (SIGHUP, enumctl reload, --watch), by result.")
        .sample("enumd_reloads_total", {{"result", "ok"}}, reloads_ok.load(rel))
        .sample("enumd_reloads_total", {{"result", "failed"}}, reloads_failed.load(rel));
    m.single("enumd_tcp_connections_total", "counter", "TCP connections accepted.", tcp_connections.load(rel));
    m.single("enumd_tcp_refused_total", "counter", "TCP connections closed at accept (over a limit).",
             tcp_refused.load(rel));
    return m.str();
}

}  // namespace enumd::server
