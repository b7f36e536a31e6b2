#include "scrub.hpp"

#include "enumd/dns/wire.hpp"

namespace enumd::server::recursor {

using dns::Name;
using dns::RrType;

ScrubbedAnswer scrub_answer(const Response& m, const Name& name, RrType qtype, const Name& zone, unsigned max_chain) {
    constexpr auto kNoError = static_cast<std::uint8_t>(dns::Rcode::NOERROR);
    constexpr auto kNxDomain = static_cast<std::uint8_t>(dns::Rcode::NXDOMAIN);
    ScrubbedAnswer r;
    Name cur = name;
    for (unsigned i = 0; i <= max_chain; ++i) {
        if (!cur.is_subdomain_of(zone)) break;  // out of bailiwick: resolved afresh by the caller
        if (const RRset* s = find(m.an, cur, qtype)) {
            r.answer.push_back(*s);
            break;
        }
        const RRset* c = qtype == RrType::CNAME ? nullptr : find(m.an, cur, RrType::CNAME);
        if (c == nullptr || c->rdatas.empty()) break;
        r.answer.push_back(*c);
        auto target = dns::rdata_target(RrType::CNAME, c->rdatas[0]);
        if (!target) break;
        cur = *target;
    }
    r.dropped = m.an.size() > r.answer.size() ? m.an.size() - r.answer.size() : 0;  // a looping chain repeats sets
    const bool answered = !r.answer.empty() && r.answer.back().type == qtype;
    if (!answered && (m.rcode == kNxDomain || m.rcode == kNoError)) {
        // RFC 2308 §2: the SOA in the authority section makes the answer cacheable.
        for (const auto& s : m.ns) {
            if (s.type == RrType::SOA && cur.is_subdomain_of(s.owner) && s.owner.is_subdomain_of(zone)) {
                r.soa = s;
                r.denied = cur;
                break;
            }
        }
        if (m.rcode == kNxDomain) r.rcode = kNxDomain;
    }
    return r;
}

const RRset* find_referral(const Response& m, const Name& zone, const Name& qname) {
    const RRset* ref = nullptr;
    for (const auto& s : m.ns) {
        if (s.type == RrType::NS && s.owner.is_subdomain_of(zone) && !(s.owner == zone) && qname.is_subdomain_of(s.owner))
            ref = &s;
    }
    return ref;
}

std::vector<const RRset*> scrub_glue(const RRset& ns, const Name& zone, const Response& m, std::size_t& dropped) {
    std::vector<const RRset*> keep;
    for (const auto& s : m.ar) {
        if (s.type != RrType::A && s.type != RrType::AAAA) continue;
        bool named = false;
        for (const auto& rd : ns.rdatas) {
            auto t = dns::rdata_target(RrType::NS, rd);
            named = named || (t && *t == s.owner);
        }
        // Glue is accepted only inside the zone whose server sent it.
        if (named && s.owner.is_subdomain_of(zone)) {
            keep.push_back(&s);
        } else {
            dropped += s.rdatas.size();
        }
    }
    return keep;
}

}  // namespace enumd::server::recursor
