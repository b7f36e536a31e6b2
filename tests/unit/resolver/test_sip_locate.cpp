// RFC 3263 SIP server location, RFC 2782 SRV selection, RFC 3958 S-NAPTR.
#include <catch2/catch.hpp>
#include <map>

#include "enumd/resolver/sip_locate.hpp"
#include "fake_dns.hpp"

using namespace enumd::resolver;
using namespace enumd::resolver::test;

namespace {

std::vector<std::string> rows(const SipLocateResult& r) {
    std::vector<std::string> out;
    for (const auto& t : r.targets) {
        out.push_back(std::string(to_string(t.transport)) + " " + t.host + ":" + std::to_string(t.port) + " " +
                      t.address);
    }
    return out;
}

SipLocateOptions opts() {
    SipLocateOptions o;
    o.seed = 7;
    o.ipv6 = false;
    return o;
}

/// The IMS domain of the seed, with NAPTR → SRV → A.
void ims_zone(FakeDns& dns) {
    const std::string d = "ims.mnc001.mcc001.3gppnetwork.org.";
    dns.add(naptr_rr(d, 10, 10, "s", "SIP+D2T", "", "_sip._tcp." + d));
    dns.add(naptr_rr(d, 20, 10, "s", "SIP+D2U", "", "_sip._udp." + d));
    dns.add(naptr_rr(d, 5, 10, "s", "SIPS+D2T", "", "_sips._tcp." + d));
    dns.add(naptr_rr(d, 1, 10, "s", "SIP+D2W", "", "_sip._ws." + d));  // unsupported service: ignored
    dns.add(srv_rr("_sip._tcp." + d, 10, 0, 5060, "pcscf1." + d));
    dns.add(srv_rr("_sip._udp." + d, 10, 0, 5060, "pcscf1." + d));
    dns.add(srv_rr("_sips._tcp." + d, 10, 0, 5061, "pcscf2." + d));
    dns.add(addr_rr("pcscf1." + d, "10.0.0.1"));
    dns.add(addr_rr("pcscf2." + d, "10.0.0.2"));
    dns.add(addr_rr(d, "10.0.0.9"));
}

}  // namespace

TEST_CASE("SIP URIs parse into host, port and transport", "[sip][uri]") {
    struct Case {
        std::string uri;
        bool ok;
        std::string host;
        int port;               // 0: none
        std::string transport;  // "" none
        bool sips;
    };
    const std::vector<Case> cases = {
        {"sip:alice@example.net", true, "example.net", 0, "", false},
        {"sip:alice@example.net:5080", true, "example.net", 5080, "", false},
        {"sip:example.net;transport=tcp", true, "example.net", 0, "tcp", false},
        {"sips:bob@example.net;transport=tcp", true, "example.net", 0, "tls", true},
        {"sip:[2001:db8::1]:5062;lr", true, "2001:db8::1", 5062, "", false},
        {"SIP:a;b=c@10.0.0.1?subject=x", true, "10.0.0.1", 0, "", false},
        {"sip:alice@example.net;maddr=192.0.2.9;transport=tcp", true, "192.0.2.9", 0, "tcp", false},
        {"sip:alice@example.net;MADDR=proxy.example.org", true, "proxy.example.org", 0, "", false},
        {"sip:alice@example.net:0", false, "", 0, "", false},
        {"sip:alice@example.net:99999", false, "", 0, "", false},
        {"sip:alice@", false, "", 0, "", false},
        {"tel:+61355500912", false, "", 0, "", false},
        {"sips:x@example.net;transport=udp", false, "", 0, "", false},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        auto u = parse_sip_uri(c.uri);
        REQUIRE(u.ok() == c.ok);
        if (!c.ok) continue;
        CHECK(u->host == c.host);
        CHECK(u->port.value_or(0) == c.port);
        CHECK((u->transport ? std::string(to_string(*u->transport)) : std::string()) == c.transport);
        CHECK(u->sips == c.sips);
    }
}

TEST_CASE("RFC 3263 location follows the table of cases", "[sip][rfc3263]") {
    struct Case {
        std::string uri;
        LocateOutcome outcome;
        std::vector<std::string> targets;
        std::vector<std::string> queries;
    };
    const std::string d = "ims.mnc001.mcc001.3gppnetwork.org";
    const std::vector<Case> cases = {
        // Numeric host: no DNS at all.
        {"sip:alice@192.0.2.7", LocateOutcome::Ok, {"udp 192.0.2.7:5060 192.0.2.7"}, {}},
        {"sips:alice@192.0.2.7:5070", LocateOutcome::Ok, {"tls 192.0.2.7:5070 192.0.2.7"}, {}},
        // Explicit port: A/AAAA only (§4.2), never NAPTR or SRV — the I-CSCF behaviour of the seed.
        {"sip:scscf@" + d + ":5060", LocateOutcome::Ok, {"udp " + d + ":5060 10.0.0.9"}, {"A " + d + "."}},
        // transport= with no port: SRV for that transport.
        {"sip:alice@" + d + ";transport=tcp",
         LocateOutcome::Ok,
         {"tcp pcscf1." + d + ":5060 10.0.0.1"},
         {"SRV _sip._tcp." + d + ".", "A pcscf1." + d + "."}},
        // NAPTR order: SIPS+D2T (5), SIP+D2T (10), SIP+D2U (20); SIP+D2W ignored.
        {"sip:alice@" + d,
         LocateOutcome::Ok,
         {"tls pcscf2." + d + ":5061 10.0.0.2", "tcp pcscf1." + d + ":5060 10.0.0.1",
          "udp pcscf1." + d + ":5060 10.0.0.1"},
         {"NAPTR " + d + ".", "SRV _sips._tcp." + d + ".", "A pcscf2." + d + ".", "SRV _sip._tcp." + d + ".",
          "A pcscf1." + d + ".", "SRV _sip._udp." + d + ".", "A pcscf1." + d + "."}},
        // A sips: URI discards non-SIPS NAPTRs.
        {"sips:alice@" + d,
         LocateOutcome::Ok,
         {"tls pcscf2." + d + ":5061 10.0.0.2"},
         {"NAPTR " + d + ".", "SRV _sips._tcp." + d + ".", "A pcscf2." + d + "."}},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        FakeDns dns;
        ims_zone(dns);
        auto r = run(locate_sip_server(dns, c.uri, opts()));
        CHECK(r.outcome == c.outcome);
        CHECK(rows(r) == c.targets);
        CHECK(dns.queries == c.queries);
    }
}

TEST_CASE("without NAPTR, SRV per transport; without SRV, A on the default port", "[sip][rfc3263]") {
    FakeDns dns;
    dns.add(srv_rr("_sip._tcp.example.net.", 10, 0, 5070, "sip1.example.net."));
    dns.add(addr_rr("sip1.example.net.", "192.0.2.1"));
    dns.add(addr_rr("example.net.", "192.0.2.99"));
    auto r = run(locate_sip_server(dns, "sip:alice@example.net", opts()));
    CHECK(rows(r) == std::vector<std::string>{"tcp sip1.example.net:5070 192.0.2.1"});
    CHECK(dns.queries == std::vector<std::string>{"NAPTR example.net.", "SRV _sip._udp.example.net.",
                                                  "SRV _sip._tcp.example.net.", "A sip1.example.net.",
                                                  "SRV _sips._tcp.example.net."});

    FakeDns plain;
    plain.add(addr_rr("example.org.", "192.0.2.50"));
    auto p = run(locate_sip_server(plain, "sip:alice@example.org", opts()));
    CHECK(rows(p) == std::vector<std::string>{"udp example.org:5060 192.0.2.50"});
    auto ps = run(locate_sip_server(plain, "sips:alice@example.org", opts()));
    CHECK(rows(ps) == std::vector<std::string>{"tls example.org:5061 192.0.2.50"});

    FakeDns none;
    CHECK(run(locate_sip_server(none, "sip:alice@nowhere.example", opts())).outcome == LocateOutcome::NxDomain);
    CHECK(run(locate_sip_server(none, "mailto:x@y", opts())).outcome == LocateOutcome::BadUri);
}

TEST_CASE("an SRV target of \".\" means the service is not offered: no A fallback", "[sip][rfc2782]") {
    FakeDns dns;
    dns.add(srv_rr("_sip._udp.example.net.", 0, 0, 0, "."));
    dns.add(srv_rr("_sip._tcp.example.net.", 0, 0, 0, "."));
    dns.add(srv_rr("_sips._tcp.example.net.", 0, 0, 0, "."));
    dns.add(addr_rr("example.net.", "192.0.2.99"));
    auto r = run(locate_sip_server(dns, "sip:alice@example.net", opts()));
    CHECK(r.outcome == LocateOutcome::NotOffered);
    CHECK(r.targets.empty());
    for (const auto& q : dns.queries) CHECK(q.rfind("A ", 0) != 0);
}

TEST_CASE("SRV priorities are tiers; weights order inside a tier", "[srv][rfc2782]") {
    std::vector<SrvRecord> srv = {
        {20, 0, 5060, N("backup.example.net.")},
        {10, 60, 5060, N("a.example.net.")},
        {10, 40, 5060, N("b.example.net.")},
    };
    Rng rng(1);
    for (int i = 0; i < 100; ++i) {
        auto order = order_srv(srv, rng);
        REQUIRE(order.size() == 3);
        CHECK(order.back() == 0);  // the priority-20 record always comes last
    }
}

TEST_CASE("RFC 2782 weighted selection matches the weights over 100,000 draws (chi-square)", "[srv][rfc2782][stats]") {
    // Weights 0, 10, 30, 60 in one tier. The RFC's draw is uniform in
    // [0, sum] inclusive with zero-weight records first, so the first pick
    // probabilities are exactly: w0: 1/101, then 10/101, 30/101, 60/101.
    const std::vector<std::uint16_t> w = {10, 0, 30, 60};
    Rng rng(99);
    std::vector<double> first(4, 0.0);
    constexpr int kDraws = 100'000;
    for (int i = 0; i < kDraws; ++i) first[rfc2782_order(w, rng).front()] += 1;
    double chi = chi_square(first, {10.0 / 101, 1.0 / 101, 30.0 / 101, 60.0 / 101});
    WARN("SRV first-pick chi-square " << chi << " (df 3, bound 16.27), counts " << first[0] << "/" << first[1] << "/"
                                      << first[2] << "/" << first[3]);
    CHECK(chi < 16.27);  // df = 3, p = 0.001
    // A weight-0 record is still reachable but rare; it never disappears.
    CHECK(first[1] > 0);
    CHECK(first[1] < first[0]);
}

TEST_CASE("RFC 2782 reorders the remaining records after the first pick", "[srv][rfc2782][stats]") {
    const std::vector<std::uint16_t> w = {50, 50};
    Rng rng(5);
    std::vector<double> first(2, 0.0);
    for (int i = 0; i < 100'000; ++i) {
        auto o = rfc2782_order(w, rng);
        REQUIRE(o.size() == 2);
        REQUIRE(o[0] != o[1]);
        first[o[0]] += 1;
    }
    // r in [0,100]: record 0 wins r<=50 → 51/101.
    double chi = chi_square(first, {51.0 / 101, 50.0 / 101});
    CHECK(chi < 10.83);  // df = 1, p = 0.001
}

TEST_CASE("S-NAPTR matches app-service:app-protocol and follows s, a and empty flags", "[snaptr][rfc3958]") {
    const std::string d = "topon.pgw.epc.mnc001.mcc505.3gppnetwork.org.";
    FakeDns dns;
    dns.add(naptr_rr(d, 10, 10, "", "", "", "nt." + d));                        // non-terminal
    dns.add(naptr_rr(d, 20, 10, "a", "x-3gpp-sgw:x-s5-gtp", "", "sgw1." + d));  // other app-service
    dns.add(naptr_rr("nt." + d, 10, 10, "s", "x-3gpp-pgw:x-s5-gtp:x-s8-gtp", "", "_pgw._udp." + d));
    dns.add(naptr_rr("nt." + d, 20, 10, "a", "x-3gpp-pgw:x-s8-gtp", "", "pgw3." + d));
    dns.add(naptr_rr("nt." + d, 30, 10, "a", "x-3gpp-pgw:x-gn", "", "pgw4." + d));
    dns.add(naptr_rr("nt." + d, 40, 10, "x", "x-3gpp-pgw:x-s5-gtp", "", "pgw5." + d));  // unknown flag
    dns.add(srv_rr("_pgw._udp." + d, 10, 10, 2123, "pgw1." + d));
    dns.add(addr_rr("pgw1." + d, "10.1.0.1"));
    dns.add(addr_rr("pgw3." + d, "10.1.0.3"));
    dns.add(addr_rr("pgw4." + d, "10.1.0.4"));
    dns.add(addr_rr("pgw5." + d, "10.1.0.5"));
    dns.add(addr_rr("sgw1." + d, "10.2.0.1"));

    struct Case {
        std::string service, protocol;
        std::vector<std::string> addresses;
    };
    const std::vector<Case> cases = {
        {"x-3gpp-pgw", "x-s5-gtp", {"10.1.0.1"}},
        {"x-3gpp-pgw", "x-s8-gtp", {"10.1.0.1", "10.1.0.3"}},
        {"X-3GPP-PGW", "", {"10.1.0.1", "10.1.0.3", "10.1.0.4"}},
        {"x-3gpp-sgw", "x-s5-gtp", {"10.2.0.1"}},
        {"x-3gpp-mme", "x-s10", {}},
    };
    for (const auto& c : cases) {
        INFO(c.service << ":" << c.protocol);
        SnaptrOptions o;
        o.app_service = c.service;
        o.app_protocol = c.protocol;
        o.ipv6 = false;
        o.seed = 1;
        auto r = run(snaptr_resolve(dns, N(d), o));
        std::vector<std::string> got;
        for (const auto& t : r.targets) got.push_back(t.address);
        CHECK(got == c.addresses);
        CHECK((r.outcome == LocateOutcome::Ok) == !c.addresses.empty());
    }
    CHECK(
        run(snaptr_resolve(dns, N(d), SnaptrOptions{"x-3gpp-pgw", "x-s5-gtp", 5, false, 1, {}})).targets.front().port ==
        2123);
}

TEST_CASE("S-NAPTR non-terminal loops stop", "[snaptr]") {
    FakeDns dns;
    dns.add(naptr_rr("a.example.", 10, 10, "", "", "", "b.example."));
    dns.add(naptr_rr("b.example.", 10, 10, "", "", "", "a.example."));
    auto r = run(snaptr_resolve(dns, N("a.example."), SnaptrOptions{"x-3gpp-pgw", "", 5, false, 1, {}}));
    CHECK(r.targets.empty());
    CHECK(dns.queries.size() == 2);
}

TEST_CASE("RFC 3263 and S-NAPTR fan-out stops at the lookup's query budget", "[sip][snaptr][budget]") {
    // A hostile domain: three NAPTR services, each SRV with 200 targets that
    // each need A and AAAA — 1 + 3 + 3 × 200 × 2 = 1,204 queries unbounded.
    const std::string d = "fan.example.net";
    FakeDns dns;
    for (auto [svc, srv] : std::vector<std::pair<std::string, std::string>>{
             {"SIP+D2U", "_sip._udp." + d}, {"SIP+D2T", "_sip._tcp." + d}, {"SIPS+D2T", "_sips._tcp." + d}})
        dns.add(naptr_rr(d, 10, 10, "s", svc, "", srv));
    for (std::string srv : {"_sip._udp." + d, "_sip._tcp." + d, "_sips._tcp." + d})
        for (int i = 0; i < 200; ++i)
            dns.add(srv_rr(srv, 10, 10, 5060, std::string("h").append(std::to_string(i)).append(".").append(d)));
    auto o = opts();
    auto r = run(locate_sip_server(dns, "sip:alice@" + d, o));
    CHECK(dns.queries.size() <= o.budget.max_queries);
    CHECK(dns.queries.size() == 64);
    REQUIRE_FALSE(r.trace.empty());
    CHECK(r.trace.back() == "lookup budget of 64 queries exhausted");

    FakeDns sn;
    sn.add(naptr_rr("pgw." + d, 10, 10, "s", "x-3gpp-pgw:x-s5-gtp", "", "_pgw._udp." + d));
    for (int i = 0; i < 200; ++i)
        sn.add(
            srv_rr("_pgw._udp." + d, 10, 10, 2123, std::string("p").append(std::to_string(i)).append(".").append(d)));
    SnaptrOptions so;
    so.app_service = "x-3gpp-pgw";
    so.seed = 7;
    so.budget.max_queries = 16;
    auto s = run(snaptr_resolve(sn, N("pgw." + d), so));
    CHECK(sn.queries.size() == 16);
    REQUIRE_FALSE(s.trace.empty());
    CHECK(s.trace.back() == "lookup budget of 16 queries exhausted");
}
