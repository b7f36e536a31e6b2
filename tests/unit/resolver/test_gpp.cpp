// TS 23.003 names and IMSI → PLMN.
#include <catch2/catch.hpp>

#include "enumd/resolver/gpp.hpp"

using namespace enumd::resolver;

namespace {
Plmn P(const char* mcc, const char* mnc) { return *Plmn::make(mcc, mnc); }
}  // namespace

TEST_CASE("PLMNs keep the MNC as written: 57 and 057 differ but share mnc057", "[gpp][plmn]") {
    CHECK_FALSE(P("505", "57") == P("505", "057"));
    CHECK(P("505", "57").mnc3() == "057");
    CHECK(P("505", "057").mnc3() == "057");
    CHECK(epdg_fqdn(P("505", "57")) == epdg_fqdn(P("505", "057")));
    CHECK(Plmn::parse("505-01")->mnc() == "01");
    CHECK(Plmn::parse("505001")->mnc() == "001");
    CHECK(Plmn::parse("50501")->mnc() == "01");
    for (const char* bad : {"50-01", "505-1", "505-0001", "5050", "abc-01", "505-0a"}) {
        INFO(bad);
        CHECK_FALSE(Plmn::parse(bad).ok());
    }
}

TEST_CASE("TS 23.003 FQDN builders produce the specified names", "[gpp][fqdn]") {
    struct Case {
        std::string got, want;
    };
    const std::vector<Case> cases = {
        {epdg_fqdn(P("505", "01")), "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org"},
        {epdg_fqdn(P("310", "410")), "epdg.epc.mnc410.mcc310.pub.3gppnetwork.org"},
        {*epdg_visited_country_fqdn("505"), "epdg.epc.mcc505.visited-country.pub.3gppnetwork.org"},
        {epdg_tai_fqdn(P("505", "02"), 0x0b1a), "tac-lb1a.tac-hb0b.tac.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {epdg_lai_fqdn(P("505", "02"), 0x00ab), "lac00ab.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {ims_domain(P("001", "01")), "ims.mnc001.mcc001.3gppnetwork.org"},
        {*cscf_fqdn("pcscf", P("001", "01")), "pcscf.ims.mnc001.mcc001.3gppnetwork.org"},
        {*cscf_fqdn("scscf", P("001", "01"), false), "scscf.mnc001.mcc001.3gppnetwork.org"},
        {apn_operator_identifier(P("234", "15")), "mnc015.mcc234.gprs"},
        {*apn_fqdn("ims", P("505", "01")), "ims.apn.epc.mnc001.mcc505.3gppnetwork.org"},
        {epc_domain(P("234", "15")), "epc.mnc015.mcc234.3gppnetwork.org"},
        {tai_fqdn(P("505", "01"), 0x1234), "tac-lb34.tac-hb12.tac.epc.mnc001.mcc505.3gppnetwork.org"},
    };
    for (const auto& c : cases) CHECK(c.got == c.want);
    CHECK_FALSE(epdg_visited_country_fqdn("50").ok());
    CHECK_FALSE(cscf_fqdn("p.cscf", P("001", "01")).ok());
}

TEST_CASE("an IMSI alone is ambiguous about the MNC length unless configuration decides", "[gpp][imsi]") {
    auto table = MncLengthTable::builtin();
    auto r = imsi_to_plmn("5055710000001", table);
    REQUIRE(r.ok());
    CHECK(r->ambiguous());
    CHECK(r->two == P("505", "57"));
    CHECK(r->three == P("505", "571"));

    auto us = imsi_to_plmn("310410123456789", table);
    REQUIRE(us.ok());
    CHECK_FALSE(us->ambiguous());
    CHECK(*us->plmn == P("310", "410"));
    CHECK(us->basis == ImsiPlmn::Basis::MccConfig);

    CHECK(imsi_to_plmn("405854123456789", table)->ambiguous());  // India mixes lengths

    auto configured = table;
    configured.set_mcc("505", 2);
    CHECK(*imsi_to_plmn("5055710000001", configured)->plmn == P("505", "57"));
    configured.add_plmn(P("505", "571"));
    auto o = imsi_to_plmn("5055710000001", configured);
    CHECK(*o->plmn == P("505", "571"));
    CHECK(o->basis == ImsiPlmn::Basis::PlmnOverride);

    CHECK(*imsi_to_plmn("5055710000001", 3) == P("505", "571"));
    CHECK_FALSE(imsi_to_plmn("50557x0000001", 2).ok());
    CHECK_FALSE(imsi_to_plmn("5055710000001", 4).ok());
}

TEST_CASE("MNC length configuration loads from text and reports bad lines", "[gpp][imsi]") {
    auto t = MncLengthTable::builtin();
    REQUIRE(t.load("# operators\n505 2\n405 mixed   # India\n 234-015 \n").ok());
    CHECK(*imsi_to_plmn("5055710000001", t)->plmn == P("505", "57"));
    CHECK(*imsi_to_plmn("234015123456789", t)->plmn == P("234", "015"));
    CHECK(imsi_to_plmn("405854123456789", t)->ambiguous());
    auto bad = t.load("505 2\n505 4\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().rfind("line 2:", 0) == 0);
    CHECK_FALSE(t.load("50-1\n").ok());
}
