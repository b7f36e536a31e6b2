// S-NAPTR node selection as TS 29.303 uses it: service/protocol matching for
// the EPC and 5GC services, ranking (order, preference, SRV priority and
// weight), and the collocation / topological-closeness rule for node pairs
// (TS 29.303 §4.3.2, Annex C), on a fake DnsLookup.
#include <catch2/catch.hpp>

#include "enumd/resolver/sip_locate.hpp"
#include "fake_dns.hpp"

using namespace enumd;
using namespace enumd::resolver;
using namespace enumd::resolver::test;

namespace {

SnaptrOptions snaptr(const std::string& service, const std::string& protocol) {
    SnaptrOptions o;
    o.app_service = service;
    o.app_protocol = protocol;
    o.ipv6 = false;
    o.seed = 1;
    return o;
}

std::vector<std::string> hosts(const SnaptrResult& r) {
    std::vector<std::string> out;
    for (const auto& t : r.targets) out.push_back(t.host);
    return out;
}

// In the style of the TS 29.303 Annex B example zone: one operator's
// combined SGW/PGW nodes gw01 and gw21, reached as PGWs through an APN and as
// SGWs through a TAI, their canonical node names "topoff.<interface>.<node>".
const std::string kOrg = "epc.mnc001.mcc001.3gppnetwork.org.";

FakeDns annex_zone() {
    FakeDns dns;
    const std::string apn = "imstv1.apn." + kOrg;
    dns.add(naptr_rr(apn, 100, 999, "a", "x-3gpp-pgw:x-s5-gtp:x-s8-gtp", "", "topoff.vip1.gw01.nodes." + kOrg));
    dns.add(naptr_rr(apn, 200, 999, "a", "x-3gpp-pgw:x-s5-gtp:x-s8-gtp", "", "topoff.vip1.gw21.nodes." + kOrg));
    dns.add(naptr_rr(apn, 300, 999, "a", "x-3gpp-pgw:x-gn:x-gp", "", "topoff.vip3.gw01.nodes." + kOrg));
    const std::string tai = "tac-lb01.tac-hb01.tac." + kOrg;
    dns.add(naptr_rr(tai, 100, 999, "a", "x-3gpp-sgw:x-s5-gtp:x-s8-gtp", "", "topoff.eth4.gw21.nodes." + kOrg));
    dns.add(naptr_rr(tai, 200, 999, "a", "x-3gpp-sgw:x-s5-gtp:x-s8-gtp", "", "topoff.eth4.gw01.nodes." + kOrg));
    dns.add(naptr_rr(tai, 500, 999, "a", "x-3gpp-mme:x-s10", "", "topoff.eth1.mmec01.mmegi8001.mme." + kOrg));
    for (const auto& [h, a] : std::vector<std::pair<std::string, std::string>>{
             {"topoff.vip1.gw01.nodes.", "192.0.2.1"},
             {"topoff.vip1.gw21.nodes.", "192.0.2.21"},
             {"topoff.vip3.gw01.nodes.", "192.0.2.3"},
             {"topoff.eth4.gw01.nodes.", "198.51.100.1"},
             {"topoff.eth4.gw21.nodes.", "198.51.100.21"},
             {"topoff.eth1.mmec01.mmegi8001.mme.", "203.0.113.1"}}) {
        dns.add(addr_rr(h + kOrg, a));
    }
    return dns;
}

}  // namespace

TEST_CASE("TS 29.303 services match on app-service and app-protocol", "[snaptr][ts29303]") {
    FakeDns dns = annex_zone();
    const std::string d5 = "nodes5g.5gc.mnc001.mcc001.3gppnetwork.org.";
    dns.add(naptr_rr(d5, 10, 10, "a", "x-3gpp-amf:x-n2", "", "topon.n2.amf1." + d5));
    dns.add(naptr_rr(d5, 20, 10, "a", "x-3gpp-upf:x-sxb", "", "topon.sxb.upf1." + d5));
    dns.add(naptr_rr(d5, 30, 10, "a", "x-3gpp-sgw:x-s11", "", "topon.s11.sgw1." + d5));
    dns.add(addr_rr("topon.n2.amf1." + d5, "10.5.0.1"));
    dns.add(addr_rr("topon.sxb.upf1." + d5, "10.5.0.2"));
    dns.add(addr_rr("topon.s11.sgw1." + d5, "10.5.0.3"));
    struct Case {
        std::string domain, service, protocol;
        std::vector<std::string> hosts;
    };
    const std::string apn = "imstv1.apn." + kOrg, tai = "tac-lb01.tac-hb01.tac." + kOrg;
    const std::vector<Case> cases = {
        {apn, "x-3gpp-pgw", "x-s5-gtp", {"topoff.vip1.gw01.nodes." + kOrg, "topoff.vip1.gw21.nodes." + kOrg}},
        {apn, "x-3gpp-pgw", "x-s8-gtp", {"topoff.vip1.gw01.nodes." + kOrg, "topoff.vip1.gw21.nodes." + kOrg}},
        {apn, "x-3gpp-pgw", "x-gn", {"topoff.vip3.gw01.nodes." + kOrg}},
        {apn, "x-3gpp-pgw", "x-s8-pmip", {}},
        {tai, "x-3gpp-sgw", "x-s5-gtp", {"topoff.eth4.gw21.nodes." + kOrg, "topoff.eth4.gw01.nodes." + kOrg}},
        {tai, "x-3gpp-mme", "x-s10", {"topoff.eth1.mmec01.mmegi8001.mme." + kOrg}},
        {tai, "x-3gpp-pgw", "x-s5-gtp", {}},
        {d5, "x-3gpp-amf", "x-n2", {"topon.n2.amf1." + d5}},
        {d5, "x-3gpp-upf", "x-sxb", {"topon.sxb.upf1." + d5}},
        {d5, "x-3gpp-sgw", "x-s11", {"topon.s11.sgw1." + d5}},
        {d5, "x-3gpp-amf", "x-n3", {}},
    };
    for (const auto& c : cases) {
        INFO(c.domain << " " << c.service << ":" << c.protocol);
        auto r = run(snaptr_resolve(dns, N(c.domain), snaptr(c.service, c.protocol)));
        std::vector<std::string> want;
        for (auto h : c.hosts) want.push_back(h.substr(0, h.size() - 1));  // hosts are reported without the dot
        CHECK(hosts(r) == want);
        CHECK((r.outcome == LocateOutcome::Ok) == !c.hosts.empty());
    }
}

TEST_CASE("S-NAPTR candidates carry their rank and why", "[snaptr][ts29303]") {
    const std::string d = "internet.apn.epc.mnc001.mcc505.3gppnetwork.org.";
    FakeDns dns;
    dns.add(naptr_rr(d, 20, 10, "a", "x-3gpp-pgw:x-s5-gtp", "", "topon.s5.pgw9.west.example."));
    dns.add(naptr_rr(d, 10, 20, "s", "x-3gpp-pgw:x-s5-gtp", "", "_pgw._udp.example."));
    dns.add(naptr_rr(d, 10, 10, "a", "x-3gpp-pgw:x-s5-gtp", "", "topon.s5.pgw1.east.example."));
    dns.add(srv_rr("_pgw._udp.example.", 5, 0, 2123, "topon.s5.pgw2.east.example."));
    dns.add(addr_rr("topon.s5.pgw1.east.example.", "10.0.0.1"));
    dns.add(addr_rr("topon.s5.pgw2.east.example.", "10.0.0.2"));
    dns.add(addr_rr("topon.s5.pgw9.west.example.", "10.0.0.9"));
    auto r = run(snaptr_resolve(dns, N(d), snaptr("x-3gpp-pgw", "x-s5-gtp")));
    // ORDER first, then PREFERENCE (RFC 3958 §2.2, TS 29.303 §5.1.1).
    REQUIRE(hosts(r) == std::vector<std::string>{"topon.s5.pgw1.east.example", "topon.s5.pgw2.east.example",
                                                 "topon.s5.pgw9.west.example"});
    CHECK(r.targets[0].why == "NAPTR 10 10 \"a\" \"x-3gpp-pgw:x-s5-gtp\" at " + d);
    CHECK(r.targets[1].port == 2123);
    CHECK(r.targets[1].srv_priority == 5);
    CHECK_THAT(r.targets[1].why, Catch::EndsWith("-> SRV priority 5 weight 0 port 2123"));
    CHECK(r.targets[2].order == 20);
}

TEST_CASE("S-NAPTR \"s\" records order their SRV set by RFC 2782 weights", "[snaptr][rfc2782][stats]") {
    const std::string d = "pool.apn.epc.mnc001.mcc505.3gppnetwork.org.";
    FakeDns dns;
    dns.add(naptr_rr(d, 10, 10, "s", "x-3gpp-sgw:x-s11", "", "_sgw._udp.example."));
    dns.add(srv_rr("_sgw._udp.example.", 10, 90, 2123, "sgw-a.example."));
    dns.add(srv_rr("_sgw._udp.example.", 10, 10, 2123, "sgw-b.example."));
    dns.add(srv_rr("_sgw._udp.example.", 20, 100, 2123, "sgw-c.example."));
    dns.add(addr_rr("sgw-a.example.", "10.1.0.1"));
    dns.add(addr_rr("sgw-b.example.", "10.1.0.2"));
    dns.add(addr_rr("sgw-c.example.", "10.1.0.3"));
    std::vector<double> first(2, 0);
    constexpr int kDraws = 4000;
    for (int i = 0; i < kDraws; ++i) {
        auto o = snaptr("x-3gpp-sgw", "x-s11");
        o.seed = static_cast<std::uint64_t>(i) + 1;
        auto r = run(snaptr_resolve(dns, N(d), o));
        REQUIRE(r.targets.size() == 3);
        CHECK(r.targets[2].host == "sgw-c.example");  // priority 20 always after the priority 10 tier
        first[r.targets[0].host == "sgw-a.example" ? 0 : 1] += 1;
    }
    // RFC 2782 draw in [0, 100]: sgw-a (weight 90) first for r <= 90 → 91/101.
    CHECK(chi_square(first, {91.0 / 101, 10.0 / 101}) < 10.83);  // df = 1, p = 0.001
}

TEST_CASE("canonical node names split into topon/topoff, interface and node", "[snaptr][ts29303]") {
    struct Case {
        const char* host;
        bool canonical, topon;
        const char* node;
    };
    const Case cases[] = {
        {"topon.s5.pgw1.east.example.", true, true, "pgw1.east.example"},
        {"TOPOFF.eth4.GW01.nodes.example", true, false, "gw01.nodes.example"},
        {"pgw1.east.example", false, false, "pgw1.east.example"},
        {"toponx.s5.pgw1.example", false, false, "toponx.s5.pgw1.example"},
    };
    for (const auto& c : cases) {
        INFO(c.host);
        auto n = parse_canonical_node_name(c.host);
        CHECK(n.canonical == c.canonical);
        CHECK(n.topon == c.topon);
        CHECK(n.node == c.node);
    }
    CHECK(common_suffix_labels("a.b.example.net", "c.b.example.net.") == 3);
    CHECK(common_suffix_labels("a.example.net", "a.example.org") == 0);
    CHECK(common_suffix_labels("A.Example.Net", "a.example.net") == 3);
}

TEST_CASE("node pairs: collocated first, then the longest topon suffix, then rank (TS 29.303 Annex C)",
          "[snaptr][ts29303]") {
    // The annex zone: the SGW list ranks gw21 first, the PGW list gw01; both
    // pairs are collocated, so rank decides: (gw01, gw01) has rank sum 0 + 1,
    // (gw21, gw21) 1 + 0 — equal, then the first list's rank: SGW gw21.
    FakeDns dns = annex_zone();
    auto sgw = run(snaptr_resolve(dns, N("tac-lb01.tac-hb01.tac." + kOrg), snaptr("x-3gpp-sgw", "x-s5-gtp")));
    auto pgw = run(snaptr_resolve(dns, N("imstv1.apn." + kOrg), snaptr("x-3gpp-pgw", "x-s5-gtp")));
    auto p = select_node_pair(sgw.targets, pgw.targets);
    REQUIRE(p);
    CHECK(p->collocated);
    CHECK(sgw.targets[p->first].host == "topoff.eth4.gw21.nodes.epc.mnc001.mcc001.3gppnetwork.org");
    CHECK(pgw.targets[p->second].host == "topoff.vip1.gw21.nodes.epc.mnc001.mcc001.3gppnetwork.org");
    CHECK_THAT(p->why, Catch::StartsWith("collocated: "));

    auto t = [](std::string host) {
        SnaptrTarget x;
        x.host = std::move(host);
        return x;
    };
    struct Case {
        const char* name;
        std::vector<SnaptrTarget> first, second;
        std::size_t want_first, want_second;
        bool collocated;
        unsigned labels;
    };
    const std::vector<Case> cases = {
        {"collocated beats a better-ranked pair",
         {t("topon.s5.sgw1.east.example"), t("topon.s5.gw7.west.example")},
         {t("topon.s5.pgw1.east.example"), t("topon.s5.gw7.west.example")},
         1, 1, true, 4},
        {"topon: the longest common suffix wins over rank",
         {t("topon.s5.sgw1.rack2.east.example")},
         {t("topon.s5.pgw9.west.example"), t("topon.s5.pgw1.rack2.east.example")},
         0, 1, false, 3},
        {"topoff names take no part in topology matching",
         {t("topoff.s5.sgw1.rack2.east.example")},
         {t("topon.s5.pgw9.west.example"), t("topon.s5.pgw1.rack2.east.example")},
         0, 0, false, 0},
        {"plain names: the best-ranked pair",
         {t("sgw1.example"), t("sgw2.example")},
         {t("pgw1.example"), t("pgw2.example")},
         0, 0, false, 0},
        {"several addresses of one host count once",
         {t("topon.s5.sgw1.east.example"), t("topon.s5.sgw1.east.example"), t("topon.s5.sgw2.west.example")},
         {t("topon.s5.pgw3.west.example")},
         2, 0, false, 2},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto got = select_node_pair(c.first, c.second);
        REQUIRE(got);
        CHECK(got->first == c.want_first);
        CHECK(got->second == c.want_second);
        CHECK(got->collocated == c.collocated);
        CHECK(got->common_labels == c.labels);
    }
    CHECK_FALSE(select_node_pair({}, {t("a.example")}));
}
