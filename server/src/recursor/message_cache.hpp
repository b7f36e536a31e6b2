#pragma once
/// The recursor's message cache: whole answers — the answer and authority
/// sections of a response in wire form, with the rcode — keyed by the
/// lowercased QNAME and QTYPE (Unbound's message cache over its RRset
/// cache). Worker threads read it, so a cache hit is answered on the thread
/// that received the query, with no hop to the recursor thread; only the
/// recursor thread writes it, after a resolution, from its RRset cache.
///
/// Sharded, one mutex per shard (a hit holds it for one copy of the
/// records); LRU per shard, bounded in entries and in bytes. A hit copies
/// the stored records into the worker's response buffer and counts their
/// TTLs down: nothing is allocated.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server::recursor {

class MessageCache {
public:
    /// What a lookup found.
    struct Hit {
        std::size_t size = 0;   ///< octets of the response in `out`; 0 = miss (ask the recursor thread)
        bool prefetch = false;  ///< under 10 % of its TTL left: refresh it now (said once per entry)
    };

    /// `max_entries` and `max_bytes` in all; each shard gets its share (of
    /// the entries at least one, unless `max_entries` is 0: no cache).
    MessageCache(std::size_t max_entries, std::size_t max_bytes) noexcept;

    /// Stores the records of `response`, a response without OPT built for a
    /// question of `qname`/`qtype` (class IN) at offset 12, for as long as
    /// its shortest TTL. `prefetch` allows the refresh hint.
    void put(const dns::Name& qname, dns::RrType qtype, std::span<const std::uint8_t> response, bool prefetch,
             Clock::time_point now);
    /// The response to `q` (header, question as asked, the stored records
    /// with TTLs counted down, RA, an OPT when `q` had EDNS) in `out`,
    /// within `limit` octets. A miss when there is no fresh entry, when the
    /// question is not class IN or is compressed, or when the records do not
    /// fit `limit` (the recursor thread then answers with TC).
    Hit answer(const dns::QueryView& q, std::span<std::uint8_t> out, std::size_t limit,
               Clock::time_point now) noexcept;

    [[nodiscard]] std::size_t entries() const noexcept;
    [[nodiscard]] std::size_t bytes() const noexcept;

private:
    /// The key: the lowercased QNAME in wire form, then QTYPE (2 octets).
    static constexpr std::size_t kMaxKey = dns::kMaxNameLength + 2;
    static std::size_t make_key(const dns::Name& qname, dns::RrType qtype, std::span<std::uint8_t, kMaxKey> out) noexcept;

    struct Entry {
        std::vector<std::uint8_t> records;  ///< answer then authority records, as after the question
        std::vector<std::uint16_t> ttl_at;  ///< where each record's TTL sits in `records`
        std::vector<std::uint32_t> ttl;     ///< each record's TTL when stored
        std::uint16_t ancount = 0, nscount = 0;
        std::uint8_t rcode = 0;
        bool prefetch = false;  ///< the refresh hint may still be given
        Clock::time_point stored, expires;
        std::size_t bytes = 0;
        std::list<const std::string*>::iterator lru;
    };
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> map;
        std::list<const std::string*> lru;  ///< most recent first; points at the map's keys
        std::size_t bytes = 0;
    };
    /// Why 16: two worker threads and the recursor thread rarely meet on one shard.
    static constexpr std::size_t kShards = 16;

    Shard& shard_of(std::string_view key) noexcept { return shards_[KeyHash{}(key) % kShards]; }
    static void erase(Shard& s, decltype(Shard::map)::iterator it) noexcept;

    std::size_t max_entries_;  ///< per shard
    std::size_t max_bytes_;    ///< per shard
    Shard shards_[kShards];
};

}  // namespace enumd::server::recursor
