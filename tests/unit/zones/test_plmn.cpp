#include <catch2/catch.hpp>

#include "enumd/zones/plmn.hpp"

using namespace enumd::zones;

TEST_CASE("PLMN names pad the MNC to three digits but keep the text as written", "[plmn]") {
    struct Case {
        const char* mcc;
        const char* mnc;
        const char* epdg;
        const char* ims;
    };
    const Case cases[] = {
        {"505", "01", "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", "ims.mnc001.mcc505.3gppnetwork.org."},
        {"505", "001", "epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", "ims.mnc001.mcc505.3gppnetwork.org."},
        {"310", "260", "epdg.epc.mnc260.mcc310.pub.3gppnetwork.org.", "ims.mnc260.mcc310.3gppnetwork.org."},
        {"234", "15", "epdg.epc.mnc015.mcc234.pub.3gppnetwork.org.", "ims.mnc015.mcc234.3gppnetwork.org."},
    };
    for (const auto& c : cases) {
        INFO(c.mcc << "-" << c.mnc);
        Plmn p{c.mcc, c.mnc};
        CHECK_FALSE(check_plmn(c.mcc, c.mnc).has_value());
        CHECK(epdg_name(p).to_text() == c.epdg);
        CHECK(ims_domain(p).to_text() == c.ims);
        CHECK(p.to_text() == std::string(c.mcc) + "-" + c.mnc);
    }
}

TEST_CASE("MCC and MNC digits are checked", "[plmn]") {
    struct Case {
        const char* mcc;
        const char* mnc;
        const char* message;
    };
    const Case cases[] = {
        {"50", "01", "MCC '50' must be exactly 3 digits"}, {"5o5", "01", "MCC '5o5' must be exactly 3 digits"},
        {"505", "1", "MNC '1' must be 2 or 3 digits"},     {"505", "0001", "MNC '0001' must be 2 or 3 digits"},
        {"505", "0a", "MNC '0a' must be 2 or 3 digits"},
    };
    for (const auto& c : cases) {
        INFO(c.mcc << "-" << c.mnc);
        auto why = check_plmn(c.mcc, c.mnc);
        REQUIRE(why.has_value());
        CHECK_THAT(*why, Catch::StartsWith(c.message));
    }
}
