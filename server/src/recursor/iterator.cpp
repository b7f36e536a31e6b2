#include "iterator.hpp"

// GCC 12 reports Asio's awaitable frame operator delete as mismatched with its
// operator new (a false positive for coroutine frames seen with GCC 12 only).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>

#include "enumd/dns/wire.hpp"
#include "scrub.hpp"

namespace enumd::server::recursor {

namespace asio = boost::asio;
using asio::awaitable;
using dns::Name;
using dns::RrType;

namespace {

constexpr auto kNoError = static_cast<std::uint8_t>(dns::Rcode::NOERROR);
constexpr auto kServFail = static_cast<std::uint8_t>(dns::Rcode::SERVFAIL);
constexpr auto kNxDomain = static_cast<std::uint8_t>(dns::Rcode::NXDOMAIN);

}  // namespace

const std::vector<Upstream>* Iterator::forwarders_for(const Name& name) const {
    const std::vector<Upstream>* best = nullptr;
    std::size_t best_labels = 0;
    for (const auto& [zone, ups] : cfg_.forward_zones) {
        if (name.is_subdomain_of(zone) && (best == nullptr || zone.label_count() >= best_labels)) {
            best = &ups;
            best_labels = zone.label_count();
        }
    }
    if (best != nullptr) return best;
    return cfg_.forwarders.empty() ? nullptr : &cfg_.forwarders;
}

Resolution Iterator::digest(const Response& m, const Name& name, RrType qtype, const Name& zone) {
    ScrubbedAnswer s = scrub_answer(m, name, qtype, zone, cfg_.max_cname_chain);
    Counters::add(counters_.scrubbed, s.dropped);
    Resolution r;
    r.rcode = s.rcode;
    for (const auto& set : s.answer) cache_.put_rrset(set);
    if (s.soa) {
        cache_.put_negative(s.denied, qtype, m.rcode, *s.soa);
        r.authority.push_back(std::move(*s.soa));
    }
    r.answer = std::move(s.answer);
    return r;
}

std::vector<Upstream> Iterator::addresses_of(const RRset& ns) {
    std::vector<Upstream> out;
    for (const auto& rd : ns.rdatas) {
        auto target = dns::rdata_target(RrType::NS, rd);
        if (!target) continue;
        for (RrType t : {RrType::A, RrType::AAAA}) {
            RRset a;
            if (cache_.get(*target, t, false, &a) == nullptr || a.type != t) continue;
            for (const auto& d : a.rdatas) {
                if (t == RrType::A && d.size() == 4) {
                    asio::ip::address_v4::bytes_type b{d[0], d[1], d[2], d[3]};
                    out.push_back({asio::ip::address_v4(b).to_string(), cfg_.iteration_port});
                } else if (t == RrType::AAAA && d.size() == 16) {
                    asio::ip::address_v6::bytes_type b{};
                    std::copy(d.begin(), d.end(), b.begin());
                    out.push_back({asio::ip::address_v6(b).to_string(), cfg_.iteration_port});
                }
            }
        }
    }
    return out;
}

std::pair<Name, std::vector<Upstream>> Iterator::closest_cut(const Name& name) {
    for (std::size_t strip = 0; strip <= name.label_count(); ++strip) {
        Name z = name.parent(strip);
        for (const auto& [stub, ups] : cfg_.stub_zones) {
            if (stub == z) return {z, ups};
        }
        RRset ns;
        if (cache_.get(z, RrType::NS, false, &ns) != nullptr && ns.type == RrType::NS) {
            auto addrs = addresses_of(ns);
            if (!addrs.empty()) return {z, addrs};
        }
    }
    return {Name{}, roots_};
}

awaitable<std::optional<Response>> Iterator::iterate(const Name& qname, RrType qtype, Name& zone,
                                                     Clock::time_point deadline, unsigned depth) {
    auto [cut, servers] = closest_cut(qname);
    zone = cut;
    for (unsigned hop = 0; hop < cfg_.max_referrals; ++hop) {
        // RFC 9156: ask each server only for one label below its zone, with type NS, until the last hop.
        Name ask_name = qname;
        RrType ask_type = qtype;
        if (cfg_.qname_minimisation && qname.label_count() > zone.label_count() + 1) {
            ask_name = qname.parent(qname.label_count() - zone.label_count() - 1);
            ask_type = RrType::NS;
        }
        auto m = co_await transport_.ask(servers, ask_name, ask_type, false, deadline);
        if (!m) co_return std::nullopt;
        if (!(ask_name == qname)) {
            // Minimised step: follow a referral, else ask the full name from this zone.
            const RRset* ref = find_referral(*m, zone, qname);
            if (ref == nullptr) ref = find(m->an, ask_name, RrType::NS);
            if (ref == nullptr) {
                m = co_await transport_.ask(servers, qname, qtype, false, deadline);
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
        const RRset* ref = find_referral(*m, zone, qname);
        if (ref == nullptr) co_return std::nullopt;  // lame or bogus
        auto next = co_await follow(*ref, zone, *m, deadline, depth);
        if (next.empty()) co_return std::nullopt;
        zone = ref->owner;
        servers = std::move(next);
    }
    co_return std::nullopt;
}

awaitable<std::vector<Upstream>> Iterator::follow(const RRset& ns, const Name& zone, const Response& m,
                                                  Clock::time_point deadline, unsigned depth) {
    cache_.put_rrset(ns);
    std::size_t dropped = 0;
    for (const RRset* glue : scrub_glue(ns, zone, m, dropped)) cache_.put_rrset(*glue);
    Counters::add(counters_.scrubbed, dropped);
    auto addrs = addresses_of(ns);
    if (!addrs.empty() || depth >= 4) co_return addrs;
    for (const auto& rd : ns.rdatas) {
        auto target = dns::rdata_target(RrType::NS, rd);
        if (!target || target->is_subdomain_of(ns.owner)) continue;  // glueless in-zone NS: nothing to do
        co_await resolve(*target, RrType::A, deadline, depth + 1);    // fills the cache
        addrs = addresses_of(ns);
        if (!addrs.empty()) break;
    }
    co_return addrs;
}

awaitable<std::optional<Response>> Iterator::fetch(const Name& name, RrType qtype, Name& zone,
                                                   Clock::time_point deadline, unsigned depth, UpstreamFailure* why) {
    if (const auto* fw = forwarders_for(name)) {
        zone = Name{};  // a forwarder answers for the whole tree
        co_return co_await transport_.ask(*fw, name, qtype, true, deadline, why);
    }
    co_return co_await iterate(name, qtype, zone, deadline, depth);
}

awaitable<void> Iterator::prefetch(Name name, RrType qtype) {
    const std::string key = key_of(name, qtype);
    if (!prefetching_.insert(key).second) co_return;
    Counters::add(counters_.prefetch);
    auto deadline = Clock::now() + cfg_.total_time;
    try {
        Name zone;
        auto m = co_await fetch(name, qtype, zone, deadline, 0);
        if (m) digest(*m, name, qtype, zone);
    } catch (const std::exception&) {
        // a failed prefetch leaves the cached data as it was
    }
    prefetching_.erase(key);
}

std::optional<Resolution> Iterator::cached(const Name& qname, RrType qtype) {
    Resolution res;
    res.rcode = kNoError;
    Name cur = qname;
    // The cache half of resolve() below, link by link.
    for (unsigned link = 0; link <= cfg_.max_cname_chain; ++link) {
        RRset s;
        const Cache::Entry* e = cache_.get(cur, qtype, false, &s);
        if (e != nullptr) {
            (e->negative ? res.authority : res.answer).push_back(std::move(s));
            return res;
        }
        if ((e = cache_.get(cur, static_cast<RrType>(0), false, &s)) != nullptr && e->negative) {
            res.rcode = kNxDomain;
            res.authority.push_back(std::move(s));
            return res;
        }
        if (qtype == RrType::CNAME || (e = cache_.get(cur, RrType::CNAME, false, &s)) == nullptr || e->negative ||
            s.rdatas.empty())
            return std::nullopt;
        auto t = dns::rdata_target(RrType::CNAME, s.rdatas[0]);
        res.answer.push_back(std::move(s));
        if (!t) return res;
        cur = *t;
    }
    return std::nullopt;
}

awaitable<Resolution> Iterator::resolve(Name qname, RrType qtype, Clock::time_point deadline, unsigned depth) {
    Resolution res;
    res.rcode = kNoError;
    Name cur = qname;
    for (unsigned link = 0; link <= cfg_.max_cname_chain; ++link) {
        RRset s;
        const Cache::Entry* e = nullptr;
        if ((e = cache_.get(cur, qtype, false, &s)) != nullptr && !e->negative) {
            Counters::add(counters_.hits);
            res.answer.push_back(s);
            if (cfg_.prefetch) {
                auto original = std::chrono::duration_cast<std::chrono::seconds>(e->expires - e->stored).count();
                if (original >= 10 && static_cast<long long>(s.ttl) * 10 < original)
                    asio::co_spawn(io_, prefetch(cur, qtype), asio::detached);
            }
            co_return res;
        }
        if (e != nullptr && e->negative) {
            Counters::add(counters_.hits);
            res.authority.push_back(s);
            co_return res;
        }
        if ((e = cache_.get(cur, static_cast<RrType>(0), false, &s)) != nullptr && e->negative) {
            Counters::add(counters_.hits);
            res.rcode = kNxDomain;
            res.authority.push_back(s);
            co_return res;
        }
        if (qtype != RrType::CNAME && (e = cache_.get(cur, RrType::CNAME, false, &s)) != nullptr && !e->negative &&
            !s.rdatas.empty()) {
            Counters::add(counters_.hits);
            res.answer.push_back(s);
            auto t = dns::rdata_target(RrType::CNAME, s.rdatas[0]);
            if (!t) co_return res;
            cur = *t;
            continue;
        }
        Counters::add(counters_.misses);
        Name zone;
        UpstreamFailure why;
        auto m = co_await fetch(cur, qtype, zone, deadline, depth, &why);
        if (!m) {
            // RFC 8767: upstreams failed; answer from expired data if we have it.
            if (cfg_.serve_stale && cache_.get(cur, qtype, true, &s) != nullptr) {
                Counters::add(counters_.stale);
                res.answer.push_back(s);
                res.stale = true;
                co_return res;
            }
            res.rcode = kServFail;
            res.ede = why.ede;  // RFC 8914 §4.22/§4.23, on the SERVFAIL the client gets
            res.ede_text = why.text.empty() ? "no upstream answered" : why.text;
            co_return res;
        }
        Resolution part = digest(*m, cur, qtype, zone);
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

}  // namespace enumd::server::recursor
