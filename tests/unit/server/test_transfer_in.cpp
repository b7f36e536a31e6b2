// The secondary's reading of incoming AXFR/IXFR replies, message by message, without sockets.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "../../../server/src/xfr/transfer_in.hpp"
#include "enumd/dns/rdata.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "xfr_records.hpp"

using namespace enumd;
using namespace enumd::testing;
using enumd::server::xfr::TransferReader;
using Step = TransferReader::Step;

namespace {

/// One reply message; the question only in the first (RFC 5936 §2.2.1).
std::vector<std::uint8_t> msg(const std::vector<zones::Record>& records, bool first, std::uint8_t rcode = 0) {
    std::vector<std::uint8_t> buf(dns::kMaxMessage);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(0x2a2a, dns::flags::QR | dns::flags::AA);
    w.set_rcode(rcode);
    if (first) w.add_question(N("example."), dns::RrType::IXFR, 1);
    for (const auto& r : records) REQUIRE(w.add_record(dns::Section::Answer, r.owner, r.type, 1, r.ttl, r.rdata));
    buf.resize(w.size());
    return buf;
}

/// Feeds the messages in order; the last step, or interrupted() when the reply ran out while More.
Step read(TransferReader& r, const std::vector<std::vector<zones::Record>>& messages, std::uint8_t rcode = 0) {
    Step s = Step::More;
    for (std::size_t i = 0; i < messages.size() && s == Step::More; ++i) s = r.feed(msg(messages[i], i == 0, rcode));
    return s == Step::More ? r.interrupted() : s;
}

}  // namespace

TEST_CASE("incoming transfer replies are read in AXFR or IXFR form, whatever the message boundaries", "[xfr][secondary]") {
    struct Case {
        const char* what;
        std::optional<std::uint32_t> ours;  ///< our serial: IXFR; none: AXFR
        std::vector<std::vector<zones::Record>> messages;
        Step step;
        bool ixfr_form;
        std::size_t records;  ///< AXFR form: records kept (SOA included); IXFR form: changes
    } cases[] = {
        {"IXFR in one message", 1, {{soa(2), soa(1), a("old.example.", "192.0.2.1"), soa(2), a("new.example.", "192.0.2.2"), soa(2)}},
         Step::Done, true, 2},
        {"IXFR whose first message holds only the SOA (misread as 'newer SOA only' before)",
         1,
         {{soa(2)}, {soa(1), a("old.example.", "192.0.2.1"), soa(2), a("new.example.", "192.0.2.2")}, {soa(2)}},
         Step::Done, true, 2},
        {"AXFR form to an IXFR request, first message only the SOA", 1,
         {{soa(2)}, {a("x.example.", "192.0.2.3"), a("y.example.", "192.0.2.4")}, {soa(2)}}, Step::Done, false, 3},
        {"AXFR split over messages", std::nullopt, {{soa(5)}, {a("x.example.", "192.0.2.3")}, {soa(5)}}, Step::Done, false, 2},
        {"IXFR answered with our own SOA: up to date", 2, {{soa(2)}}, Step::UpToDate, false, 1},
        {"IXFR answered with an older SOA: up to date", 3, {{soa(2)}}, Step::UpToDate, false, 1},
        {"IXFR answered with a newer SOA and nothing after it: use AXFR", 1, {{soa(2)}}, Step::IxfrUnusable, false, 1},
        {"IXFR that does not start at our serial", 1, {{soa(3), soa(2), soa(3), soa(3)}}, Step::IxfrUnusable, true, 0},
        {"a transfer that does not start with the SOA", std::nullopt, {{a("x.example.", "192.0.2.3")}}, Step::Failed, false, 0},
        {"records after the closing SOA", std::nullopt, {{soa(5), a("x.example.", "192.0.2.3"), soa(5), a("y.example.", "192.0.2.4")}},
         Step::Failed, false, 2},
        {"a reply that stops mid-zone", std::nullopt, {{soa(5), a("x.example.", "192.0.2.3")}}, Step::Failed, false, 2},
    };
    for (auto& c : cases) {
        INFO(c.what);
        std::optional<zones::Record> ours;
        if (c.ours) ours = soa(*c.ours);
        TransferReader r(N("example."), ours, "primary test");
        CHECK(read(r, c.messages) == c.step);
        CHECK(r.ixfr_form() == c.ixfr_form);
        CHECK((c.ixfr_form ? r.changes().size() : r.record_count()) == c.records);
    }
}

TEST_CASE("an error rcode ends an incoming transfer; NOTIMP to IXFR leaves AXFR to try", "[xfr][secondary]") {
    struct Case {
        bool ixfr;
        dns::Rcode rcode;
        Step step;
    } cases[] = {
        {true, dns::Rcode::NOTIMP, Step::IxfrUnusable},
        {true, dns::Rcode::REFUSED, Step::Failed},
        {false, dns::Rcode::NOTIMP, Step::Failed},
        {false, dns::Rcode::NOTAUTH, Step::Failed},
    };
    for (const auto& c : cases) {
        INFO(dns::to_text(c.rcode) << (c.ixfr ? " to IXFR" : " to AXFR"));
        std::optional<zones::Record> ours;
        if (c.ixfr) ours = soa(1);
        TransferReader r(N("example."), ours, "primary test");
        CHECK(read(r, {{}}, static_cast<std::uint8_t>(c.rcode)) == c.step);
        CHECK(r.why().find("transfer refused") == 0);
    }
}

namespace {

/// The records of a zone as apply_ixfr reads the stored version.
server::xfr::StoredRecords stored_from(const std::vector<zones::Record>& records) {
    return [records](const auto& f) {
        for (const auto& r : records) f(r.owner, static_cast<std::uint16_t>(r.type), r.ttl, r.rdata);
        return true;
    };
}

/// A zone as take_zone/apply_ixfr give it, one line per record: the apex's, then the streamed ones in order.
std::vector<std::string> lines(const zones::Zone& z) {
    std::vector<std::string> out;
    for (const auto& r : z.records)
        out.push_back(r.owner.to_text() + " " + std::to_string(r.ttl) + " " + dns::to_text(r.type) + " " +
                      zones::rdata_to_text(r.type, r.rdata));
    if (z.streamed) {
        const std::string origin = z.origin.to_text();
        z.streamed->for_each([&](const zones::SortedRecord& r) {
            auto owner = dns::Name::from_lookup_key(
                std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(r.key.data()), r.key.size()));
            out.push_back((owner ? owner->to_text() : std::string("?")) + origin + " " + std::to_string(r.ttl) + " " +
                          dns::to_text(static_cast<dns::RrType>(r.type)) + " " +
                          zones::rdata_to_text(static_cast<dns::RrType>(r.type),
                                               std::vector<std::uint8_t>(r.rdata.begin(), r.rdata.end())));
            return true;
        });
    }
    return out;
}

}  // namespace

TEST_CASE("an AXFR in: the apex's records held, the rest sorted on disk, a record outside the zone refused",
          "[xfr][secondary]") {
    TransferReader r(N("example."), std::nullopt, "primary test", 64);  // 64-byte runs: several spilled
    REQUIRE(read(r, {{soa(5), a("z.example.", "192.0.2.3"), rec("example.", dns::RrType::NS, "ns.example.")},
                     {a("b.example.", "192.0.2.4"), a("A.example.", "192.0.2.5"), a("b.example.", "192.0.2.1")},
                     {soa(5)}}) == Step::Done);
    CHECK(r.record_count() == 6);
    auto z = r.take_zone();
    REQUIRE(z);
    CHECK(z->streamed->size() == 4);
    CHECK(lines(*z) == std::vector<std::string>{
                           "example. 3600 SOA ns.example. host.example. 5 3600 600 86400 60",
                           "example. 3600 NS ns.example.",
                           "a.example. 3600 A 192.0.2.5",
                           "b.example. 3600 A 192.0.2.1",
                           "b.example. 3600 A 192.0.2.4",
                           "z.example. 3600 A 192.0.2.3",
                       });

    TransferReader out(N("example."), std::nullopt, "primary test");
    CHECK(read(out, {{soa(5), a("x.other.", "192.0.2.3"), soa(5)}}) == Step::Failed);
    CHECK(out.why() == "record x.other. outside the zone in the transfer");
}

TEST_CASE("IXFR changes apply to the stored version: deletions must exist, the new SOA leads", "[xfr][secondary]") {
    const std::vector<zones::Record> base = {soa(1), a("old.example.", "192.0.2.1"), a("keep.example.", "192.0.2.9"),
                                             rec("example.", dns::RrType::NS, "ns.example.")};
    TransferReader r(N("example."), soa(1), "primary test");
    // Two versions: 1→2 deletes old and adds new and twice; 2→3 deletes twice again, re-adds old with a new TTL,
    // and replaces the apex NS.
    REQUIRE(read(r, {{soa(3), soa(1), a("old.example.", "192.0.2.1"), soa(2), a("new.example.", "192.0.2.2"),
                      a("twice.example.", "192.0.2.3"), soa(2), a("twice.example.", "192.0.2.3"),
                      rec("example.", dns::RrType::NS, "ns.example."), soa(3), rec("old.example.", dns::RrType::A, "192.0.2.1", 60),
                      rec("example.", dns::RrType::NS, "ns2.example."), soa(3)}}) == Step::Done);
    std::string why;
    auto z = server::xfr::apply_ixfr(N("example."), stored_from(base), r.final_soa(), r.changes(), why, 64);
    REQUIRE(z);
    CHECK(lines(*z) == std::vector<std::string>{
                           "example. 3600 SOA ns.example. host.example. 3 3600 600 86400 60",
                           "example. 3600 NS ns2.example.",
                           "keep.example. 3600 A 192.0.2.9",
                           "new.example. 3600 A 192.0.2.2",
                           "old.example. 60 A 192.0.2.1",
                       });

    TransferReader bad(N("example."), soa(1), "primary test");
    REQUIRE(read(bad, {{soa(2), soa(1), a("missing.example.", "192.0.2.7"), soa(2), soa(2)}}) == Step::Done);
    CHECK_FALSE(server::xfr::apply_ixfr(N("example."), stored_from(base), bad.final_soa(), bad.changes(), why));
    CHECK(why == "IXFR deletes a record we do not have");

    // Deleted twice: the second deletion names a record no longer there.
    TransferReader twice(N("example."), soa(1), "primary test");
    REQUIRE(read(twice, {{soa(3), soa(1), a("old.example.", "192.0.2.1"), soa(2), soa(2), a("old.example.", "192.0.2.1"),
                          soa(3), soa(3)}}) == Step::Done);
    why.clear();
    CHECK_FALSE(server::xfr::apply_ixfr(N("example."), stored_from(base), twice.final_soa(), twice.changes(), why));
    CHECK(why == "IXFR deletes a record we do not have");
}
