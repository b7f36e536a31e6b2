/// Fuzz target: a response from an upstream server — what the recursor and
/// the client library's stub resolver read from the network. The input is the
/// response; the question it is taken to answer is its own first question
/// (so the matching paths run), or a fixed NAPTR question when it has none.
///   recursor: parse_response (RRsets, decompression, duplicates), then the
///             bailiwick scrubbing of the answer, the referral and its glue
///             for the asked name under two zones (the root and the name's
///             parent), as the iterator uses them;
///   stub:     resolver::parse_response for the same question, then every
///             NAPTR, SRV and address record it keeps through its rdata parser.
/// Checks: what the scrubber keeps lies inside the bailiwick asked; every
/// record the stub keeps is of the asked type (or a CNAME on the chain).

#include <cstddef>
#include <cstdint>
#include <span>

#include "enumd/dns/name.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/resolver/lookup.hpp"
#include "enumd/resolver/naptr.hpp"
#include "enumd/resolver/stub.hpp"
#include "fuzz_check.hpp"
#include "recursor/response.hpp"
#include "recursor/scrub.hpp"

using namespace enumd;

namespace {

void recursor_side(std::span<const std::uint8_t> packet, const dns::Name& qname, dns::RrType qtype) {
    server::recursor::Response m;
    if (!server::recursor::parse_response(packet, m)) return;
    const dns::Name zones[] = {dns::Name(), qname.label_count() > 0 ? qname.parent() : qname};
    for (const auto& zone : zones) {
        auto a = server::recursor::scrub_answer(m, qname, qtype, zone, 8);
        for (const auto& rrset : a.answer) FUZZ_CHECK(rrset.owner.is_subdomain_of(zone));
        if (a.soa) FUZZ_CHECK(a.soa->owner.is_subdomain_of(zone));
        FUZZ_CHECK(a.answer.size() <= 9 + m.an.size());
        if (const auto* ns = server::recursor::find_referral(m, zone, qname)) {
            FUZZ_CHECK(ns->owner.is_subdomain_of(zone));
            FUZZ_CHECK(qname.is_subdomain_of(ns->owner));
            std::size_t dropped = 0;
            for (const auto* glue : server::recursor::scrub_glue(*ns, zone, m, dropped))
                FUZZ_CHECK(glue->owner.is_subdomain_of(zone));
        }
    }
}

void stub_side(std::span<const std::uint8_t> packet, std::uint16_t id, const dns::Name& qname, dns::RrType qtype) {
    auto r = resolver::parse_response(packet, id, qname, qtype);
    if (!r.matches) return;
    for (const auto& rr : r.answer.records) {
        FUZZ_CHECK(rr.type == qtype || rr.type == dns::RrType::CNAME);
        switch (rr.type) {
        case dns::RrType::NAPTR: (void)resolver::parse_naptr_rdata(rr.rdata); break;
        case dns::RrType::SRV: (void)resolver::parse_srv_rdata(rr.rdata); break;
        case dns::RrType::A:
        case dns::RrType::AAAA: (void)resolver::parse_address_rdata(rr.type, rr.rdata); break;
        default: break;
        }
    }
    for (const auto& rr : r.answer.additional) {
        if (rr.type == dns::RrType::SRV) (void)resolver::parse_srv_rdata(rr.rdata);
        if (rr.type == dns::RrType::A || rr.type == dns::RrType::AAAA) (void)resolver::parse_address_rdata(rr.type, rr.rdata);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65535) return 0;
    std::span<const std::uint8_t> packet(data, size);
    dns::MessageView view;
    (void)dns::parse_message(packet, view);
    dns::Name qname = dns::Name::from_text("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.").value();
    dns::RrType qtype = dns::RrType::NAPTR;
    if (view.has_question) {
        qname = view.question.qname;
        qtype = view.question.qtype;
    }
    recursor_side(packet, qname, qtype);
    stub_side(packet, size >= 2 ? static_cast<std::uint16_t>(data[0] << 8 | data[1]) : 0, qname, qtype);
    return 0;
}
