#pragma once
/// The recursor's counters. Written on the recursor thread (and by workers
/// for message-cache hits), read by the metrics endpoint: relaxed atomics.

#include <atomic>
#include <cstdint>

namespace enumd::server::recursor {

struct Counters {
    std::atomic<std::uint64_t> queries{0}, hits{0}, misses{0}, upstream{0}, servfail{0}, busy{0}, stale{0},
        evictions{0}, entries{0}, bytes{0}, scrubbed{0}, prefetch{0}, worker_hits{0};

    static void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) noexcept {
        c.fetch_add(n, std::memory_order_relaxed);
    }
};

}  // namespace enumd::server::recursor
