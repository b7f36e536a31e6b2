// TS 23.003 names built from a PLMN.
#include <catch2/catch.hpp>

#include <map>

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

TEST_CASE("ePDG names in their emergency, 5GS TAC and LAC forms", "[gpp][fqdn][epdg]") {
    constexpr auto sos = EpdgUse::Emergency;
    struct Case {
        std::string got, want;
    };
    const std::vector<Case> cases = {
        // TS 23.003 §19.4.2.9; "sos." below the TAC/LAC labels, as AOSP EpdgSelector builds them.
        {epdg_fqdn(P("234-15"), sos), "sos.epdg.epc.mnc015.mcc234.pub.3gppnetwork.org"},
        {*epdg_visited_country_fqdn("234", sos), "sos.epdg.epc.mcc234.visited-country.pub.3gppnetwork.org"},
        {epdg_tai_fqdn(P("505-02"), 0x0b1a, sos), "tac-lb1a.tac-hb0b.tac.sos.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {epdg_lai_fqdn(P("505-02"), 0x01ab, sos), "lac01ab.sos.epdg.epc.mnc002.mcc505.pub.3gppnetwork.org"},
        {*epdg_5gs_tai_fqdn(P("345-12"), 0x0b1a21),
         "tac-lb21.tac-mb1a.tac-hb0b.5gstac.epdg.epc.mnc012.mcc345.pub.3gppnetwork.org"},
        {*epdg_5gs_tai_fqdn(P("345-12"), 0x0b1a21, sos),
         "tac-lb21.tac-mb1a.tac-hb0b.5gstac.sos.epdg.epc.mnc012.mcc345.pub.3gppnetwork.org"},
        {*epdg_5gs_tai_fqdn(P("345-12"), 0x000001), "tac-lb01.tac-mb00.tac-hb00.5gstac.epdg.epc.mnc012.mcc345.pub.3gppnetwork.org"},
    };
    for (const auto& c : cases) CHECK(c.got == c.want);
}

TEST_CASE("N3IWF names follow the ePDG pattern under n3iwf.5gc", "[gpp][fqdn][n3iwf]") {
    struct Case {
        std::string got, want;
    };
    // TS 23.003 §28.3.2.2.2-§28.3.2.2.4, MCC 345 MNC 12 and TAC 0x0b1a21 / 0x1a21 as in its examples.
    const std::vector<Case> cases = {
        {n3iwf_fqdn(P("345-12")), "n3iwf.5gc.mnc012.mcc345.pub.3gppnetwork.org"},
        {n3iwf_tai_fqdn(P("345-12"), 0x1a21), "tac-lb21.tac-hb1a.tac.n3iwf.5gc.mnc012.mcc345.pub.3gppnetwork.org"},
        {*n3iwf_5gs_tai_fqdn(P("345-12"), 0x0b1a21),
         "tac-lb21.tac-mb1a.tac-hb0b.5gstac.n3iwf.5gc.mnc012.mcc345.pub.3gppnetwork.org"},
        {*n3iwf_visited_country_fqdn("345"), "n3iwf.5gc.mcc345.visited-country.pub.3gppnetwork.org"},
    };
    for (const auto& c : cases) CHECK(c.got == c.want);
}

TEST_CASE("5GC names: home domain, NRF, NSSF, 5GS TAI, AMF set and instance, SMF set, SEPP", "[gpp][fqdn][5gc]") {
    struct Case {
        std::string got, want;
    };
    const std::vector<Case> cases = {
        {fivegc_domain(P("345-12")), "5gc.mnc012.mcc345.3gppnetwork.org"},  // TS 23.003 §28.2 example
        {nrf_fqdn(P("345-12")), "nrf.5gc.mnc012.mcc345.3gppnetwork.org"},
        {nssf_fqdn(P("345-12")), "nssf.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*fivegs_tai_fqdn(P("345-12"), 0x0b1a21), "tac-lb21.tac-mb1a.tac-hb0b.5gstac.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*amf_set_fqdn(P("345-12"), 0x48, 0x001), "set001.region48.amfset.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*amf_set_fqdn(P("001-02"), 0x01, 0x002), "set002.region01.amfset.5gc.mnc002.mcc001.3gppnetwork.org"},
        {*amf_set_fqdn(P("345-12"), 0xff, 0x3ff), "set3ff.regionff.amfset.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*amf_instance_fqdn(P("345-12"), 0x48, 0x001, 0x01),
         "pt01.set001.region48.amfi.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*amf_instance_fqdn(P("345-12"), 0x48, 0x001, 0x3f),
         "pt3f.set001.region48.amfi.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*amf_name_fqdn(P("345-12"), "amf1"), "amf1.amf.5gc.mnc012.mcc345.3gppnetwork.org"},  // TS 23.003 §28.3.2.5
        {*smf_set_fqdn(P("345-12"), "xyz"), "setxyz.smfset.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*sepp_fqdn(P("345-12")), "sepp.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*sepp_fqdn(P("345-12"), "1"), "sepp1.5gc.mnc012.mcc345.3gppnetwork.org"},
        {*sepp_telescopic_fqdn("nrf-5gc-mnc045-mcc678", "sepp1.5gc.mnc012.mcc345.3gppnetwork.org"),
         "nrf-5gc-mnc045-mcc678.sepp1.5gc.mnc012.mcc345.3gppnetwork.org"},
    };
    for (const auto& c : cases) CHECK(c.got == c.want);
}

TEST_CASE("5GC and 5GS TAC builders refuse values wider than their fields", "[gpp][fqdn][5gc]") {
    CHECK_FALSE(epdg_5gs_tai_fqdn(P("345-12"), 0x1000000).ok());
    CHECK_FALSE(n3iwf_5gs_tai_fqdn(P("345-12"), 0x1000000).ok());
    CHECK_FALSE(fivegs_tai_fqdn(P("345-12"), 0x1000000).ok());
    CHECK_FALSE(amf_set_fqdn(P("345-12"), 1, 0x400).ok());
    CHECK_FALSE(amf_instance_fqdn(P("345-12"), 1, 1, 0x40).ok());
    CHECK_FALSE(amf_name_fqdn(P("345-12"), "").ok());
    CHECK_FALSE(amf_name_fqdn(P("345-12"), "amf1.west").ok());
    CHECK_FALSE(amf_name_fqdn(P("345-12"), "-amf").ok());
    CHECK_FALSE(smf_set_fqdn(P("345-12"), "").ok());
    CHECK_FALSE(smf_set_fqdn(P("345-12"), "a.b").ok());
    CHECK_FALSE(sepp_fqdn(P("345-12"), "x.y").ok());
    CHECK_FALSE(sepp_telescopic_fqdn("a.b", "sepp.5gc.mnc012.mcc345.3gppnetwork.org").ok());
    CHECK_FALSE(n3iwf_visited_country_fqdn("34").ok());
    CHECK_FALSE(epdg_visited_country_fqdn("3a5", EpdgUse::Emergency).ok());
}

TEST_CASE("gpp_names_for lists every name, the optional ones only with their inputs", "[gpp][fqdn]") {
    auto plain = gpp_names_for(P("505-01"), {});
    REQUIRE(plain.ok());
    std::vector<std::string> keys;
    for (const auto& n : *plain) keys.push_back(n.key);
    CHECK(keys == std::vector<std::string>{"epdg", "epdg.sos", "epdg.visited-country", "epdg.visited-country.sos",
                                           "n3iwf", "n3iwf.visited-country", "5gc", "nrf", "nssf", "sepp", "epc",
                                           "apn-oi", "ims", "pcscf", "icscf", "scscf"});
    GppNameInputs in;
    in.tac = 0x0b1a;
    in.tac_5gs = 0x0b1a21;
    in.lac = 0x01ab;
    in.amf = GppNameInputs::Amf{0x48, 0x001, 0x01};
    in.amf_id = "amf1";
    in.apn_ni = "internet";
    auto all = gpp_names_for(P("505-01"), in);
    REQUIRE(all.ok());
    std::map<std::string, std::string> by_key;
    for (const auto& n : *all) {
        CHECK_THAT(n.clause, Catch::StartsWith("TS 23.003 "));
        CHECK(enumd::dns::Name::from_text(n.fqdn).ok());
        by_key[n.key] = n.fqdn;
    }
    CHECK(all->size() == 30);
    const auto plmn = P("505-01");
    struct Case {
        const char* key;
        std::string want;
    };
    const Case cases[] = {
        {"epdg.tai.sos", epdg_tai_fqdn(plmn, 0x0b1a, EpdgUse::Emergency)},
        {"epdg.5gs-tai", *epdg_5gs_tai_fqdn(plmn, 0x0b1a21)},
        {"epdg.lai", epdg_lai_fqdn(plmn, 0x01ab)},
        {"n3iwf.5gs-tai", *n3iwf_5gs_tai_fqdn(plmn, 0x0b1a21)},
        {"5gs-tai", *fivegs_tai_fqdn(plmn, 0x0b1a21)},
        {"amf.name", *amf_name_fqdn(plmn, "amf1")},
        {"amf.set", *amf_set_fqdn(plmn, 0x48, 0x001)},
        {"amf.instance", *amf_instance_fqdn(plmn, 0x48, 0x001, 0x01)},
        {"tai", tai_fqdn(plmn, 0x0b1a)},
        {"apn", *apn_fqdn("internet", plmn)},
    };
    for (const auto& c : cases) CHECK(by_key[c.key] == c.want);
    in.amf->pointer = 0x40;
    auto bad = gpp_names_for(plmn, in);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error(), Catch::StartsWith("amf.instance: "));
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
