#pragma once
/// The recursor's cache: RRsets and RFC 2308 negative entries keyed by
/// (name, type), TTLs counted down, serve-stale (RFC 8767), LRU eviction
/// bounded by entries and by bytes. Owned by the recursor thread; worker
/// threads read whole answers from the message cache (message_cache.hpp).

#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "counters.hpp"
#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/server/recursor.hpp"

namespace enumd::server::recursor {

using Clock = std::chrono::steady_clock;

/// One RRset with decompressed rdata.
struct RRset {
    dns::Name owner;
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;
    std::vector<std::vector<std::uint8_t>> rdatas;
};

/// The cache key: the owner's lookup key and the type.
std::string key_of(const dns::Name& name, dns::RrType type);
/// The SOA MINIMUM field of the first rdata (0 when malformed).
std::uint32_t soa_minimum(const RRset& soa);

class Cache {
public:
    struct Entry {
        RRset rrset;  ///< positive data, or the SOA for negative entries
        bool negative = false;
        std::uint8_t rcode = 0;  ///< for negative: NXDOMAIN or NOERROR (NODATA)
        Clock::time_point stored;
        Clock::time_point expires;
        std::size_t bytes = 0;  ///< what this entry counts against max_bytes
        std::list<std::string>::iterator lru;
    };

    /// `max_bytes`: this cache's share of cache_max_bytes (the message cache has the rest).
    Cache(const RecursorConfig& cfg, Counters& counters, std::size_t max_bytes)
        : cfg_(cfg), counters_(counters), max_bytes_(max_bytes) {}

    /// Positive data, TTL capped at max_ttl.
    void put_rrset(const RRset& s);
    /// RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM), capped. An
    /// NXDOMAIN covers every type of the name.
    void put_negative(const dns::Name& name, dns::RrType type, std::uint8_t rcode, const RRset& soa);
    /// A fresh entry (or a stale one when allowed), copied to `out` with the
    /// TTL counted down; null when there is none.
    const Entry* get(const dns::Name& name, dns::RrType type, bool stale_ok, RRset* out);

    [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
    /// The memory an entry holds: key, entry, owner and every rdata with its
    /// vector and allocation overhead — what max_bytes bounds.
    static std::size_t cost(const std::string& key, const RRset& s) noexcept;

private:
    void put(std::string key, Entry e);
    void erase(std::unordered_map<std::string, Entry>::iterator it);
    void publish() noexcept;

    const RecursorConfig& cfg_;
    Counters& counters_;
    std::size_t max_bytes_;
    std::unordered_map<std::string, Entry> map_;
    std::list<std::string> lru_;
    std::size_t bytes_ = 0;
};

}  // namespace enumd::server::recursor
