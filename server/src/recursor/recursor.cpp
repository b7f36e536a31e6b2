#include "enumd/server/recursor.hpp"

// GCC 12 reports Asio's awaitable frame operator delete as mismatched with its
// operator new (a false positive for coroutine frames seen with GCC 12 only).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <fstream>
#include <list>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"

namespace enumd::server {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using dns::Name;
using dns::RrType;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint8_t kNoError = 0;
constexpr std::uint8_t kServFail = 2;
constexpr std::uint8_t kNxDomain = 3;

/// The IANA root servers' IPv4 addresses (root hints, named.root).
constexpr const char* kRootHints[] = {
    "198.41.0.4",    "170.247.170.2", "192.33.4.12",  "199.7.91.13", "192.203.230.10", "192.5.5.241", "192.112.36.4",
    "198.97.190.53", "192.36.148.17", "192.58.128.30", "193.0.14.129", "199.7.83.42",   "202.12.27.33",
};

struct RRset {
    Name owner;
    RrType type = RrType::A;
    std::uint32_t ttl = 0;
    std::vector<std::vector<std::uint8_t>> rdatas;
};

/// A parsed upstream response: sections grouped into RRsets, rdata decompressed.
struct Msg {
    std::uint8_t rcode = 0;
    bool aa = false;
    bool tc = false;
    std::vector<RRset> an, ns, ar;
};

std::string key_of(const Name& n, RrType t) {
    std::string k = n.to_lookup_key();
    k.push_back(static_cast<char>(static_cast<std::uint16_t>(t) >> 8));
    k.push_back(static_cast<char>(static_cast<std::uint16_t>(t) & 0xFF));
    return k;
}

bool parse_msg(std::span<const std::uint8_t> pkt, Msg& m) {
    dns::Header h;
    if (!dns::read_header(pkt, h)) return false;
    m.rcode = h.rcode();
    m.aa = h.has(dns::flags::AA);
    m.tc = h.has(dns::flags::TC);
    dns::WireReader r(pkt, dns::kHeaderSize);
    dns::Question q;
    for (int i = 0; i < h.qdcount; ++i) {
        if (!r.read_question(q)) return false;
    }
    std::array<std::uint8_t, 65535> buf;  // scratch for one record's rdata, no need to zero it
    auto section = [&](int count, std::vector<RRset>& out) {
        for (int i = 0; i < count; ++i) {
            dns::RecordView rv;
            if (!r.read_record(rv)) return false;
            if (rv.type == RrType::OPT || rv.rrclass != 1) continue;
            auto n = dns::decompress_rdata(pkt, rv, buf);
            if (!n) return false;
            std::vector<std::uint8_t> rd(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const RRset& s) { return s.type == rv.type && s.owner == rv.owner; });
            if (it == out.end()) {
                out.push_back(RRset{rv.owner, rv.type, rv.ttl, {}});
                it = out.end() - 1;
            }
            it->ttl = std::min(it->ttl, rv.ttl);  // RFC 2181 §5.2
            if (std::find(it->rdatas.begin(), it->rdatas.end(), rd) == it->rdatas.end()) it->rdatas.push_back(std::move(rd));
        }
        return true;
    };
    return section(h.ancount, m.an) && section(h.nscount, m.ns) && section(h.arcount, m.ar);
}

const RRset* find(const std::vector<RRset>& v, const Name& owner, RrType t) {
    for (const auto& s : v) {
        if (s.type == t && s.owner == owner) return &s;
    }
    return nullptr;
}

std::uint32_t soa_minimum(const RRset& soa) {
    if (soa.rdatas.empty() || soa.rdatas[0].size() < 20) return 0;
    const auto& d = soa.rdatas[0];
    const std::uint8_t* p = d.data() + d.size() - 4;
    return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
           (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

struct Result {
    std::uint8_t rcode = kServFail;
    std::vector<RRset> answer;
    std::vector<RRset> authority;
    bool stale = false;
};

}  // namespace

struct Recursor::Impl {
    RecursorConfig cfg;
    asio::io_context io{1};
    std::thread thread;
    std::mt19937_64 rng{std::random_device{}()};
    std::vector<Upstream> roots;

    // Counters are read from other threads (Prometheus): atomics.
    std::atomic<std::uint64_t> n_queries{0}, n_hits{0}, n_misses{0}, n_upstream{0}, n_servfail{0}, n_busy{0},
        n_stale{0}, n_evictions{0}, n_entries{0}, n_scrubbed{0}, n_prefetch{0};

    // ---- cache (recursor thread only)
    struct Entry {
        RRset rrset;              // positive data, or the SOA for negative entries
        bool negative = false;
        std::uint8_t rcode = 0;   // for negative: NXDOMAIN or NOERROR (NODATA)
        Clock::time_point stored;
        Clock::time_point expires;
        std::list<std::string>::iterator lru;
    };
    std::unordered_map<std::string, Entry> cache;
    std::list<std::string> lru;
    std::unordered_map<std::string, unsigned> outstanding;
    std::unordered_map<std::string, bool> prefetching;  // one refresh per RRset at a time

    explicit Impl(RecursorConfig c) : cfg(std::move(c)) {}

    void put(const std::string& key, Entry e) {
        auto it = cache.find(key);
        if (it != cache.end()) {
            lru.erase(it->second.lru);
            cache.erase(it);
        }
        while (cache.size() >= cfg.cache_max_entries && !lru.empty()) {
            cache.erase(lru.back());
            lru.pop_back();
            n_evictions.fetch_add(1, std::memory_order_relaxed);
        }
        if (cfg.cache_max_entries == 0) return;
        lru.push_front(key);
        e.lru = lru.begin();
        cache.emplace(key, std::move(e));
        n_entries.store(cache.size(), std::memory_order_relaxed);
    }

    void put_rrset(const RRset& s) {
        Entry e;
        e.rrset = s;
        e.rrset.ttl = std::min(s.ttl, cfg.max_ttl);
        e.stored = Clock::now();
        e.expires = e.stored + std::chrono::seconds(e.rrset.ttl);
        put(key_of(s.owner, s.type), std::move(e));
    }

    /// RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM), capped.
    void put_negative(const Name& name, RrType t, std::uint8_t rcode, const RRset& soa) {
        Entry e;
        e.negative = true;
        e.rcode = rcode;
        e.rrset = soa;
        std::uint32_t ttl = std::min({soa.ttl, soa_minimum(soa), cfg.max_negative_ttl});
        e.rrset.ttl = ttl;
        e.stored = Clock::now();
        e.expires = e.stored + std::chrono::seconds(ttl);
        put(key_of(name, rcode == kNxDomain ? static_cast<RrType>(0) : t), std::move(e));
    }

    /// Fresh entry (or stale when allowed), with the TTL counted down.
    const Entry* get(const Name& name, RrType t, bool stale_ok, RRset* out) {
        auto it = cache.find(key_of(name, t));
        if (it == cache.end()) return nullptr;
        auto now = Clock::now();
        Entry& e = it->second;
        if (now >= e.expires) {
            bool usable = stale_ok && now < e.expires + std::chrono::seconds(cfg.max_stale);
            if (!usable) {
                if (!cfg.serve_stale || now >= e.expires + std::chrono::seconds(cfg.max_stale)) {
                    lru.erase(e.lru);
                    cache.erase(it);
                    n_entries.store(cache.size(), std::memory_order_relaxed);
                }
                return nullptr;
            }
        }
        lru.splice(lru.begin(), lru, e.lru);
        if (out != nullptr) {
            *out = e.rrset;
            if (now >= e.expires) {
                out->ttl = cfg.stale_ttl;
            } else {
                out->ttl = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(e.expires - now).count());
            }
        }
        return &e;
    }

    // ---- transport

    /// One query to one server; nothing on timeout or mismatch. Random ID and
    /// source port; the answer must match ID, question and source (RFC 5452).
    awaitable<std::optional<std::vector<std::uint8_t>>> exchange(const Upstream& up, const Name& qname, RrType qtype,
                                                                 bool rd, bool edns, Clock::time_point deadline) {
        using asio::ip::udp;
        n_upstream.fetch_add(1, std::memory_order_relaxed);
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(up.address, ec);
        if (ec) co_return std::nullopt;
        udp::endpoint server(addr, up.port);
        std::array<std::uint8_t, 512> qbuf{};
        dns::MessageWriter w(qbuf, qbuf.size());
        auto id = static_cast<std::uint16_t>(rng());
        w.set_header(id, rd ? dns::flags::RD : 0);
        if (!w.add_question(qname, qtype, 1)) co_return std::nullopt;
        if (edns) w.add_opt(1232, 0, 0, false);
        std::vector<std::uint8_t> query(w.data().begin(), w.data().end());

        auto executor = co_await asio::this_coro::executor;
        // Shared with the timer's handler, which may run after this frame ends.
        auto sockp = std::make_shared<udp::socket>(executor);
        udp::socket& sock = *sockp;
        sock.open(server.protocol(), ec);
        if (ec) co_return std::nullopt;
        sock.bind(udp::endpoint(server.protocol(), 0), ec);  // kernel-chosen random source port
        if (ec) co_return std::nullopt;
        co_await sock.async_send_to(asio::buffer(query), server, asio::redirect_error(use_awaitable, ec));
        if (ec) co_return std::nullopt;
        asio::steady_timer timer(executor);
        auto until = std::min(deadline, Clock::now() + cfg.timeout);
        timer.expires_at(until);
        timer.async_wait([sockp](const boost::system::error_code& e) {
            if (!e) {
                boost::system::error_code ignored;
                sockp->cancel(ignored);
            }
        });
        std::vector<std::uint8_t> buf(65535);
        std::optional<std::vector<std::uint8_t>> result;
        while (true) {
            udp::endpoint from;
            std::size_t n = co_await sock.async_receive_from(asio::buffer(buf), from, asio::redirect_error(use_awaitable, ec));
            if (ec) break;
            if (from != server) continue;  // source must match
            dns::Header h;
            std::span<const std::uint8_t> pkt(buf.data(), n);
            if (!dns::read_header(pkt, h) || h.id != id || !h.qr()) continue;
            dns::WireReader r(pkt, dns::kHeaderSize);
            dns::Question q;
            if (h.qdcount != 1 || !r.read_question(q) || !(q.qname == qname) || q.qtype != qtype) continue;
            result.emplace(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
            break;
        }
        timer.cancel();
        if (result && (result->at(3) & 0x0F) == 0 && (result->at(2) & 0x02) != 0) {
            // TC: the same question over TCP (RFC 7766 §5).
            result = co_await exchange_tcp(server, query, id, until + cfg.timeout);
        }
        co_return result;
    }

    awaitable<std::optional<std::vector<std::uint8_t>>> exchange_tcp(const asio::ip::udp::endpoint& server,
                                                                     const std::vector<std::uint8_t>& query,
                                                                     std::uint16_t id, Clock::time_point deadline) {
        using asio::ip::tcp;
        auto executor = co_await asio::this_coro::executor;
        auto sockp = std::make_shared<tcp::socket>(executor);
        tcp::socket& sock = *sockp;
        asio::steady_timer timer(executor);
        timer.expires_at(deadline);
        timer.async_wait([sockp](const boost::system::error_code& e) {
            if (!e) {
                boost::system::error_code ignored;
                sockp->close(ignored);
            }
        });
        boost::system::error_code ec;
        std::optional<std::vector<std::uint8_t>> result;
        co_await sock.async_connect(tcp::endpoint(server.address(), server.port()), asio::redirect_error(use_awaitable, ec));
        if (!ec) {
            std::vector<std::uint8_t> framed(query.size() + 2);
            framed[0] = static_cast<std::uint8_t>(query.size() >> 8);
            framed[1] = static_cast<std::uint8_t>(query.size());
            std::copy(query.begin(), query.end(), framed.begin() + 2);
            co_await asio::async_write(sock, asio::buffer(framed), asio::redirect_error(use_awaitable, ec));
            std::array<std::uint8_t, 2> len{};
            if (!ec) co_await asio::async_read(sock, asio::buffer(len), asio::redirect_error(use_awaitable, ec));
            if (!ec) {
                std::vector<std::uint8_t> body(static_cast<std::size_t>((len[0] << 8) | len[1]));
                co_await asio::async_read(sock, asio::buffer(body), asio::redirect_error(use_awaitable, ec));
                dns::Header h;
                if (!ec && dns::read_header(body, h) && h.id == id && h.qr()) result = std::move(body);
            }
        }
        timer.cancel();
        co_return result;
    }

    /// Tries the servers in a random order, two rounds, within the deadline.
    /// SERVFAIL/REFUSED move on; FORMERR/NOTIMP to an EDNS query retry without EDNS.
    awaitable<std::optional<Msg>> ask(std::vector<Upstream> servers, const Name& qname, RrType qtype, bool rd,
                                      Clock::time_point deadline) {
        std::shuffle(servers.begin(), servers.end(), rng);
        for (int round = 0; round < 2; ++round) {
            for (const auto& s : servers) {
                if (Clock::now() >= deadline) co_return std::nullopt;
                auto raw = co_await exchange(s, qname, qtype, rd, true, deadline);
                if (raw && ((*raw)[3] & 0x0F) != 0 && (((*raw)[3] & 0x0F) == 1 || ((*raw)[3] & 0x0F) == 4))
                    raw = co_await exchange(s, qname, qtype, rd, false, deadline);  // EDNS fallback
                if (!raw) continue;
                Msg m;
                if (!parse_msg(*raw, m)) continue;
                if (m.rcode == kServFail || m.rcode == 5 || m.rcode == 1 || m.rcode == 4) continue;
                co_return m;
            }
        }
        co_return std::nullopt;
    }

    // ---- resolution

    /// The forwarders for `name`: the longest matching per-domain entry, else the defaults.
    const std::vector<Upstream>* forwarders_for(const Name& name) const {
        const std::vector<Upstream>* best = nullptr;
        std::size_t best_labels = 0;
        for (const auto& [zone, ups] : cfg.forward_zones) {
            if (name.is_subdomain_of(zone) && (best == nullptr || zone.label_count() >= best_labels)) {
                best = &ups;
                best_labels = zone.label_count();
            }
        }
        if (best != nullptr) return best;
        return cfg.forwarders.empty() ? nullptr : &cfg.forwarders;
    }

    /// Takes what a response says about `name`/`qtype`, keeping only data in
    /// bailiwick of `zone` (Unbound's scrubber): the CNAME chain from `name`
    /// and the matching RRset in the answer, the SOA for negative answers.
    Result digest(const Msg& m, const Name& name, RrType qtype, const Name& zone) {
        Result r;
        r.rcode = kNoError;
        Name cur = name;
        std::size_t used = 0;
        for (unsigned i = 0; i <= cfg.max_cname_chain; ++i) {
            if (!cur.is_subdomain_of(zone)) break;  // out of bailiwick: resolve it afresh
            if (const RRset* s = find(m.an, cur, qtype)) {
                r.answer.push_back(*s);
                put_rrset(*s);
                ++used;
                break;
            }
            const RRset* c = qtype == RrType::CNAME ? nullptr : find(m.an, cur, RrType::CNAME);
            if (c == nullptr || c->rdatas.empty()) break;
            r.answer.push_back(*c);
            put_rrset(*c);
            ++used;
            auto target = dns::rdata_target(RrType::CNAME, c->rdatas[0]);
            if (!target) break;
            cur = *target;
        }
        if (m.an.size() > used) n_scrubbed.fetch_add(m.an.size() - used, std::memory_order_relaxed);
        bool answered = !r.answer.empty() && r.answer.back().type == qtype;
        if (!answered && (m.rcode == kNxDomain || m.rcode == kNoError)) {
            for (const auto& s : m.ns) {
                if (s.type == RrType::SOA && cur.is_subdomain_of(s.owner) && s.owner.is_subdomain_of(zone)) {
                    r.authority.push_back(s);
                    if (m.rcode == kNxDomain) r.rcode = kNxDomain;
                    put_negative(cur, qtype, m.rcode, s);
                    break;
                }
            }
            if (m.rcode == kNxDomain) r.rcode = kNxDomain;
        }
        return r;
    }

    std::vector<Upstream> addresses_of(const RRset& ns) {
        std::vector<Upstream> out;
        for (const auto& rd : ns.rdatas) {
            auto target = dns::rdata_target(RrType::NS, rd);
            if (!target) continue;
            for (RrType t : {RrType::A, RrType::AAAA}) {
                RRset a;
                if (get(*target, t, false, &a) == nullptr || a.type != t) continue;
                for (const auto& d : a.rdatas) {
                    boost::system::error_code ec;
                    if (t == RrType::A && d.size() == 4) {
                        asio::ip::address_v4::bytes_type b{d[0], d[1], d[2], d[3]};
                        out.push_back({asio::ip::address_v4(b).to_string(), cfg.iteration_port});
                    } else if (t == RrType::AAAA && d.size() == 16) {
                        asio::ip::address_v6::bytes_type b{};
                        std::copy(d.begin(), d.end(), b.begin());
                        out.push_back({asio::ip::address_v6(b).to_string(), cfg.iteration_port});
                    }
                }
            }
        }
        return out;
    }

    /// The deepest known zone cut at or above `name`: stub zones, cached NS
    /// with known addresses, else the root hints.
    std::pair<Name, std::vector<Upstream>> closest_cut(const Name& name) {
        for (std::size_t strip = 0; strip <= name.label_count(); ++strip) {
            Name z = name.parent(strip);
            for (const auto& [stub, ups] : cfg.stub_zones) {
                if (stub == z) return {z, ups};
            }
            RRset ns;
            if (get(z, RrType::NS, false, &ns) != nullptr && ns.type == RrType::NS) {
                auto addrs = addresses_of(ns);
                if (!addrs.empty()) return {z, addrs};
            }
        }
        return {Name{}, roots};
    }

    /// Iterative resolution of one name/type (RFC 1034 §5.3.3).
    awaitable<std::optional<Msg>> iterate(const Name& qname, RrType qtype, Name& zone, Clock::time_point deadline,
                                          unsigned depth) {
        auto [cut, servers] = closest_cut(qname);
        zone = cut;
        for (unsigned hop = 0; hop < cfg.max_referrals; ++hop) {
            // RFC 9156: ask each server only for one label below its zone, with type A... until the last hop.
            Name ask_name = qname;
            RrType ask_type = qtype;
            if (cfg.qname_minimisation && qname.label_count() > zone.label_count() + 1) {
                ask_name = qname.parent(qname.label_count() - zone.label_count() - 1);
                ask_type = RrType::NS;
            }
            auto m = co_await ask(servers, ask_name, ask_type, false, deadline);
            if (!m) co_return std::nullopt;
            if (!(ask_name == qname)) {
                // Minimised step: follow a referral, else ask the full name from this zone.
                const RRset* ref = nullptr;
                for (const auto& s : m->ns) {
                    if (s.type == RrType::NS && s.owner.is_subdomain_of(zone) && !(s.owner == zone) &&
                        qname.is_subdomain_of(s.owner))
                        ref = &s;
                }
                if (ref == nullptr) {
                    if (const RRset* ns = find(m->an, ask_name, RrType::NS)) ref = ns;
                }
                if (ref == nullptr) {
                    m = co_await ask(servers, qname, qtype, false, deadline);
                    if (!m) co_return std::nullopt;
                } else {
                    auto next = co_await follow(*ref, zone, *m, deadline, depth);
                    if (next.empty()) co_return std::nullopt;
                    zone = ref->owner;
                    servers = std::move(next);
                    continue;
                }
            }
            if (m->rcode == kNxDomain || !m->an.empty() || m->aa) co_return m;
            // A referral: NS for a zone below the current one and above qname (bailiwick).
            const RRset* ref = nullptr;
            for (const auto& s : m->ns) {
                if (s.type == RrType::NS && s.owner.is_subdomain_of(zone) && !(s.owner == zone) &&
                    qname.is_subdomain_of(s.owner))
                    ref = &s;
            }
            if (ref == nullptr) co_return std::nullopt;  // lame or bogus
            auto next = co_await follow(*ref, zone, *m, deadline, depth);
            if (next.empty()) co_return std::nullopt;
            zone = ref->owner;
            servers = std::move(next);
        }
        co_return std::nullopt;
    }

    /// Caches a referral's NS and its in-bailiwick glue; returns the addresses
    /// to ask next (resolving NS names when there is no glue).
    awaitable<std::vector<Upstream>> follow(const RRset& ns, const Name& zone, const Msg& m, Clock::time_point deadline,
                                            unsigned depth) {
        put_rrset(ns);
        for (const auto& s : m.ar) {
            if (s.type != RrType::A && s.type != RrType::AAAA) continue;
            // Glue is accepted only inside the zone whose server sent it.
            bool named = false;
            for (const auto& rd : ns.rdatas) {
                auto t = dns::rdata_target(RrType::NS, rd);
                named = named || (t && *t == s.owner);
            }
            if (named && s.owner.is_subdomain_of(zone)) {
                put_rrset(s);
            } else {
                n_scrubbed.fetch_add(s.rdatas.size(), std::memory_order_relaxed);
            }
        }
        auto addrs = addresses_of(ns);
        if (!addrs.empty() || depth >= 4) co_return addrs;
        for (const auto& rd : ns.rdatas) {
            auto target = dns::rdata_target(RrType::NS, rd);
            if (!target || target->is_subdomain_of(ns.owner)) continue;  // glueless in-zone NS: nothing to do
            co_await resolve(*target, RrType::A, deadline, depth + 1);  // fills the cache
            addrs = addresses_of(ns);
            if (!addrs.empty()) break;
        }
        co_return addrs;
    }

    /// Background refresh of one RRset; the digest puts it in the cache.
    awaitable<void> prefetch(Name name, RrType qtype) {
        const std::string key = key_of(name, qtype);
        if (!prefetching.emplace(key, true).second) co_return;
        n_prefetch.fetch_add(1, std::memory_order_relaxed);
        auto deadline = Clock::now() + cfg.total_time;
        try {
            std::optional<Msg> m;
            Name zone;
            if (const auto* fw = forwarders_for(name)) {
                m = co_await ask(*fw, name, qtype, true, deadline);
            } else {
                m = co_await iterate(name, qtype, zone, deadline, 0);
            }
            if (m) digest(*m, name, qtype, zone);
        } catch (const std::exception&) {
            // a failed prefetch leaves the cached data as it was
        }
        prefetching.erase(key);
    }

    awaitable<Result> resolve(Name qname, RrType qtype, Clock::time_point deadline, unsigned depth) {
        Result res;
        res.rcode = kNoError;
        Name cur = qname;
        for (unsigned link = 0; link <= cfg.max_cname_chain; ++link) {
            RRset s;
            const Entry* e = nullptr;
            if ((e = get(cur, qtype, false, &s)) != nullptr && !e->negative) {
                n_hits.fetch_add(1, std::memory_order_relaxed);
                res.answer.push_back(s);
                if (cfg.prefetch) {
                    auto original = std::chrono::duration_cast<std::chrono::seconds>(e->expires - e->stored).count();
                    if (original >= 10 && static_cast<long long>(s.ttl) * 10 < original)
                        asio::co_spawn(io, prefetch(cur, qtype), asio::detached);
                }
                co_return res;
            }
            if (e != nullptr && e->negative) {
                n_hits.fetch_add(1, std::memory_order_relaxed);
                res.authority.push_back(s);
                co_return res;
            }
            if ((e = get(cur, static_cast<RrType>(0), false, &s)) != nullptr && e->negative) {
                n_hits.fetch_add(1, std::memory_order_relaxed);
                res.rcode = kNxDomain;
                res.authority.push_back(s);
                co_return res;
            }
            if (qtype != RrType::CNAME && (e = get(cur, RrType::CNAME, false, &s)) != nullptr && !e->negative &&
                !s.rdatas.empty()) {
                n_hits.fetch_add(1, std::memory_order_relaxed);
                res.answer.push_back(s);
                auto t = dns::rdata_target(RrType::CNAME, s.rdatas[0]);
                if (!t) co_return res;
                cur = *t;
                continue;
            }
            n_misses.fetch_add(1, std::memory_order_relaxed);
            std::optional<Msg> m;
            Name zone;
            if (const auto* fw = forwarders_for(cur)) {
                m = co_await ask(*fw, cur, qtype, true, deadline);
                zone = Name{};  // a forwarder answers for the whole tree
            } else {
                m = co_await iterate(cur, qtype, zone, deadline, depth);
            }
            if (!m) {
                if (cfg.serve_stale) {
                    // RFC 8767: upstreams failed; answer from expired data if we have it.
                    if (get(cur, qtype, true, &s) != nullptr) {
                        n_stale.fetch_add(1, std::memory_order_relaxed);
                        res.answer.push_back(s);
                        res.stale = true;
                        co_return res;
                    }
                }
                res.rcode = kServFail;
                co_return res;
            }
            Result part = digest(*m, cur, qtype, zone);
            for (auto& a : part.answer) res.answer.push_back(std::move(a));
            if (part.rcode != kNoError || !part.authority.empty()) {
                res.rcode = part.rcode;
                res.authority = std::move(part.authority);
                co_return res;
            }
            if (res.answer.empty()) {
                res.rcode = m->rcode == kNoError ? kServFail : m->rcode;
                co_return res;
            }
            const RRset& last = res.answer.back();
            if (last.type == qtype || last.type != RrType::CNAME || last.rdatas.empty()) co_return res;
            auto t = dns::rdata_target(RrType::CNAME, last.rdatas[0]);
            if (!t) co_return res;
            cur = *t;  // continue the chain (possibly in another zone)
        }
        co_return res;
    }

    // ---- client side

    std::vector<std::uint8_t> build_response(std::span<const std::uint8_t> query, const dns::QueryView& q,
                                             const Result& r, std::size_t limit) {
        std::vector<std::uint8_t> out(65535);
        dns::MessageWriter w(out, limit);
        std::uint16_t fl = dns::flags::QR | dns::flags::RA | static_cast<std::uint16_t>(q.header.flags & (dns::flags::RD | dns::flags::CD));
        w.set_header(q.header.id, fl);
        if (q.edns) w.reserve(11);
        std::span<const std::uint8_t> raw = query.subspan(dns::kHeaderSize, q.question_end - dns::kHeaderSize);
        if (raw.size() == q.question.qname.wire_size() + 4) {
            w.add_question_raw(raw, q.question.qname);
        } else {
            w.add_question(q.question.qname, q.question.qtype, q.question.qclass);
        }
        bool tc = false;
        auto add = [&](dns::Section sec, const std::vector<RRset>& sets) {
            for (const auto& s : sets) {
                auto m = w.mark();
                for (const auto& rd : s.rdatas) {
                    if (!w.add_record(sec, s.owner, s.type, 1, s.ttl, rd)) {
                        w.rollback(m);
                        tc = true;
                        return;
                    }
                }
            }
        };
        add(dns::Section::Answer, r.answer);
        if (!tc) add(dns::Section::Authority, r.authority);
        if (tc) w.set_flags(static_cast<std::uint16_t>(w.flags() | dns::flags::TC));
        w.set_rcode(r.rcode);
        if (q.edns) {
            w.release(11);
            w.add_opt(1232, 0, 0, false);
        }
        out.resize(w.size());
        return out;
    }

    awaitable<void> handle(std::vector<std::uint8_t> query, std::string client, std::uint16_t max_response, Reply reply) {
        dns::QueryView q;
        if (dns::parse_query(query, q) != dns::QueryParse::Ok) {
            reply({});
            co_return;
        }
        auto deadline = Clock::now() + cfg.total_time;
        Result r;
        try {
            r = co_await resolve(q.question.qname, q.question.qtype, deadline, 0);
        } catch (const std::exception& e) {
            r.rcode = kServFail;  // one catch at the query boundary
            log(LogLevel::Warn, "recursor", "internal error", {{"qname", q.question.qname.to_text()}, {"what", e.what()}});
        }
        if (r.rcode == kServFail) n_servfail.fetch_add(1, std::memory_order_relaxed);
        // 65535 means TCP (no UDP payload rules); over UDP the client's EDNS size or 512.
        std::size_t limit = max_response;
        if (max_response < 65535) {
            if (q.edns) limit = std::min<std::size_t>(std::max<std::size_t>(q.edns->udp_size, 512), max_response);
            else limit = std::min<std::size_t>(512, max_response);
        }
        reply(build_response(query, q, r, limit));
        auto it = outstanding.find(client);
        if (it != outstanding.end() && --it->second == 0) outstanding.erase(it);
    }

    void load_hints() {
        if (cfg.root_hints.empty()) {
            for (const char* a : kRootHints) roots.push_back({a, cfg.iteration_port});
            return;
        }
        std::ifstream in(cfg.root_hints);
        std::string line;
        while (std::getline(in, line)) {
            auto semi = line.find(';');
            if (semi != std::string::npos) line.resize(semi);
            std::istringstream is(line);
            std::vector<std::string> tok;
            std::string t;
            while (is >> t) tok.push_back(t);
            for (std::size_t i = 1; i + 1 < tok.size(); ++i) {
                if (tok[i] == "A" || tok[i] == "AAAA") roots.push_back({tok[i + 1], cfg.iteration_port});
            }
        }
        if (roots.empty()) throw std::runtime_error("root hints " + cfg.root_hints + " list no A/AAAA addresses");
    }
};

Recursor::Recursor(RecursorConfig config) : impl_(std::make_unique<Impl>(std::move(config))) { impl_->load_hints(); }

Recursor::~Recursor() { stop(); }

const RecursorConfig& Recursor::config() const noexcept { return impl_->cfg; }

void Recursor::start() {
    Impl* m = impl_.get();
    m->thread = std::thread([m] {
        auto guard = asio::make_work_guard(m->io);
        m->io.run();
    });
}

void Recursor::stop() {
    if (!impl_) return;
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void Recursor::submit(std::vector<std::uint8_t> query, std::string client, std::uint16_t max_response, Reply reply) {
    Impl* m = impl_.get();
    m->n_queries.fetch_add(1, std::memory_order_relaxed);
    asio::post(m->io, [m, q = std::move(query), c = std::move(client), max_response, r = std::move(reply)]() mutable {
        unsigned& n = m->outstanding[c];
        if (n >= m->cfg.max_outstanding_per_client) {
            m->n_busy.fetch_add(1, std::memory_order_relaxed);
            // Too many queries in flight from one client: drop (it retries), like Unbound's limits.
            r({});
            return;
        }
        ++n;
        asio::co_spawn(m->io, m->handle(std::move(q), std::move(c), max_response, std::move(r)), asio::detached);
    });
}

RecursorStats Recursor::stats() const {
    const Impl& m = *impl_;
    constexpr auto rel = std::memory_order_relaxed;
    return {m.n_queries.load(rel), m.n_hits.load(rel),    m.n_misses.load(rel),    m.n_upstream.load(rel),
            m.n_servfail.load(rel), m.n_busy.load(rel),   m.n_stale.load(rel),     m.n_evictions.load(rel),
            m.n_entries.load(rel), m.n_scrubbed.load(rel), m.n_prefetch.load(rel)};
}

std::string Recursor::prometheus() const {
    RecursorStats s = stats();
    std::ostringstream o;
    o << "# TYPE enumd_recursion_queries_total counter\nenumd_recursion_queries_total " << s.queries << "\n";
    o << "# TYPE enumd_recursion_cache_hits_total counter\nenumd_recursion_cache_hits_total " << s.cache_hits << "\n";
    o << "# TYPE enumd_recursion_cache_misses_total counter\nenumd_recursion_cache_misses_total " << s.cache_misses << "\n";
    o << "# TYPE enumd_recursion_upstream_queries_total counter\nenumd_recursion_upstream_queries_total "
      << s.upstream_queries << "\n";
    o << "# TYPE enumd_recursion_servfail_total counter\nenumd_recursion_servfail_total " << s.servfail << "\n";
    o << "# TYPE enumd_recursion_dropped_busy_total counter\nenumd_recursion_dropped_busy_total " << s.refused_busy << "\n";
    o << "# TYPE enumd_recursion_stale_answers_total counter\nenumd_recursion_stale_answers_total " << s.stale_answers << "\n";
    o << "# TYPE enumd_recursion_cache_evictions_total counter\nenumd_recursion_cache_evictions_total " << s.evictions << "\n";
    o << "# TYPE enumd_recursion_cache_entries gauge\nenumd_recursion_cache_entries " << s.entries << "\n";
    o << "# TYPE enumd_recursion_prefetches_total counter\nenumd_recursion_prefetches_total " << s.prefetches << "\n";
    o << "# TYPE enumd_recursion_scrubbed_records_total counter\nenumd_recursion_scrubbed_records_total " << s.scrubbed
      << "\n";
    return o.str();
}

}  // namespace enumd::server
