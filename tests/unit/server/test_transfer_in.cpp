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
        CHECK((c.ixfr_form ? r.changes().size() : r.records().size()) == c.records);
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

TEST_CASE("IXFR changes apply to the stored version: deletions must exist, the new SOA leads", "[xfr][secondary]") {
    zones::Zone base;
    base.origin = N("example.");
    base.records = {soa(1), a("old.example.", "192.0.2.1"), a("keep.example.", "192.0.2.9")};
    TransferReader r(N("example."), soa(1), "primary test");
    REQUIRE(read(r, {{soa(2), soa(1), a("old.example.", "192.0.2.1"), soa(2), a("new.example.", "192.0.2.2"), soa(2)}}) ==
            Step::Done);
    std::string why;
    auto z = server::xfr::apply_ixfr(base, r.final_soa(), r.changes(), why);
    REQUIRE(z);
    REQUIRE(z->records.size() == 3);
    CHECK(z->records[0].type == dns::RrType::SOA);
    CHECK(dns::soa_timers(z->records[0].rdata)->serial == 2);

    TransferReader bad(N("example."), soa(1), "primary test");
    REQUIRE(read(bad, {{soa(2), soa(1), a("missing.example.", "192.0.2.7"), soa(2), soa(2)}}) == Step::Done);
    CHECK_FALSE(server::xfr::apply_ixfr(base, bad.final_soa(), bad.changes(), why));
    CHECK(why == "IXFR deletes a record we do not have");
}
