// RFC 2136 UPDATE messages → change sets and rcodes (server/src/update/rfc2136.cpp):
// the zone section, the permission (fail closed, as transfers), prerequisite
// and update classes (RFC 2136 §2.4, §2.5), the prescan's FORMERR/NOTZONE
// (§3.4.1), and the rcodes of applied sets (§3.2).
#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <functional>

#include "../../../server/src/update/rfc2136.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/update.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "server_fixtures.hpp"

using enumd::dns::Rcode;
using enumd::dns::RrType;
using enumd::dns::Section;
using enumd::testing::N;
using namespace enumd::server;
using enumd::zones::ChangeKind;

namespace {

constexpr std::uint16_t kIn = 1;
constexpr std::uint16_t kNone = 254;
constexpr std::uint16_t kAny = 255;

struct Rr {
    Section section;
    std::string owner;
    RrType type;
    std::uint16_t rrclass;
    std::uint32_t ttl;
    std::string rdata;  // presentation; empty = no rdata
};

std::vector<std::uint8_t> message(const std::string& zone, const std::vector<Rr>& rrs, RrType ztype = RrType::SOA,
                                  int zcount = 1) {
    std::vector<std::uint8_t> buf(4096);
    enumd::dns::MessageWriter w(buf, buf.size());
    w.set_header(0x1234, enumd::dns::flags::opcode(enumd::dns::Opcode::UPDATE));
    for (int i = 0; i < zcount; ++i) REQUIRE(w.add_question(N(zone), ztype, kIn));
    for (const auto& r : rrs) {
        std::vector<std::uint8_t> rd;
        if (!r.rdata.empty()) rd = *enumd::zones::rdata_from_text(r.type, r.rdata, N("."));
        REQUIRE(w.add_record(r.section, N(r.owner), r.type, r.rrclass, r.ttl, rd));
    }
    buf.resize(w.size());
    return buf;
}

sockaddr_in loopback() {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

update::Settings allow_loopback() {
    update::Settings s;
    update::Policy p;
    p.origin = N("e164.arpa.");
    p.allow_set = true;
    p.allow.add(*Acl::parse_entry("127.0.0.1"));
    s.zones.push_back(p);
    return s;
}

}  // namespace

TEST_CASE("an UPDATE message becomes a change set, or the rcode RFC 2136 gives it", "[update]") {
    enumd::testing::StoreFixture f({enumd::testing::e164_apex(1)});
    REQUIRE(f.reader->refresh());
    const std::string num = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.";
    const std::string naptr = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b.example!\" .";
    struct Case {
        std::string name;
        std::vector<std::uint8_t> msg;
        std::optional<Rcode> rcode;          // an early answer, or nothing: applied
        std::vector<ChangeKind> kinds = {};  // the change set when applied
        update::Settings settings = allow_loopback();
    };
    std::vector<Case> cases = {
        {"add, delete RRset, delete name, delete RR (§2.5)",
         message("e164.arpa.", {{Section::Authority, num, RrType::NAPTR, kIn, 300, naptr},
                                {Section::Authority, num, RrType::TXT, kAny, 0, ""},
                                {Section::Authority, num, RrType::ANY, kAny, 0, ""},
                                {Section::Authority, num, RrType::NAPTR, kNone, 0, naptr}}),
         std::nullopt,
         {ChangeKind::AddRr, ChangeKind::DeleteRrset, ChangeKind::DeleteName, ChangeKind::DeleteRr}},
        {"prerequisites of each kind come first (§2.4)",
         message("e164.arpa.", {{Section::Answer, num, RrType::ANY, kAny, 0, ""},
                                {Section::Answer, num, RrType::NAPTR, kAny, 0, ""},
                                {Section::Answer, num, RrType::ANY, kNone, 0, ""},
                                {Section::Answer, num, RrType::TXT, kNone, 0, ""},
                                {Section::Answer, num, RrType::NAPTR, kIn, 0, naptr},
                                {Section::Authority, num, RrType::NAPTR, kIn, 300, naptr}}),
         std::nullopt,
         {ChangeKind::RequireName, ChangeKind::RequireRrset, ChangeKind::RequireNoName, ChangeKind::RequireNoRrset,
          ChangeKind::RequireRrsetValue, ChangeKind::AddRr}},
        {"two zones", message("e164.arpa.", {}, RrType::SOA, 2), Rcode::FORMERR},
        {"a zone not asked as SOA", message("e164.arpa.", {}, RrType::NS), Rcode::FORMERR},
        {"a zone this server does not serve", message("example.org.", {}), Rcode::NOTAUTH},
        {"a zone below one it serves", message("6.e164.arpa.", {}), Rcode::NOTAUTH},
        {"no update policy: nobody", message("e164.arpa.", {}), Rcode::REFUSED, {}, update::Settings{}},
        {"a policy with an empty allow list: nobody",
         message("e164.arpa.", {}),
         Rcode::REFUSED,
         {},
         [] {
             update::Settings s;
             update::Policy p;
             p.origin = N("e164.arpa.");
             p.allow_set = true;
             s.zones.push_back(p);
             return s;
         }()},
        {"a key required, the request unsigned",
         message("e164.arpa.", {}),
         Rcode::REFUSED,
         {},
         [] {
             update::Settings s = allow_loopback();
             s.zones[0].keys.push_back("upd.");
             return s;
         }()},
        {"a prerequisite with a TTL", message("e164.arpa.", {{Section::Answer, num, RrType::ANY, kAny, 5, ""}}),
         Rcode::FORMERR},
        {"a prerequisite outside the zone",
         message("e164.arpa.", {{Section::Answer, "x.example.org.", RrType::ANY, kAny, 0, ""}}), Rcode::NOTZONE},
        {"an update outside the zone",
         message("e164.arpa.", {{Section::Authority, "x.example.org.", RrType::TXT, kIn, 60, "\"x\""}}),
         Rcode::NOTZONE},
        {"adding a meta type", message("e164.arpa.", {{Section::Authority, num, RrType::ANY, kIn, 60, ""}}),
         Rcode::FORMERR},
        {"delete RRset with a TTL", message("e164.arpa.", {{Section::Authority, num, RrType::TXT, kAny, 60, ""}}),
         Rcode::FORMERR},
        {"delete RR with a TTL", message("e164.arpa.", {{Section::Authority, num, RrType::NAPTR, kNone, 60, naptr}}),
         Rcode::FORMERR},
        {"another class", message("e164.arpa.", {{Section::Authority, num, RrType::TXT, 3, 60, "\"x\""}}),
         Rcode::FORMERR},
    };
    sockaddr_in peer = loopback();
    for (const auto& c : cases) {
        INFO(c.name);
        update::Request r =
            update::read_update(c.msg, reinterpret_cast<const sockaddr*>(&peer), *f.reader, c.settings, {}, 0);
        CHECK_FALSE(r.drop);
        CHECK(r.early == c.rcode);
        if (!c.rcode) {
            std::vector<ChangeKind> kinds;
            for (const auto& ch : r.changes) kinds.push_back(ch.kind);
            CHECK(kinds == c.kinds);
        }
        // The response: ID and opcode echoed, QR, the rcode, the zone section and nothing else (§3.8).
        auto resp = update::update_response(r, c.rcode.value_or(Rcode::NOERROR), 0);
        enumd::dns::MessageView v;
        REQUIRE(enumd::dns::parse_message(resp, v) == enumd::dns::MessageParse::Ok);
        CHECK(v.header.id == 0x1234);
        CHECK(v.header.qr());
        CHECK(v.header.opcode() == enumd::dns::Opcode::UPDATE);
        CHECK(v.header.rcode() == static_cast<std::uint8_t>(c.rcode.value_or(Rcode::NOERROR)));
        CHECK(v.header.ancount + v.header.nscount + v.header.arcount == 0);
    }
    f.reader->release();
}

TEST_CASE("a response to a response is never sent", "[update]") {
    enumd::testing::StoreFixture f({enumd::testing::e164_apex(1)});
    REQUIRE(f.reader->refresh());
    auto msg = message("e164.arpa.", {});
    msg[2] |= 0x80;  // QR
    sockaddr_in peer = loopback();
    auto r = update::read_update(msg, reinterpret_cast<const sockaddr*>(&peer), *f.reader, allow_loopback(), {}, 0);
    CHECK(r.drop);
    f.reader->release();
}

TEST_CASE("an applied change set's outcome is the RFC 2136 rcode", "[update]") {
    using F = enumd::zones::ApplyFailure;
    const std::vector<std::pair<std::optional<F>, Rcode>> cases = {
        {std::nullopt, Rcode::NOERROR}, {F::YxDomain, Rcode::YXDOMAIN}, {F::NxDomain, Rcode::NXDOMAIN},
        {F::YxRrset, Rcode::YXRRSET},   {F::NxRrset, Rcode::NXRRSET},   {F::NotZone, Rcode::NOTZONE},
        {F::NoZone, Rcode::NOTAUTH},    {F::Invalid, Rcode::REFUSED},   {F::Storage, Rcode::SERVFAIL},
    };
    for (const auto& [failure, rcode] : cases) {
        enumd::zones::ApplyResult r;
        if (failure)
            r.issues.push_back({0, "", *failure, "x"});
        else
            r.report = enumd::zones::ApplyReport{};
        CHECK(update::rcode_of(r) == rcode);
    }
}
