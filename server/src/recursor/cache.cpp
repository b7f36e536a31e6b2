#include "cache.hpp"

#include <algorithm>

#include "enumd/dns/rdata.hpp"

namespace enumd::server::recursor {

std::string key_of(const dns::Name& name, dns::RrType type) {
    std::string k = name.to_lookup_key();
    k.push_back(static_cast<char>(static_cast<std::uint16_t>(type) >> 8));
    k.push_back(static_cast<char>(static_cast<std::uint16_t>(type) & 0xFF));
    return k;
}

std::uint32_t soa_minimum(const RRset& soa) {
    if (soa.rdatas.empty()) return 0;
    auto t = dns::soa_timers(soa.rdatas[0]);
    return t ? t->minimum : 0;
}

std::size_t Cache::cost(const std::string& key, const RRset& s) noexcept {
    // Why these figures: an unordered_map node and an LRU list node each
    // carry about two pointers and malloc's 16-octet header; a heap block is
    // at least 32 octets. Counting the overheads is what makes a 4,000-record
    // RRset of 4-octet rdata cost its real ~220 KB instead of 16 KB.
    static constexpr std::size_t kNode = 64;
    static constexpr std::size_t kMinBlock = 32;
    auto block = [](std::size_t n) { return std::max(n + 16, kMinBlock); };
    std::size_t bytes = sizeof(Cache::Entry) + 2 * kNode + 2 * block(key.size()) +
                        block(s.rdatas.capacity() * sizeof(std::vector<std::uint8_t>));
    for (const auto& rd : s.rdatas) bytes += block(rd.size());
    return bytes;
}

void Cache::publish() noexcept {
    counters_.entries.store(map_.size(), std::memory_order_relaxed);
    counters_.bytes.store(bytes_, std::memory_order_relaxed);
}

void Cache::erase(std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.lru);
    map_.erase(it);
}

void Cache::put(std::string key, Entry e) {
    if (auto it = map_.find(key); it != map_.end()) erase(it);
    e.bytes = cost(key, e.rrset);
    // An entry larger than the whole budget is not cached at all (it would evict everything).
    if (cfg_.cache_max_entries == 0 || e.bytes > max_bytes_) {
        publish();
        return;
    }
    while (!lru_.empty() && (map_.size() >= cfg_.cache_max_entries || bytes_ + e.bytes > max_bytes_)) {
        erase(map_.find(lru_.back()));
        Counters::add(counters_.evictions);
    }
    lru_.push_front(key);
    e.lru = lru_.begin();
    bytes_ += e.bytes;
    map_.emplace(std::move(key), std::move(e));
    publish();
}

void Cache::put_rrset(const RRset& s) {
    Entry e;
    e.rrset = s;
    e.rrset.ttl = std::min(s.ttl, cfg_.max_ttl);
    e.stored = Clock::now();
    e.expires = e.stored + std::chrono::seconds(e.rrset.ttl);
    put(key_of(s.owner, s.type), std::move(e));
}

void Cache::put_negative(const dns::Name& name, dns::RrType type, std::uint8_t rcode, const RRset& soa) {
    Entry e;
    e.negative = true;
    e.rcode = rcode;
    e.rrset = soa;
    std::uint32_t ttl = std::min({soa.ttl, soa_minimum(soa), cfg_.max_negative_ttl});
    e.rrset.ttl = ttl;
    e.stored = Clock::now();
    e.expires = e.stored + std::chrono::seconds(ttl);
    const bool nxdomain = rcode == static_cast<std::uint8_t>(dns::Rcode::NXDOMAIN);
    put(key_of(name, nxdomain ? static_cast<dns::RrType>(0) : type), std::move(e));
}

const Cache::Entry* Cache::get(const dns::Name& name, dns::RrType type, bool stale_ok, RRset* out) {
    auto it = map_.find(key_of(name, type));
    if (it == map_.end()) return nullptr;
    auto now = Clock::now();
    Entry& e = it->second;
    if (now >= e.expires) {
        const bool within_stale = now < e.expires + std::chrono::seconds(cfg_.max_stale);
        if (!(stale_ok && within_stale)) {
            // Kept past expiry only while RFC 8767 may still serve it.
            if (!cfg_.serve_stale || !within_stale) {
                erase(it);
                publish();
            }
            return nullptr;
        }
    }
    lru_.splice(lru_.begin(), lru_, e.lru);
    if (out != nullptr) {
        *out = e.rrset;
        if (now >= e.expires) {
            out->ttl = cfg_.stale_ttl;  // RFC 8767 §4
        } else {
            out->ttl = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(e.expires - now).count());
        }
    }
    return &e;
}

}  // namespace enumd::server::recursor
