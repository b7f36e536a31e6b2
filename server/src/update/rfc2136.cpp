// RFC 2136 UPDATE: message → change set → response (rfc2136.hpp).
#include "update/rfc2136.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "enumd/dns/response.hpp"

namespace enumd::server::update {
namespace {

using dns::Rcode;
using dns::RrType;

constexpr std::uint16_t kClassNone = static_cast<std::uint16_t>(dns::RrClass::NONE);
constexpr std::uint16_t kClassAny = static_cast<std::uint16_t>(dns::RrClass::ANY);

/// Types that are questions, not data (RFC 2136 §3.4.1.3: FORMERR in an update).
bool meta_type(RrType t) noexcept {
    auto v = static_cast<std::uint16_t>(t);
    return t == RrType::OPT || t == RrType::TSIG || (v >= 128 && v <= 255);
}

Request early(Request r, Rcode rcode, std::string why) {
    r.early = rcode;
    r.why = std::move(why);
    return r;
}

}  // namespace

Request read_update(std::span<const std::uint8_t> message, const sockaddr* peer, zones::Reader& reader,
                    const Settings& settings, const std::vector<tsig::Key>& keys, std::uint64_t now) {
    Request r;
    dns::MessageParse parsed = dns::parse_message(message, r.view);
    if (parsed == dns::MessageParse::Short || r.view.header.qr()) {
        r.drop = true;  // no reply to replies or runts
        return r;
    }
    if (parsed != dns::MessageParse::Ok || !r.view.records_ok) return early(std::move(r), Rcode::FORMERR, "malformed");
    // RFC 2136 §3.1.1: exactly one zone, asked as SOA.
    if (r.view.header.qdcount != 1 || !r.view.has_question || r.view.question.qtype != RrType::SOA)
        return early(std::move(r), Rcode::FORMERR, "the zone section must hold one SOA question");
    r.zone = r.view.question.qname;
    r.tsig = tsig::verify_request(r.view, keys, now);
    using S = tsig::Verified::Status;
    if (r.tsig.status == S::FormErr) return early(std::move(r), Rcode::FORMERR, "malformed TSIG");
    if (r.tsig.status == S::BadKey || r.tsig.status == S::BadSig || r.tsig.status == S::BadTime)
        return early(std::move(r), Rcode::NOTAUTH,
                     r.tsig.status == S::BadKey   ? "TSIG BADKEY"
                     : r.tsig.status == S::BadSig ? "TSIG BADSIG"
                                                  : "TSIG BADTIME");
    // §3.1.1: a zone we are not authoritative for (exactly, not a parent) → NOTAUTH.
    const zones::ZoneInfo* zone = nullptr;
    for (const auto& z : reader.zones()) {
        if (z.origin == r.zone) zone = &z;
    }
    if (zone == nullptr || r.view.question.qclass != static_cast<std::uint16_t>(dns::RrClass::IN))
        return early(std::move(r), Rcode::NOTAUTH, "not a zone of this server");
    // §3.3 permission, checked first (fail closed, and prerequisites must not tell strangers what the zone holds).
    const Policy* pol = settings.policy(zone->origin, zone->meta.source);
    if (pol == nullptr || !pol->allows(peer, r.tsig.status == S::Ok ? r.tsig.key : nullptr))
        return early(std::move(r), Rcode::REFUSED, pol == nullptr ? "updates not configured" : "not allowed by policy");

    const std::uint16_t zclass = r.view.question.qclass;
    std::array<std::uint8_t, dns::kMaxMessage> buf{};
    auto rdata_of = [&](const dns::RecordView& rr) -> std::optional<std::vector<std::uint8_t>> {
        auto n = dns::decompress_rdata(message, rr, buf);
        if (!n) return std::nullopt;
        return std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    };

    // §3.2: prerequisites (the answer section). Value-dependent ones are compared RRset by RRset (§3.2.3).
    std::map<std::pair<std::string, std::uint16_t>, zones::Change> values;
    std::vector<std::pair<std::string, std::uint16_t>> value_order;
    auto pre = r.view.records(dns::Section::Answer);
    dns::RecordView rr;
    std::size_t index = 0;
    while (pre.next(rr)) {
        ++index;
        if (!rr.owner.is_subdomain_of(r.zone))
            return early(std::move(r), Rcode::NOTZONE, "prerequisite " + rr.owner.to_text() + " outside the zone");
        if (rr.ttl != 0) return early(std::move(r), Rcode::FORMERR, "prerequisite with a TTL");
        zones::Change c;
        c.owner = rr.owner;
        c.type = rr.type;
        c.where = "prerequisite " + std::to_string(index);
        if (rr.rrclass == kClassAny || rr.rrclass == kClassNone) {
            if (!rr.rdata.empty()) return early(std::move(r), Rcode::FORMERR, "prerequisite with rdata");
            bool any = rr.type == RrType::ANY;
            c.kind = rr.rrclass == kClassAny
                         ? (any ? zones::ChangeKind::RequireName : zones::ChangeKind::RequireRrset)
                         : (any ? zones::ChangeKind::RequireNoName : zones::ChangeKind::RequireNoRrset);
            r.changes.push_back(std::move(c));
        } else if (rr.rrclass == zclass) {
            if (meta_type(rr.type)) return early(std::move(r), Rcode::FORMERR, "prerequisite of a meta type");
            auto rd = rdata_of(rr);
            if (!rd) return early(std::move(r), Rcode::FORMERR, "malformed prerequisite rdata");
            auto key = std::pair{rr.owner.to_lookup_key(), static_cast<std::uint16_t>(rr.type)};
            auto [it, fresh] = values.try_emplace(key, c);
            if (fresh) {
                it->second.kind = zones::ChangeKind::RequireRrsetValue;
                value_order.push_back(key);
            }
            it->second.rdatas.push_back(std::move(*rd));
        } else {
            return early(std::move(r), Rcode::FORMERR, "prerequisite of another class");
        }
    }
    for (const auto& key : value_order) r.changes.push_back(std::move(values.at(key)));

    // §3.4.1: prescan of the update section (the authority section); nothing is applied on an error.
    auto upd = r.view.records(dns::Section::Authority);
    index = 0;
    while (upd.next(rr)) {
        ++index;
        if (!rr.owner.is_subdomain_of(r.zone))
            return early(std::move(r), Rcode::NOTZONE, "update " + rr.owner.to_text() + " outside the zone");
        zones::Change c;
        c.owner = rr.owner;
        c.type = rr.type;
        c.where = "update RR " + std::to_string(index) + " (" + rr.owner.to_text() + " " + dns::to_text(rr.type) + ")";
        if (rr.rrclass == zclass) {  // §2.5.1 add
            if (meta_type(rr.type)) return early(std::move(r), Rcode::FORMERR, "adding a meta type");
            auto rd = rdata_of(rr);
            if (!rd) return early(std::move(r), Rcode::FORMERR, "malformed update rdata");
            c.kind = zones::ChangeKind::AddRr;
            c.ttl = rr.ttl;
            c.rdatas.push_back(std::move(*rd));
        } else if (rr.rrclass == kClassAny) {  // §2.5.2 / §2.5.3
            if (rr.ttl != 0 || !rr.rdata.empty() || (meta_type(rr.type) && rr.type != RrType::ANY))
                return early(std::move(r), Rcode::FORMERR, "malformed delete");
            c.kind = rr.type == RrType::ANY ? zones::ChangeKind::DeleteName : zones::ChangeKind::DeleteRrset;
        } else if (rr.rrclass == kClassNone) {  // §2.5.4
            if (rr.ttl != 0 || meta_type(rr.type)) return early(std::move(r), Rcode::FORMERR, "malformed delete");
            auto rd = rdata_of(rr);
            if (!rd) return early(std::move(r), Rcode::FORMERR, "malformed update rdata");
            c.kind = zones::ChangeKind::DeleteRr;
            c.rdatas.push_back(std::move(*rd));
        } else {
            return early(std::move(r), Rcode::FORMERR, "update of another class");
        }
        r.changes.push_back(std::move(c));
    }
    if (r.changes.size() > zones::kMaxChangeSet)
        return early(std::move(r), Rcode::REFUSED, "more than " + std::to_string(zones::kMaxChangeSet) + " records");
    return r;
}

std::vector<std::uint8_t> update_response(const Request& request, dns::Rcode rcode, std::uint64_t now) {
    const dns::MessageView& q = request.view;
    std::vector<std::uint8_t> out(dns::kMaxMessage);
    // RFC 2136 §3.8: the header (ID, opcode) and the zone section, nothing else.
    dns::ResponseWriter w(out, out.size(), q, dns::Echo{true, false});
    w.clear_flag(dns::flags::RD);  // a Z bit in UPDATE (RFC 2136 §2.2): not echoed
    if (q.has_question) w.echo_question();
    std::size_t size = w.finish(static_cast<std::uint16_t>(rcode));
    using S = tsig::Verified::Status;
    const tsig::Verified& v = request.tsig;
    if (v.status == S::BadKey || v.status == S::BadSig) {
        // RFC 8945 §5.3.2: an unsigned TSIG carrying the error.
        std::size_t n = tsig::append_unsigned(out, size, v.key_name, v.algorithm, now,
                                              v.status == S::BadKey ? tsig::Error::BADKEY : tsig::Error::BADSIG);
        if (n != 0) size = n;
    } else if ((v.status == S::Ok || v.status == S::BadTime) && v.key != nullptr) {
        tsig::Signer signer(*v.key, v.mac);
        std::size_t n = signer.sign(out, size, v.status == S::BadTime ? v.time_signed : now,
                                    v.status == S::BadTime ? tsig::Error::BADTIME : tsig::Error::NoError, now);
        if (n != 0) size = n;
    }
    out.resize(size);
    return out;
}

dns::Rcode rcode_of(const zones::ApplyResult& result) {
    if (result.ok()) return Rcode::NOERROR;
    if (result.issues.empty()) return Rcode::SERVFAIL;
    switch (result.issues.front().reason) {
        case zones::ApplyFailure::YxDomain:
            return Rcode::YXDOMAIN;
        case zones::ApplyFailure::NxDomain:
            return Rcode::NXDOMAIN;
        case zones::ApplyFailure::YxRrset:
            return Rcode::YXRRSET;
        case zones::ApplyFailure::NxRrset:
            return Rcode::NXRRSET;
        case zones::ApplyFailure::NotZone:
            return Rcode::NOTZONE;
        case zones::ApplyFailure::NoZone:
            return Rcode::NOTAUTH;
        case zones::ApplyFailure::Storage:
            return Rcode::SERVFAIL;
        case zones::ApplyFailure::NotFound:
            return Rcode::NXRRSET;
        case zones::ApplyFailure::Invalid:
        case zones::ApplyFailure::TooLarge:
            return Rcode::REFUSED;
    }
    return Rcode::SERVFAIL;
}

}  // namespace enumd::server::update
