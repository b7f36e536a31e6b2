#pragma once
/// Query counters: one block per worker thread (relaxed atomics, no sharing
/// on the hot path), summed when scraped. Exposed as Prometheus text.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "enumd/server/answer.hpp"

namespace enumd::server {

/// Durations in buckets of ≤1,2,4,…,2^22 µs (4.2 s) and +Inf (relaxed atomics): an authoritative answer takes
/// microseconds, a recursive one or a live commit up to seconds. Rendered by MetricsText::histogram.
struct DurationHistogram {
    static constexpr std::size_t kBuckets = 24;
    std::array<std::atomic<std::uint64_t>, kBuckets> counts{};
    std::atomic<std::uint64_t> sum_ns{0};
    void record(std::uint64_t nanos) noexcept;
    /// The bucket a duration falls in: the first whose bound (2^b µs) it does not pass.
    static std::size_t bucket(std::uint64_t nanos) noexcept;
    /// Adds the counts and the sum so far into `into` and `into_sum_ns` (a sum over threads, or a snapshot).
    void add_to(std::array<std::uint64_t, kBuckets>& into, std::uint64_t& into_sum_ns) const noexcept;
};

struct ThreadStats {
    static constexpr std::size_t kTypeSlots = 260;     ///< types 0..258 direct, 259 = other
    std::array<std::atomic<std::uint64_t>, 2> by_transport{};  ///< udp, tcp
    std::array<std::atomic<std::uint64_t>, 24> by_rcode{};
    std::array<std::atomic<std::uint64_t>, kTypeSlots> by_qtype{};
    DurationHistogram latency;
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> truncated{0};
    std::atomic<std::uint64_t> referrals{0};
    std::atomic<std::uint64_t> servfail_internal{0};  ///< surprises turned into SERVFAIL
    std::atomic<std::uint64_t> rrl_slipped{0};        ///< over the rate limit: sent truncated (query/rrl.hpp)
    std::atomic<std::uint64_t> rrl_dropped{0};        ///< over the rate limit: not sent
    std::atomic<std::uint64_t> recursive{0};          ///< responses the recursor built (cache hits included)

    void record(const AnswerResult& r, Transport t, std::uint64_t nanos) noexcept;
    /// A response the recursor built (from its cache on this worker, or from the recursor thread — the counters
    /// are atomics, so the thread that sends may count): counted in the same totals and latency histogram as the
    /// authoritative answers, its rcode and QTYPE read from the message. An empty response is a drop.
    void record_recursive(std::span<const std::uint8_t> response, Transport t, std::uint64_t nanos) noexcept;
};

class Stats {
public:
    explicit Stats(std::size_t threads);
    ThreadStats& thread(std::size_t i) noexcept { return *threads_[i]; }
    std::atomic<std::uint64_t> reloads_ok{0};
    std::atomic<std::uint64_t> reloads_failed{0};
    std::atomic<std::uint64_t> tcp_connections{0};
    std::atomic<std::uint64_t> tcp_refused{0};
    /// Prometheus text exposition format 0.0.4.
    [[nodiscard]] std::string prometheus() const;

private:
    std::vector<std::unique_ptr<ThreadStats>> threads_;
};

}  // namespace enumd::server
