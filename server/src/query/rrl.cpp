#include "query/rrl.hpp"

#include <netinet/in.h>
#include <sys/random.h>

#include <bit>
#include <cstring>
#include <ctime>

#include "enumd/dns/wire.hpp"

namespace enumd::server::query {
namespace {

// A 64-bit mix (the finaliser of MurmurHash3 / splitmix64) over a seeded
// running value: keys come from the network, so the seed is secret and
// random per process — an attacker cannot aim two keys at one bucket.
constexpr std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

struct Hasher {
    std::uint64_t h;
    void add(std::uint64_t v) noexcept { h = mix(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))); }
};

std::uint64_t random_seed() noexcept {
    std::uint64_t s = 0;
    if (::getrandom(&s, sizeof s, 0) != static_cast<ssize_t>(sizeof s)) {
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        s = mix(static_cast<std::uint64_t>(ts.tv_nsec) ^ (static_cast<std::uint64_t>(ts.tv_sec) << 30));
    }
    return s;
}

/// The client network: the address with its host bits cleared.
void add_network(Hasher& h, const sockaddr* peer, unsigned v4_prefix, unsigned v6_prefix) noexcept {
    std::uint8_t a[16] = {};
    const std::span<const std::uint8_t> addr = client_address(peer);
    if (!addr.empty()) std::memcpy(a, addr.data(), addr.size());
    const unsigned bits = addr.size() == 4 ? v4_prefix : v6_prefix;
    h.add(addr.size() == 4 ? 4 : 6);
    for (unsigned i = 0; i < 16; ++i) {
        unsigned keep = bits >= (i + 1) * 8 ? 8 : (bits > i * 8 ? bits - i * 8 : 0);
        a[i] = static_cast<std::uint8_t>(a[i] & (keep == 0 ? 0 : 0xFF << (8 - keep)));
    }
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    std::memcpy(&w0, a, 8);
    std::memcpy(&w1, a + 8, 8);
    h.add(w0);
    h.add(w1);
}

/// The qname's last `labels` labels (all when 0), case-folded, into the hash.
void add_qname(Hasher& h, std::span<const std::uint8_t> query, unsigned labels) noexcept {
    std::size_t starts[dns::kMaxLabels];
    std::size_t count = 0;
    std::size_t pos = dns::kHeaderSize;
    while (pos < query.size() && count < dns::kMaxLabels) {
        std::uint8_t len = query[pos];
        if (len == 0 || (len & 0xC0) != 0 || pos + 1 + len > query.size()) break;
        starts[count++] = pos;
        pos += 1U + len;
    }
    std::size_t first = labels == 0 || labels >= count ? 0 : count - labels;
    std::size_t from = count == 0 ? pos : starts[first];
    std::uint64_t word = 0;
    unsigned n = 0;
    for (std::size_t i = from; i < pos; ++i) {
        std::uint8_t c = query[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<std::uint8_t>(c + 32);
        word = (word << 8) | c;
        if (++n == 8) {
            h.add(word);
            word = 0;
            n = 0;
        }
    }
    h.add(word ^ (static_cast<std::uint64_t>(pos - from) << 56));
}

// One bucket: tag (32 bits) | second (16 bits) | count (16 bits).
constexpr std::uint64_t pack(std::uint32_t tag, std::uint32_t sec, std::uint32_t count) noexcept {
    return (static_cast<std::uint64_t>(tag) << 32) | (static_cast<std::uint64_t>(sec & 0xFFFF) << 16) |
           (count & 0xFFFF);
}

}  // namespace

ResponseRateLimiter::ResponseRateLimiter(const RrlConfig& config)
    : config_(config),
      seed_(random_seed()),
      mask_(std::bit_ceil(config.table_size < 1024 ? std::size_t{1024} : config.table_size) - 1),
      table_(std::make_unique<std::atomic<std::uint64_t>[]>(mask_ + 1)) {
    for (std::size_t i = 0; i <= mask_; ++i) table_[i].store(0, std::memory_order_relaxed);
}

std::uint64_t ResponseRateLimiter::key_of(const sockaddr* peer, std::span<const std::uint8_t> query,
                                          const AnswerResult& r) const noexcept {
    Hasher h{seed_};
    add_network(h, peer, config_.ipv4_prefix, config_.ipv6_prefix);
    switch (r.kind) {
        case AnswerKind::Answer:
        case AnswerKind::NoData:
            // Identical responses: the same name and type.
            h.add(static_cast<std::uint64_t>(r.kind) << 16 | static_cast<std::uint16_t>(r.qtype));
            add_qname(h, query, 0);
            break;
        case AnswerKind::NxDomain:
        case AnswerKind::Referral:
            h.add(static_cast<std::uint64_t>(r.kind));
            add_qname(h, query, r.domain_labels == 0 ? 0xFFFF : r.domain_labels);
            break;
        default:
            h.add(0xE0);  // every error response to this network shares one limit
            break;
    }
    return h.h;
}

ResponseRateLimiter::Verdict ResponseRateLimiter::account(const sockaddr* peer, std::span<const std::uint8_t> query,
                                                          const AnswerResult& result,
                                                          std::uint32_t now_sec) noexcept {
    if (result.size == 0) return Verdict::Send;
    const std::uint64_t key = key_of(peer, query, result);
    std::atomic<std::uint64_t>& bucket = table_[key & mask_];
    const auto tag = static_cast<std::uint32_t>(key >> 32);
    const std::uint32_t sec = now_sec & 0xFFFF;
    std::uint64_t old = bucket.load(std::memory_order_relaxed);
    std::uint32_t count = 0;
    for (;;) {
        const bool same = static_cast<std::uint32_t>(old >> 32) == tag && ((old >> 16) & 0xFFFF) == sec;
        count = same ? static_cast<std::uint32_t>(old & 0xFFFF) + 1 : 1;
        if (count > 0xFFFF) count = 0xFFFF;
        if (bucket.compare_exchange_weak(old, pack(tag, sec, count), std::memory_order_relaxed)) break;
    }
    if (count <= config_.responses_per_second) return Verdict::Send;
    // Beyond the rate: every slip-th limited response is truncated, the rest dropped.
    const std::uint32_t over = count - config_.responses_per_second;
    if (config_.slip != 0 && over % config_.slip == 0) return Verdict::Slip;
    return Verdict::Drop;
}

std::size_t slip_response(std::span<std::uint8_t> out, std::size_t size) noexcept {
    std::span<std::uint8_t> msg = out.first(size);
    if (size < dns::kHeaderSize) return 0;
    dns::WireReader r(msg, dns::kHeaderSize);
    if (dns::header::count(msg, 0) == 1) {
        dns::Question q;
        if (!r.read_question(q)) return 0;
    }
    std::size_t end = r.position();
    // The response's OPT stays (RFC 6891 §7: a request with OPT gets one back), and with it
    // the server cookie (RFC 7873 §5.2.3), so the client's retry can carry a valid one and
    // pass the limit; OPT is the last record enumd writes, after answer and authority.
    std::size_t opt_begin = 0;
    std::size_t opt_end = 0;
    const std::size_t records = dns::header::count(msg, 1) + dns::header::count(msg, 2) + dns::header::count(msg, 3);
    for (std::size_t i = 0; i < records; ++i) {
        const std::size_t begin = r.position();
        dns::RecordView rr;
        if (!r.read_record(rr)) break;
        if (rr.type == dns::RrType::OPT) {
            opt_begin = begin;
            opt_end = r.position();
        }
    }
    dns::header::set(msg, dns::flags::TC);  // RFC 1035 §4.1.1: retry over TCP
    for (int section = 1; section <= 3; ++section) dns::header::set_count(msg, section, 0);
    if (opt_end > opt_begin) {
        std::memmove(msg.data() + end, msg.data() + opt_begin, opt_end - opt_begin);
        end += opt_end - opt_begin;
        dns::header::set_count(msg, 3, 1);
    }
    return end;
}

std::uint32_t rrl_now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::uint32_t>(ts.tv_sec);
}

}  // namespace enumd::server::query
