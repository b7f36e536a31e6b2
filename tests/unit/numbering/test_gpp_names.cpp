// TS 23.003 names built from a PLMN.
#include <catch2/catch.hpp>

#include "enumd/dns/name.hpp"
#include "enumd/numbering/gpp_names.hpp"

using namespace enumd::numbering;

namespace {
/// A PLMN from its "MCC-MNC" text.
Plmn P(std::string_view mcc_mnc) {
    return *Plmn::parse(mcc_mnc);
}
}  // namespace

TEST_CASE("TS 23.003 FQDN builders produce the specified names", "[gpp][fqdn]") {
    struct Case {
        std::string got, want;
    };
    const std::vector<Case> cases = {
        {epdg_fqdn(P("505-01")), "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org"},
        {epdg_fqdn(P("310-410")), "epdg.epc.mnc410.mcc310.pub.3gppnetwork.org"},
        {*epdg_visited_country_fqdn("505"), "epdg.epc.mcc505.visited-country.pub.3gppnetwork.org"},
        {epdg_tai_fqdn(P("505-02"), 0x0b1a), "tac-lb1a.tac-hb0b.tac.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {epdg_lai_fqdn(P("505-02"), 0x00ab), "lac00ab.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {epdg_lai_fqdn(P("505-02"), 0xfe01), "lacfe01.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {ims_domain(P("001-01")), "ims.mnc001.mcc001.3gppnetwork.org"},
        {ims_domain(P("234-15")), "ims.mnc015.mcc234.3gppnetwork.org"},
        {*cscf_fqdn("pcscf", P("001-01")), "pcscf.ims.mnc001.mcc001.3gppnetwork.org"},
        {*cscf_fqdn("scscf", P("001-01"), false), "scscf.mnc001.mcc001.3gppnetwork.org"},
        {apn_operator_identifier(P("234-15")), "mnc015.mcc234.gprs"},
        {*apn_fqdn("ims", P("505-01")), "ims.apn.epc.mnc001.mcc505.3gppnetwork.org"},
        {epc_domain(P("234-15")), "epc.mnc015.mcc234.3gppnetwork.org"},
        {tai_fqdn(P("505-01"), 0x1234), "tac-lb34.tac-hb12.tac.epc.mnc001.mcc505.3gppnetwork.org"},
    };
    for (const auto& c : cases) CHECK(c.got == c.want);
}

TEST_CASE("TS 23.003 builders refuse what cannot be a name", "[gpp][fqdn]") {
    CHECK_FALSE(epdg_visited_country_fqdn("50").ok());
    CHECK_FALSE(epdg_visited_country_fqdn("5o5").ok());
    CHECK_FALSE(cscf_fqdn("p.cscf", P("001-01")).ok());
    CHECK_FALSE(cscf_fqdn("", P("001-01")).ok());
    CHECK_FALSE(cscf_fqdn(std::string(64, 'a'), P("001-01")).ok());
    CHECK_FALSE(apn_fqdn("", P("505-01")).ok());
    CHECK_FALSE(apn_fqdn(std::string(64, 'a'), P("505-01")).ok());
}

TEST_CASE("TS 23.003 names are absolute DNS names as written", "[gpp][fqdn]") {
    auto n = enumd::dns::Name::from_text(epdg_fqdn(P("505-01")));
    REQUIRE(n.ok());
    CHECK(n->to_text() == "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.");
}
