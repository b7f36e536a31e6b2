#include "enumd/server/answer.hpp"

#include <array>
#include <cstring>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/response.hpp"

namespace enumd::server {
namespace {

using dns::Name;
using dns::ResponseWriter;
using dns::RrType;
using dns::Section;
using zones::Lookup;
using zones::NodeView;
using zones::RrsetView;

/// Remembers which (name, type) RRsets went into the additional section so
/// that a target shared by several records is added once.
class SeenSet {
public:
    bool insert(const Name& name, RrType type) noexcept {
        std::uint64_t h = 1469598103934665603ULL ^ static_cast<std::uint16_t>(type);
        for (std::uint8_t b : name.wire()) {
            if (b >= 'A' && b <= 'Z') b = static_cast<std::uint8_t>(b + 32);
            h = (h ^ b) * 1099511628211ULL;
        }
        for (std::size_t i = 0; i < n_; ++i) {
            if (hashes_[i] == h) return false;
        }
        if (n_ < hashes_.size()) hashes_[n_++] = h;
        return true;
    }

private:
    std::array<std::uint64_t, 64> hashes_{};
    std::size_t n_ = 0;
};

enum class DnameStep { Follow, Stop, TooLong };

struct Responder {
    zones::Reader& reader;
    const AnswerOptions& opt;
    ResponseWriter& w;
    bool truncated = false;
    SeenSet seen;

    /// Adds a whole RRset or nothing (RFC 2181 §9: never a cut RRset).
    bool add_rrset(Section s, const Name& owner, const RrsetView& rs, std::uint32_t ttl) noexcept {
        auto m = w.mark();
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        while (rs.next(off, rdata)) {
            if (!w.add_record(s, owner, rs.type, 1, ttl, rdata)) {
                w.rollback(m);
                return false;
            }
        }
        return true;
    }
    bool add_rrset(Section s, const Name& owner, const RrsetView& rs) noexcept {
        return add_rrset(s, owner, rs, rs.ttl);
    }

    /// RFC 2308 §3: the SOA in authority, TTL = min(SOA TTL, SOA MINIMUM).
    void add_negative_soa(const zones::ZoneInfo& zone) noexcept {
        auto apex = reader.get(zone, zone.origin);
        if (!apex) return;
        auto soa = apex->find(RrType::SOA);
        if (!soa) return;
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        if (!soa->next(off, rdata)) return;
        auto timers = dns::soa_timers(rdata);
        if (!timers) return;
        std::uint32_t ttl = soa->ttl < timers->minimum ? soa->ttl : timers->minimum;
        if (!add_rrset(Section::Authority, zone.origin, *soa, ttl)) truncated = true;
    }

    /// A/AAAA of `target` from whichever of our zones holds it, as optional
    /// additional data: dropped, never truncating, when it does not fit.
    /// Owners reached through rdata are written as the zone keys them (lower
    /// case), not in the spelling of the rdata that named them (as Knot).
    void add_addresses(const Name& target) noexcept {
        const Name name = target.lowercased();
        const zones::ZoneInfo* zone = reader.find_zone(name);
        if (zone == nullptr) return;
        auto node = reader.get(*zone, name);
        if (!node) return;
        for (RrType t : {RrType::A, RrType::AAAA}) {
            auto rs = node->find(t);
            if (rs && seen.insert(name, t)) add_rrset(Section::Additional, name, *rs);
        }
    }

    void add_srv_with_addresses(const Name& named) noexcept {
        const Name name = named.lowercased();
        const zones::ZoneInfo* zone = reader.find_zone(name);
        if (zone == nullptr) return;
        auto node = reader.get(*zone, name);
        if (!node) return;
        auto srv = node->find(RrType::SRV);
        if (!srv || !seen.insert(name, RrType::SRV)) return;
        if (!add_rrset(Section::Additional, name, *srv)) return;
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        while (srv->next(off, rdata)) {
            if (auto target = dns::rdata_target(RrType::SRV, rdata); target && !target->is_root())
                add_addresses(*target);
        }
    }

    /// Additional-section processing for an answer RRset.
    void additional_for(const RrsetView& rs) noexcept {
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        switch (rs.type) {
            case RrType::NAPTR:
                if (!opt.naptr_additional) return;
                // RFC 3403 §4: "s" → SRV of the replacement (+ its targets' addresses); "a" → A/AAAA.
                while (rs.next(off, rdata)) {
                    auto flags = dns::naptr_flags(rdata);
                    if (!flags) continue;
                    bool s_flag = false;
                    bool a_flag = false;
                    for (std::uint8_t c : *flags) {
                        s_flag = s_flag || c == 's' || c == 'S';
                        a_flag = a_flag || c == 'a' || c == 'A';
                    }
                    if (!s_flag && !a_flag) continue;
                    auto naptr = dns::read_naptr(rdata);
                    if (!naptr) continue;
                    auto target = Name::from_uncompressed(naptr->replacement);
                    if (!target || target->is_root()) continue;
                    if (s_flag) add_srv_with_addresses(*target);
                    if (a_flag) add_addresses(*target);
                }
                return;
            case RrType::SRV:
            case RrType::MX:
            case RrType::NS:
                while (rs.next(off, rdata)) {
                    if (auto target = dns::rdata_target(rs.type, rdata); target && !target->is_root())
                        add_addresses(*target);
                }
                return;
            default: return;
        }
    }

    dns::Name next_name;  ///< where a synthesised CNAME points (apply_dname)

    /// RFC 6672 §3.2 / §2.2: `qname` lies below a DNAME owned by its closest
    /// encloser (`owner_labels` labels). Adds the DNAME RRset and the CNAME
    /// synthesised from it (owner qname, TTL of the DNAME — RFC 6672 §3.3),
    /// and leaves the substituted name in `next_name`.
    DnameStep apply_dname(const Name& qname, std::size_t owner_labels, const RrsetView& dname) noexcept {
        Name owner = qname.parent(qname.label_count() - owner_labels);
        if (!add_rrset(Section::Answer, owner, dname)) {
            truncated = true;
            return DnameStep::Stop;
        }
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        if (!dname.next(off, rdata)) return DnameStep::Stop;
        auto target = dns::rdata_target(RrType::DNAME, rdata);
        if (!target) return DnameStep::Stop;
        // The labels of qname above the owner, then the DNAME target.
        std::size_t prefix = qname.wire_size() - owner.wire_size();
        if (prefix + target->wire_size() > dns::kMaxNameLength) return DnameStep::TooLong;  // RFC 6672 §2.2
        std::array<std::uint8_t, dns::kMaxNameLength> buf{};
        std::memcpy(buf.data(), qname.wire().data(), prefix);
        std::memcpy(buf.data() + prefix, target->wire().data(), target->wire_size());
        auto next = Name::from_uncompressed(std::span<const std::uint8_t>(buf.data(), prefix + target->wire_size()));
        if (!next) return DnameStep::Stop;
        next_name = *next;
        if (!w.add_record(Section::Answer, qname, RrType::CNAME, 1, dname.ttl, next_name.wire())) {
            truncated = true;
            return DnameStep::Stop;
        }
        return DnameStep::Follow;
    }

    /// RFC 1034 §4.3.2 step 3b: a referral, NS in authority and glue.
    void referral(const Name& cut, const NodeView& cut_node, const zones::ZoneInfo& zone) noexcept {
        auto ns = cut_node.find(RrType::NS);
        if (!ns) return;
        if (!add_rrset(Section::Authority, cut, *ns)) {
            truncated = true;
            return;
        }
        std::size_t off = 0;
        std::span<const std::uint8_t> rdata;
        while (ns->next(off, rdata)) {
            auto named = dns::rdata_target(RrType::NS, rdata);
            if (!named) continue;
            const Name target = named->lowercased();  // as add_addresses
            // Glue comes only from this zone's own data: a server name outside
            // the zone has no address here (RFC 1034 §4.3.2 step 3b, RFC 9471).
            if (!target.is_subdomain_of(zone.origin)) continue;
            bool in_domain = target.is_subdomain_of(cut);
            auto node = reader.get(zone, target);
            if (!node) continue;
            for (RrType t : {RrType::A, RrType::AAAA}) {
                auto rs = node->find(t);
                if (!rs || !seen.insert(target, t)) continue;
                // RFC 9471: in-domain glue that does not fit truncates; other glue is optional.
                if (!add_rrset(Section::Additional, target, *rs) && in_domain) truncated = true;
            }
        }
    }
};

AnswerResult finish(ResponseWriter& w, AnswerKind kind, std::uint8_t rcode, bool with_opt,
                    const AnswerOptions& opt) noexcept {
    const dns::QueryView& q = w.query();
    AnswerResult r;
    // RFC 3225 §3: the DO bit of the query is copied into the response.
    r.size = with_opt ? w.finish(rcode, dns::OptOut{opt.edns_buffer, q.edns && q.edns->do_bit}) : w.finish(rcode);
    r.kind = kind;
    r.qtype = q.question.qtype;
    r.rcode = rcode;
    r.truncated = w.has_flag(dns::flags::TC);
    return r;
}

}  // namespace

AnswerResult refuse_query(std::span<const std::uint8_t> query, std::span<std::uint8_t> out, Transport transport,
                          const AnswerOptions& opt) noexcept {
    dns::QueryView q;
    dns::QueryParse parsed = dns::parse_query(query, q);
    if (parsed == dns::QueryParse::Drop) return {};
    ResponseWriter w(out, transport == Transport::Udp ? dns::kMaxUdpPlain : dns::kMaxMessage, q);
    if (q.has_question) w.echo_question();
    if (parsed != dns::QueryParse::Ok)
        return finish(w, AnswerKind::FormErr, static_cast<std::uint8_t>(dns::Rcode::FORMERR), false, opt);
    if (q.edns) w.reserve_opt();
    return finish(w, AnswerKind::Refused, static_cast<std::uint8_t>(dns::Rcode::REFUSED), q.edns.has_value(), opt);
}

AnswerResult answer_query(zones::Reader& reader, std::span<const std::uint8_t> query, std::span<std::uint8_t> out,
                          Transport transport, const AnswerOptions& opt) noexcept {
    dns::QueryView q;
    dns::QueryParse parsed = dns::parse_query(query, q);
    return answer_query(reader, q, parsed, out, transport, opt);
}

AnswerResult answer_query(zones::Reader& reader, const dns::QueryView& q, dns::QueryParse parsed,
                          std::span<std::uint8_t> out, Transport transport, const AnswerOptions& opt,
                          std::span<const std::uint8_t> opt_options) noexcept {
    if (parsed == dns::QueryParse::Drop) return {};

    std::size_t limit = transport == Transport::Udp ? dns::udp_response_limit(q, opt.edns_buffer) : dns::kMaxMessage;
    ResponseWriter w(out, limit, q);
    w.set_opt_options(opt_options);

    switch (parsed) {
        case dns::QueryParse::FormErr: {
            if (q.has_question) w.echo_question();
            return finish(w, AnswerKind::FormErr, static_cast<std::uint8_t>(dns::Rcode::FORMERR), false, opt);
        }
        case dns::QueryParse::NotImp: {
            if (q.has_question) w.echo_question();
            return finish(w, AnswerKind::NotImp, static_cast<std::uint8_t>(dns::Rcode::NOTIMP), false, opt);
        }
        case dns::QueryParse::BadVers: {
            w.reserve_opt();
            w.echo_question();
            return finish(w, AnswerKind::BadVers, static_cast<std::uint8_t>(dns::Rcode::BADVERS), true, opt);
        }
        default: break;
    }

    const bool edns = q.edns.has_value();
    if (edns) w.reserve_opt();
    if (!w.echo_question()) return {};

    auto done = [&](AnswerKind kind, dns::Rcode rcode) {
        return finish(w, kind, static_cast<std::uint8_t>(rcode), edns, opt);
    };

    const RrType qtype = q.question.qtype;
    if (q.question.qclass != 1 && q.question.qclass != 255) return done(AnswerKind::Refused, dns::Rcode::REFUSED);
    if (qtype == RrType::AXFR || qtype == RrType::IXFR || qtype == RrType::OPT || qtype == RrType::TSIG ||
        qtype == static_cast<RrType>(253) || qtype == static_cast<RrType>(254))
        return done(AnswerKind::NotImp, dns::Rcode::NOTIMP);

    const zones::ZoneInfo* zone = reader.find_zone(q.question.qname);
    if (zone != nullptr && qtype == RrType::DS && !zone->origin.is_root() &&
        zone->origin.label_count() == q.question.qname.label_count()) {
        // RFC 4035 §3.1.4.1: DS lives on the parent side of a cut. When the
        // parent zone is served too, the parent answers (its DS RRset, or
        // NODATA with its SOA); only without it does the child answer.
        if (const zones::ZoneInfo* parent = reader.find_zone(zone->origin.parent(1))) zone = parent;
    }
    if (zone == nullptr) {
        AnswerResult r = done(AnswerKind::Refused, dns::Rcode::REFUSED);
        r.not_ours = true;
        return r;
    }

    Responder rsp{reader, opt, w, false, SeenSet{}, Name{}};
    w.set_flag(dns::flags::AA);
    Name name = q.question.qname;
    AnswerKind kind = AnswerKind::Answer;
    dns::Rcode rcode = dns::Rcode::NOERROR;
    std::size_t domain_labels = 0;  // AnswerResult::domain_labels

    for (unsigned link = 0;; ++link) {
        Lookup l = reader.lookup(*zone, name);
        NodeView node;
        // RFC 4035 §3.1.4.1: DS at a delegation point is answered by the parent.
        bool ds_at_cut = l.kind == Lookup::Kind::Delegation && qtype == RrType::DS && l.node_name == name;
        if (ds_at_cut) {
            l.kind = Lookup::Kind::Exact;
        } else if (l.kind == Lookup::Kind::Delegation) {
            if (w.count(Section::Answer) == 0)
                w.clear_flag(dns::flags::AA);  // referral: not authoritative
            rsp.referral(l.node_name, l.node, *zone);
            kind = AnswerKind::Referral;
            // Reached through a CNAME the delegation is not under the qname; the zone is.
            domain_labels = name.equals(q.question.qname) ? l.node_name.label_count() : zone->origin.label_count();
            break;
        }
        if (l.kind == Lookup::Kind::Nonexistent) {
            if (auto dname = l.encloser.find(RrType::DNAME)) {
                if (link >= opt.max_cname_chain) break;  // the synthesised CNAME is a link too
                DnameStep step = rsp.apply_dname(name, l.encloser_labels, *dname);
                // A CNAME question is answered by the synthesised CNAME itself.
                if (step == DnameStep::Follow && qtype != RrType::CNAME &&
                    rsp.next_name.is_subdomain_of(zone->origin)) {
                    name = rsp.next_name;
                    continue;
                }
                if (step == DnameStep::TooLong) rcode = dns::Rcode::YXDOMAIN;
                break;
            }
        }
        if (l.kind == Lookup::Kind::Exact) {
            node = l.node;
        } else {
            // RFC 4592 §3.3.1: the source of synthesis is "*" below the closest
            // encloser; an empty non-terminal or existing name blocks it because
            // then the closest encloser is deeper than the wildcard's parent.
            bool synthesized = false;
            if ((l.encloser.flags() & zones::node_flags::kWildcardChild) != 0) {
                Name ce = name.parent(name.label_count() - l.encloser_labels);
                auto star = ce.prepend("*");
                if (star) {
                    if (auto wnode = reader.get(*zone, *star)) {
                        node = *wnode;
                        synthesized = true;
                    }
                }
            }
            if (!synthesized) {
                rcode = dns::Rcode::NXDOMAIN;  // RFC 6604: the rcode of the last name in a chain
                kind = AnswerKind::NxDomain;
                domain_labels = zone->origin.label_count();
                rsp.add_negative_soa(*zone);
                break;
            }
        }

        // The owner is the name asked for, never "*" (RFC 4592 §3.3.1 step 4).
        if (qtype == RrType::ANY) {
            // RFC 8482 §4.2: one RRset instead of everything.
            RrsetView rs;
            std::size_t off = 0;
            if (node.next(off, rs)) {
                if (!rsp.add_rrset(Section::Answer, name, rs)) rsp.truncated = true;
            } else {
                kind = AnswerKind::NoData;
                rsp.add_negative_soa(*zone);
            }
            break;
        }
        if (auto rs = node.find(qtype)) {
            if (!rsp.add_rrset(Section::Answer, name, *rs)) {
                rsp.truncated = true;
            } else {
                rsp.additional_for(*rs);
            }
            break;
        }
        if (auto cname = node.find(RrType::CNAME)) {
            // At most `max_cname_chain` CNAMEs: the record at the end of a chain
            // of exactly that many links is still answered.
            if (link >= opt.max_cname_chain) break;
            if (!rsp.add_rrset(Section::Answer, name, *cname)) {
                rsp.truncated = true;
                break;
            }
            std::size_t off = 0;
            std::span<const std::uint8_t> rdata;
            if (!cname->next(off, rdata)) break;
            auto target = dns::rdata_target(RrType::CNAME, rdata);
            // Follow the chain only inside this zone, like Knot and NSD; the
            // client restarts the query for anything else (RFC 1034 §4.3.2 step 3a).
            if (!target || !target->is_subdomain_of(zone->origin)) break;
            // The next owner is written as the zone keys it, not in the
            // spelling of the CNAME's target (issue 12: Knot, NSD, BIND).
            name = target->lowercased();
            continue;
        }
        kind = AnswerKind::NoData;
        rsp.add_negative_soa(*zone);
        break;
    }

    if (rsp.truncated) w.set_flag(dns::flags::TC);
    if (kind == AnswerKind::Answer && w.count(Section::Answer) == 0 && !rsp.truncated) kind = AnswerKind::NoData;
    AnswerResult r = done(kind, rcode);
    r.domain_labels = static_cast<std::uint8_t>(domain_labels);
    return r;
}

}  // namespace enumd::server
