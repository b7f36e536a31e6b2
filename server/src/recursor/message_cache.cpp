#include "message_cache.hpp"

#include <algorithm>
#include <array>

#include "enumd/dns/response.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server::recursor {

MessageCache::MessageCache(std::size_t max_entries, std::size_t max_bytes) noexcept
    // Entries rounded up (a 4-entry cache still keeps an answer per shard), bytes down (the bound that matters).
    : max_entries_((max_entries + kShards - 1) / kShards), max_bytes_(max_bytes / kShards) {}

std::size_t MessageCache::make_key(const dns::Name& qname, dns::RrType qtype,
                                   std::span<std::uint8_t, kMaxKey> out) noexcept {
    const dns::Name lower = qname.lowercased();
    auto wire = lower.wire();
    std::copy(wire.begin(), wire.end(), out.begin());
    out[wire.size()] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(qtype) >> 8);
    out[wire.size() + 1] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(qtype));
    return wire.size() + 2;
}

void MessageCache::erase(Shard& s, decltype(Shard::map)::iterator it) noexcept {
    s.bytes -= it->second.bytes;
    s.lru.erase(it->second.lru);
    s.map.erase(it);
}

void MessageCache::put(const dns::Name& qname, dns::RrType qtype, std::span<const std::uint8_t> response,
                       bool prefetch, Clock::time_point now) {
    dns::Header h;
    if (!dns::read_header(response, h) || h.qdcount != 1 || h.arcount != 0) return;
    const std::size_t body = dns::kHeaderSize + qname.wire_size() + 4;
    if (response.size() < body) return;
    Entry e;
    e.records.assign(response.begin() + static_cast<std::ptrdiff_t>(body), response.end());
    e.ancount = h.ancount;
    e.nscount = h.nscount;
    e.rcode = h.rcode();
    // Where each TTL sits: RFC 1035 §4.1.3, the TTL is the 4 octets before RDLENGTH.
    dns::WireReader rd(response, body);
    std::uint32_t min_ttl = 0xFFFFFFFF;
    for (unsigned i = 0; i < static_cast<unsigned>(h.ancount) + h.nscount; ++i) {
        dns::RecordView rv;
        if (!rd.read_record(rv) || rv.rdata_offset < body + 6) return;
        e.ttl_at.push_back(static_cast<std::uint16_t>(rv.rdata_offset - 6 - body));
        e.ttl.push_back(rv.ttl);
        min_ttl = std::min(min_ttl, rv.ttl);
    }
    // Nothing to count down, or nothing worth keeping: not cached.
    if (e.ttl.empty() || min_ttl == 0 || rd.position() != response.size()) return;
    e.stored = now;
    e.expires = now + std::chrono::seconds(min_ttl);
    e.prefetch = prefetch && min_ttl >= 10;  // the iterator's rule: only RRsets that live 10 s or more

    std::array<std::uint8_t, kMaxKey> kb{};
    const std::size_t klen = make_key(qname, qtype, kb);
    std::string key(reinterpret_cast<const char*>(kb.data()), klen);
    // What the entry holds: key, records and TTL tables, with the hash and list nodes (~2 × 64 octets).
    e.bytes = sizeof(Entry) + 128 + key.size() + e.records.size() + e.ttl_at.size() * 6;

    Shard& s = shard_of(key);
    std::lock_guard g(s.mu);
    if (auto it = s.map.find(key); it != s.map.end()) erase(s, it);
    if (max_entries_ == 0 || e.bytes > max_bytes_) return;
    while (!s.lru.empty() && (s.map.size() >= max_entries_ || s.bytes + e.bytes > max_bytes_))
        erase(s, s.map.find(*s.lru.back()));
    auto [it, inserted] = s.map.emplace(std::move(key), std::move(e));
    s.lru.push_front(&it->first);
    it->second.lru = s.lru.begin();
    s.bytes += it->second.bytes;
}

MessageCache::Hit MessageCache::answer(const dns::QueryView& q, std::span<std::uint8_t> out, std::size_t limit,
                                       Clock::time_point now) noexcept {
    Hit hit;
    // Class IN only, and a question we can echo as it came (its length is what the stored pointers assume).
    if (q.question.qclass != 1 || q.question_bytes().size() != q.question.qname.wire_size() + 4) return hit;
    std::array<std::uint8_t, kMaxKey> kb{};
    const std::string_view key(reinterpret_cast<const char*>(kb.data()), make_key(q.question.qname, q.question.qtype, kb));
    Shard& s = shard_of(key);
    std::lock_guard g(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return hit;
    Entry& e = it->second;
    if (now >= e.expires) return hit;  // left for the writer to replace or evict: a hit never frees

    dns::ResponseWriter w(out, limit, q);
    w.set_flag(dns::flags::RA);
    if (q.edns) w.reserve_opt();
    if (!w.echo_question()) return hit;
    const std::size_t body = w.size();
    if (!w.add_records_raw(e.records, e.ancount, e.nscount)) return hit;
    // The TTLs counted down as the RRset cache does: whole seconds left (RFC 1035 §3.2.1, RFC 2308 §5).
    const auto age = std::chrono::duration_cast<std::chrono::nanoseconds>(now - e.stored).count();
    for (std::size_t i = 0; i < e.ttl.size(); ++i) {
        const long long left = (static_cast<long long>(e.ttl[i]) * 1000000000LL - age) / 1000000000LL;
        dns::store_u32(out.data() + body + e.ttl_at[i], left > 0 ? static_cast<std::uint32_t>(left) : 0);
    }
    // Prefetch (Unbound's rule, as in iterator.cpp): under 10 % of the lifetime left.
    const auto life = std::chrono::duration_cast<std::chrono::nanoseconds>(e.expires - e.stored).count();
    if (e.prefetch && (life - age) * 10 < life) {
        e.prefetch = false;
        hit.prefetch = true;
    }
    s.lru.splice(s.lru.begin(), s.lru, e.lru);
    hit.size = q.edns ? w.finish(e.rcode, dns::OptOut{}) : w.finish(e.rcode);
    return hit;
}

std::size_t MessageCache::entries() const noexcept {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
        std::lock_guard g(s.mu);
        n += s.map.size();
    }
    return n;
}

std::size_t MessageCache::bytes() const noexcept {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
        std::lock_guard g(s.mu);
        n += s.bytes;
    }
    return n;
}

}  // namespace enumd::server::recursor
