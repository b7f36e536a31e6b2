#pragma once
/// Recursion for names outside enumd's zones, for clients in the recursion
/// ACL only: forwarders (a default list and per domain), stub zones, and full
/// iteration from root hints, with a TTL-aware positive and negative cache
/// (RFC 2308), bailiwick scrubbing (no out-of-bailiwick data is ever cached),
/// optional serve-stale (RFC 8767) and limits on chains, referrals and time.
///
/// Runs on its own thread and io_context; the RRset cache belongs to that
/// thread. Worker threads answer cache hits themselves from the message
/// cache (answer_from_cache: no hop, no allocation); on a miss they hand a
/// copy of the query over and get the response back through a callback
/// (called on the recursor thread).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/resolver/exchange.hpp"
#include "enumd/server/acl.hpp"

namespace enumd::server {

struct Upstream {
    std::string address;  ///< IPv4 or IPv6 literal
    unsigned short port = 53;
};

struct RecursorConfig {
    bool enabled = false;
    /// Who may recurse (default loopback only: never an open resolver).
    Acl allow;
    /// Forward everything not matched below to these (RD=1). Empty = iterate.
    std::vector<Upstream> forwarders;
    /// Per-domain forwarders, e.g. 3gppnetwork.org → the GRX resolvers.
    std::vector<std::pair<dns::Name, std::vector<Upstream>>> forward_zones;
    /// Stub zones: iterate below these names starting at the given servers.
    std::vector<std::pair<dns::Name, std::vector<Upstream>>> stub_zones;
    /// Root hints file (RFC 1035 text: NS of "." and their A/AAAA). Empty =
    /// the built-in IANA root servers.
    std::string root_hints;
    /// Port used when iterating (53; another for lab hierarchies in tests).
    unsigned short iteration_port = 53;
    std::size_t cache_max_entries = 100000;  ///< RRsets + negative entries, LRU beyond
    /// Memory the cache may hold (keys, entries, every rdata with its
    /// allocation overhead), LRU beyond. Why 128 MiB: about 300,000 typical
    /// RRsets, while one hostile 4,000-record RRset costs ~220 KB — entries
    /// alone would let 100,000 of those take 22 GB. Three quarters go to the
    /// RRset cache, one quarter to the message cache of whole answers.
    std::size_t cache_max_bytes = std::size_t{128} << 20;
    std::uint32_t max_ttl = 86400;           ///< TTL cap for cached data
    std::uint32_t max_negative_ttl = 3600;   ///< RFC 2308 §5 suggests 1–3 hours
    bool serve_stale = false;                ///< RFC 8767: answer expired data when upstreams fail
    std::uint32_t stale_ttl = 30;            ///< TTL given to stale answers (RFC 8767 §4)
    std::uint32_t max_stale = 86400;         ///< how long past expiry data may be served
    bool qname_minimisation = false;         ///< RFC 9156 (iteration only)
    /// draft-vixie-dnsext-dns0x20: random case in upstream questions, which
    /// answers must echo; off only for upstreams that do not keep the case.
    bool case_randomisation = true;
    /// Refresh a popular RRset in the background when a hit finds less than
    /// 10 % of its TTL left (Unbound's prefetch), so it never expires in use.
    bool prefetch = false;
    std::chrono::milliseconds timeout{1500}; ///< per upstream try
    std::chrono::milliseconds total_time{8000};  ///< per client query
    unsigned max_cname_chain = 12;
    unsigned max_referrals = 30;
    unsigned max_outstanding_per_client = 64;
};

struct RecursorStats {
    std::uint64_t queries = 0, cache_hits = 0, cache_misses = 0, upstream_queries = 0, servfail = 0,
                  refused_busy = 0, stale_answers = 0, evictions = 0, entries = 0, scrubbed = 0, prefetches = 0,
                  cache_bytes = 0, message_entries = 0, worker_hits = 0;
};

class Recursor {
public:
    /// The response (complete DNS message) or an empty buffer to drop.
    using Reply = std::function<void(std::vector<std::uint8_t>)>;

    /// `exchanger` carries the upstream queries: null = the network; tests
    /// plug a scripted upstream in.
    explicit Recursor(RecursorConfig config, std::shared_ptr<resolver::Exchanger> exchanger = nullptr);
    ~Recursor();
    Recursor(const Recursor&) = delete;
    Recursor& operator=(const Recursor&) = delete;

    void start();
    void stop();
    [[nodiscard]] const RecursorConfig& config() const noexcept;
    /// Queues a client query (raw message). `client` keys the per-client limit;
    /// `max_response` is our UDP buffer size, or 65535 for TCP.
    void submit(std::vector<std::uint8_t> query, std::string client, std::uint16_t max_response, Reply reply);
    /// A cache hit answered on the calling (worker) thread: the response to
    /// `q` in `out` within `limit` octets, or 0 = not cached (submit it).
    /// Thread-safe, allocation-free; only the prefetch hint allocates.
    std::size_t answer_from_cache(const dns::QueryView& q, std::span<std::uint8_t> out, std::size_t limit) noexcept;
    /// Snapshot of the counters (thread-safe).
    [[nodiscard]] RecursorStats stats() const;
    /// Prometheus lines for the counters.
    [[nodiscard]] std::string prometheus() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace enumd::server
