// ePDG selection in the order of AOSP EpdgSelector (resolver/epdg_select.hpp),
// on a fake DnsLookup.
#include <catch2/catch.hpp>

#include "enumd/resolver/epdg_select.hpp"
#include "fake_dns.hpp"

using namespace enumd;
using namespace enumd::resolver;
using namespace enumd::resolver::test;
using enumd::numbering::Plmn;

namespace {

Plmn P(const char* text) {
    return *Plmn::parse(text);
}

FakeDns zone() {
    FakeDns dns;
    const std::string pub = ".pub.3gppnetwork.org.";
    dns.add(addr_rr("epdg.epc.mnc001.mcc505" + pub, "203.0.113.1"));
    dns.add(addr_rr("epdg.epc.mnc001.mcc505" + pub, "2001:db8::1"));
    dns.add(addr_rr("epdg.epc.mnc002.mcc505" + pub, "203.0.113.20"));
    dns.add(addr_rr("sos.epdg.epc.mnc001.mcc505" + pub, "203.0.113.5"));
    dns.add(addr_rr("tac-lb1a.tac-hb0b.tac.epdg.epc.mnc001.mcc505" + pub, "203.0.113.11"));
    dns.add(addr_rr("tac-lb1a.tac-hb0b.tac.sos.epdg.epc.mnc001.mcc505" + pub, "203.0.113.15"));
    dns.add(addr_rr("tac-lb21.tac-mb1a.tac-hb0b.5gstac.epdg.epc.mnc001.mcc505" + pub, "203.0.113.12"));
    dns.add(addr_rr("lac01ab.epdg.epc.mnc001.mcc505" + pub, "203.0.113.13"));
    dns.add(addr_rr("epdg.epc.mnc015.mcc234" + pub, "198.51.100.15"));
    const std::string vc = "epdg.epc.mcc505.visited-country" + pub;
    dns.add(naptr_rr(vc, 10, 10, "a", "x-3gpp-epdg:x-s2b-gtp", "", "epdg.epc.mnc002.mcc505" + pub));
    dns.add(naptr_rr(vc, 20, 10, "a", "x-3gpp-epdg:x-s2b-gtp", "", "epdg.epc.mnc001.mcc505" + pub));
    dns.add(naptr_rr(vc, 30, 10, "s", "x-3gpp-epdg:x-s2b-gtp", "", "_x._udp.mnc009.mcc505" + pub));  // not "a"
    return dns;
}

std::vector<std::string> tried(const EpdgSelectResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.tried) out.push_back(c.fqdn);
    return out;
}

}  // namespace

TEST_CASE("the ePDG PLMN list follows the carrier's PLMN priority", "[epdg][aosp]") {
    EpdgSelectInput in;
    in.home = P("505-01");
    in.ehplmns = {P("505-03"), P("505-01")};
    in.registered = P("505-02");
    CHECK(epdg_plmn_list(in) == std::vector<Plmn>{P("505-01"), P("505-03")});  // RPLMN not in selection info
    in.selection_info = {P("505-02")};
    CHECK(epdg_plmn_list(in) == std::vector<Plmn>{P("505-02"), P("505-01"), P("505-03")});
    in.plmn_priority = {EpdgPlmnSource::EhplmnFirst, EpdgPlmnSource::Hplmn};
    CHECK(epdg_plmn_list(in) == std::vector<Plmn>{P("505-03"), P("505-01")});
}

TEST_CASE("ePDG names are tried in the order of AOSP EpdgSelector", "[epdg][aosp]") {
    const std::string pub = ".pub.3gppnetwork.org";
    struct Case {
        const char* name;
        EpdgSelectInput in;
        std::vector<std::string> tried;
        std::vector<std::string> addresses;
    };
    auto home = [] {
        EpdgSelectInput in;
        in.home = P("505-01");
        in.ipv6 = false;
        return in;
    };
    std::vector<Case> cases;
    cases.push_back({"home network, PLMN method", home(), {"epdg.epc.mnc001.mcc505" + pub}, {"203.0.113.1"}});
    {
        auto in = home();
        in.emergency = true;
        cases.push_back({"emergency: the sos. name first, then the ordinary one",
                         in,
                         {"sos.epdg.epc.mnc001.mcc505" + pub, "epdg.epc.mnc001.mcc505" + pub},
                         {"203.0.113.5", "203.0.113.1"}});
    }
    {
        auto in = home();
        in.methods = {EpdgMethod::CellularLoc, EpdgMethod::Plmn};
        in.tac = 0x0b1a;
        in.tac_5gs = 0x0b1a21;
        in.lac = 0x01ab;
        cases.push_back({"cellular location first when the carrier says so: LAC, TAC, 5GS TAC",
                         in,
                         {"lac01ab.epdg.epc.mnc001.mcc505" + pub, "tac-lb1a.tac-hb0b.tac.epdg.epc.mnc001.mcc505" + pub,
                          "tac-lb21.tac-mb1a.tac-hb0b.5gstac.epdg.epc.mnc001.mcc505" + pub,
                          "epdg.epc.mnc001.mcc505" + pub},
                         {"203.0.113.13", "203.0.113.11", "203.0.113.12", "203.0.113.1"}});
    }
    {
        auto in = home();
        in.methods = {EpdgMethod::CellularLoc};
        in.emergency = true;
        in.tac = 0x0b1a;
        cases.push_back({"emergency tracking-area name",
                         in,
                         {"tac-lb1a.tac-hb0b.tac.sos.epdg.epc.mnc001.mcc505" + pub},
                         {"203.0.113.15"}});
    }
    {
        // A UK SIM on Wi-Fi in Australia, registered over 3GPP to 505-01,
        // which its carrier lists as ePDG selection information.
        EpdgSelectInput in;
        in.home = P("234-15");
        in.ipv6 = false;
        in.visited_mcc = "505";
        in.registered = P("505-01");
        in.selection_info = {P("505-01")};
        in.methods = {EpdgMethod::VisitedCountry, EpdgMethod::Plmn};
        cases.push_back({"visited country: registered PLMN, NAPTR, its targets by preference, then PLMN method",
                         in,
                         {"epdg.epc.mnc001.mcc505" + pub, "epdg.epc.mcc505.visited-country" + pub,
                          "epdg.epc.mnc001.mcc505" + pub, "epdg.epc.mnc002.mcc505" + pub,
                          "epdg.epc.mnc001.mcc505" + pub, "epdg.epc.mnc015.mcc234" + pub},
                         {"203.0.113.1", "203.0.113.20", "198.51.100.15"}});
    }
    {
        EpdgSelectInput in;
        in.home = P("234-15");
        in.ipv6 = false;
        in.visited_mcc = "505";
        in.methods = {EpdgMethod::VisitedCountry, EpdgMethod::Plmn};
        cases.push_back({"visited country, Wi-Fi only: the NAPTR targets in NAPTR order",
                         in,
                         {"epdg.epc.mcc505.visited-country" + pub, "epdg.epc.mnc002.mcc505" + pub,
                          "epdg.epc.mnc001.mcc505" + pub, "epdg.epc.mnc015.mcc234" + pub},
                         {"203.0.113.20", "203.0.113.1", "198.51.100.15"}});
    }
    {
        EpdgSelectInput in;
        in.home = P("234-15");
        in.ipv6 = false;
        in.visited_mcc = "505";
        cases.push_back({"visited country not among the carrier's methods: home PLMN only",
                         in,
                         {"epdg.epc.mnc015.mcc234" + pub},
                         {"198.51.100.15"}});
    }
    for (auto& c : cases) {
        INFO(c.name);
        FakeDns dns = zone();
        auto r = run(select_epdg(dns, c.in));
        CHECK(tried(r) == c.tried);
        CHECK(r.addresses == c.addresses);
    }
}

TEST_CASE("the visited-country NAPTR reports its \"a\" targets; AAAA joins A", "[epdg][aosp]") {
    FakeDns dns = zone();
    EpdgSelectInput in;
    in.home = P("505-01");
    auto r = run(select_epdg(dns, in));
    REQUIRE(r.tried.size() == 1);
    CHECK(r.tried[0].addresses == std::vector<std::string>{"203.0.113.1", "2001:db8::1"});
    CHECK(r.tried[0].status == LookupStatus::Ok);

    in.home = P("234-15");
    in.visited_mcc = "505";
    in.methods = {EpdgMethod::VisitedCountry};
    auto v = run(select_epdg(dns, in));
    REQUIRE_FALSE(v.tried.empty());
    CHECK(v.tried[0].qtype == "NAPTR");
    CHECK(v.tried[0].addresses ==
          std::vector<std::string>{"epdg.epc.mnc002.mcc505.pub.3gppnetwork.org", "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org"});
    in.home = P("505-09");
    in.visited_mcc.reset();
    in.methods = {EpdgMethod::Plmn};
    auto none = run(select_epdg(dns, in));
    CHECK(none.addresses.empty());
    CHECK(none.tried.at(0).status == LookupStatus::NxDomain);
}
