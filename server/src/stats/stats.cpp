#include "enumd/server/stats.hpp"

#include <sstream>

#include "enumd/dns/types.hpp"

namespace enumd::server {

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
    std::uint64_t us = nanos / 1000;
    std::size_t b = 0;
    while (b + 1 < kLatencyBuckets && us > (1ULL << b)) ++b;
    latency[b].fetch_add(1, rel);
    latency_sum_ns.fetch_add(nanos, rel);
    if (r.truncated) truncated.fetch_add(1, rel);
    if (r.kind == AnswerKind::Referral) referrals.fetch_add(1, rel);
}

Stats::Stats(std::size_t threads) {
    for (std::size_t i = 0; i < threads; ++i) threads_.push_back(std::make_unique<ThreadStats>());
}

std::string Stats::prometheus() const {
    constexpr auto rel = std::memory_order_relaxed;
    std::ostringstream o;
    auto sum = [&](auto member) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += ((*t).*member).load(rel);
        return s;
    };
    o << "# HELP enumd_queries_total Queries answered, by transport.\n# TYPE enumd_queries_total counter\n";
    const char* tr[] = {"udp", "tcp"};
    for (std::size_t i = 0; i < 2; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_transport[i].load(rel);
        o << "enumd_queries_total{transport=\"" << tr[i] << "\"} " << s << "\n";
    }
    o << "# HELP enumd_responses_total Responses by rcode.\n# TYPE enumd_responses_total counter\n";
    for (std::size_t i = 0; i < 24; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_rcode[i].load(rel);
        if (s != 0 || i <= 5)
            o << "enumd_responses_total{rcode=\"" << dns::to_text(static_cast<dns::Rcode>(i)) << "\"} " << s << "\n";
    }
    o << "# HELP enumd_queries_by_type_total Queries by QTYPE.\n# TYPE enumd_queries_by_type_total counter\n";
    for (std::size_t i = 0; i < ThreadStats::kTypeSlots; ++i) {
        std::uint64_t s = 0;
        for (const auto& t : threads_) s += t->by_qtype[i].load(rel);
        if (s == 0) continue;
        std::string name = i == ThreadStats::kTypeSlots - 1 ? "OTHER" : dns::to_text(static_cast<dns::RrType>(i));
        o << "enumd_queries_by_type_total{qtype=\"" << name << "\"} " << s << "\n";
    }
    o << "# HELP enumd_query_duration_seconds Time from parse to response built.\n"
         "# TYPE enumd_query_duration_seconds histogram\n";
    std::uint64_t cum = 0;
    for (std::size_t b = 0; b < ThreadStats::kLatencyBuckets; ++b) {
        for (const auto& t : threads_) cum += t->latency[b].load(rel);
        if (b + 1 < ThreadStats::kLatencyBuckets)
            o << "enumd_query_duration_seconds_bucket{le=\"" << static_cast<double>(1ULL << b) / 1e6 << "\"} " << cum
              << "\n";
        else
            o << "enumd_query_duration_seconds_bucket{le=\"+Inf\"} " << cum << "\n";
    }
    o << "enumd_query_duration_seconds_sum " << static_cast<double>(sum(&ThreadStats::latency_sum_ns)) / 1e9 << "\n";
    o << "enumd_query_duration_seconds_count " << cum << "\n";
    o << "# TYPE enumd_dropped_total counter\nenumd_dropped_total " << sum(&ThreadStats::dropped) << "\n";
    o << "# TYPE enumd_truncated_total counter\nenumd_truncated_total " << sum(&ThreadStats::truncated) << "\n";
    o << "# TYPE enumd_referrals_total counter\nenumd_referrals_total " << sum(&ThreadStats::referrals) << "\n";
    o << "# TYPE enumd_internal_errors_total counter\nenumd_internal_errors_total "
      << sum(&ThreadStats::servfail_internal) << "\n";
    o << "# TYPE enumd_reloads_total counter\nenumd_reloads_total{result=\"ok\"} " << reloads_ok.load(rel)
      << "\nenumd_reloads_total{result=\"failed\"} " << reloads_failed.load(rel) << "\n";
    o << "# TYPE enumd_tcp_connections_total counter\nenumd_tcp_connections_total " << tcp_connections.load(rel)
      << "\nenumd_tcp_refused_total " << tcp_refused.load(rel) << "\n";
    return o.str();
}

}  // namespace enumd::server
