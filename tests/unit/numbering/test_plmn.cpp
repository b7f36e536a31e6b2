// PLMN identities (TS 23.003 §2.2) and the PLMN of an IMSI.
#include <catch2/catch.hpp>

#include "enumd/numbering/gpp_names.hpp"
#include "enumd/numbering/plmn.hpp"

using namespace enumd::numbering;

namespace {
Plmn P(const char* mcc, const char* mnc) {
    return *Plmn::make(mcc, mnc);
}
}  // namespace

TEST_CASE("PLMNs keep the MNC as written: 57 and 057 differ but share mnc057", "[plmn]") {
    CHECK_FALSE(P("505", "57") == P("505", "057"));
    CHECK(P("505", "57").mnc3() == "057");
    CHECK(P("505", "057").mnc3() == "057");
    CHECK(P("505", "57").label_pair() == "mnc057.mcc505");
    CHECK(P("505", "57").to_text() == "505-57");
    CHECK(P("505", "057").to_text() == "505-057");
    CHECK(epdg_fqdn(P("505", "57")) == epdg_fqdn(P("505", "057")));
}

TEST_CASE("PLMNs parse from MCC-MNC text or the digits alone", "[plmn]") {
    struct Case {
        const char* text;
        const char* mcc;  // nullptr: refused
        const char* mnc;
    };
    const Case cases[] = {
        {"505-01", "505", "01"}, {"505 01", "505", "01"}, {"505/001", "505", "001"}, {"505001", "505", "001"},
        {"50501", "505", "01"},  {"50-01", nullptr, ""},  {"505-1", nullptr, ""},    {"505-0001", nullptr, ""},
        {"5050", nullptr, ""},   {"abc-01", nullptr, ""}, {"505-0a", nullptr, ""},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto p = Plmn::parse(c.text);
        if (c.mcc == nullptr) {
            CHECK_FALSE(p.ok());
        } else {
            REQUIRE(p.ok());
            CHECK(p->mcc() == c.mcc);
            CHECK(p->mnc() == c.mnc);
        }
    }
}

TEST_CASE("MCC and MNC digits are checked with a sentence naming the field", "[plmn]") {
    struct Case {
        const char* mcc;
        const char* mnc;
        const char* message;
    };
    const Case cases[] = {
        {"50", "01", "MCC '50' must be exactly 3 digits"}, {"5o5", "01", "MCC '5o5' must be exactly 3 digits"},
        {"505", "1", "MNC '1' must be 2 or 3 digits"},     {"505", "0001", "MNC '0001' must be 2 or 3 digits"},
        {"505", "0a", "MNC '0a' must be 2 or 3 digits"},   {"505", "", "MNC '' must be 2 or 3 digits"},
    };
    for (const auto& c : cases) {
        INFO(c.mcc << "-" << c.mnc);
        auto p = Plmn::make(c.mcc, c.mnc);
        REQUIRE_FALSE(p.ok());
        CHECK_THAT(p.error(), Catch::StartsWith(c.message));
    }
}

TEST_CASE("the shipped table decides an IMSI when its MCC has one MNC length or the prefix is a known PLMN",
          "[plmn][imsi]") {
    using B = ImsiPlmn::Basis;
    struct Case {
        const char* imsi;
        const char* mcc;
        const char* mnc;  ///< "" when ambiguous
        B basis;
    };
    const Case cases[] = {
        {"505011234567890", "505", "01", B::KnownMcc},    // Australia: only 2-digit MNCs (issue 14)
        {"234150123456789", "234", "15", B::KnownMcc},    // UK: only 2-digit MNCs (issue 14)
        {"234150999999999", "234", "15", B::KnownMcc},    // the IMSI of TS 23.003 §19.2's example
        {"5055710000001", "505", "57", B::KnownMcc},      // an unknown operator of a 2-digit country
        {"310410123456789", "310", "410", B::KnownMcc},   // USA: E.212 3 digits
        {"334020123456789", "334", "020", B::KnownMcc},   // Mexico: the XML's "02" corrected to E.212's 020
        {"722340123456789", "722", "340", B::KnownMcc},   // Argentina: the XML's stray "34" dropped
        {"208260123456789", "208", "26", B::KnownMcc},    // France: the XML's stray "260" dropped
        {"405854123456789", "", "", B::Ambiguous},        // India mixes lengths, 405-85/405-854 unknown
        {"405025123456789", "405", "025", B::KnownPlmn},  // India: a known 3-digit PLMN
        {"405511234567890", "405", "51", B::KnownPlmn},   // India: a known 2-digit PLMN
        {"502152123456789", "502", "152", B::KnownPlmn},  // Malaysia: an E.212 addition
        {"502121234567890", "502", "12", B::KnownPlmn},
        {"714020123456789", "714", "020", B::KnownPlmn},  // Panama mixes lengths
        {"714011234567890", "714", "01", B::KnownPlmn},
        {"714991234567890", "", "", B::Ambiguous},
        {"001011234567890", "", "", B::Ambiguous},  // test MCC 001: in no table
    };
    auto table = MncLengthTable::builtin();
    for (const auto& c : cases) {
        INFO(c.imsi);
        auto r = imsi_to_plmn(c.imsi, table);
        REQUIRE(r.ok());
        CHECK(r->basis == c.basis);
        if (c.mcc[0] == '\0') {
            CHECK(r->ambiguous());
        } else {
            REQUIRE_FALSE(r->ambiguous());
            CHECK(*r->plmn == P(c.mcc, c.mnc));
        }
    }
    // Without the shipped table nothing is known.
    CHECK(imsi_to_plmn("505011234567890", MncLengthTable{})->ambiguous());
}

TEST_CASE("configuration wins over the shipped table", "[plmn][imsi]") {
    auto table = MncLengthTable::builtin();
    auto r = imsi_to_plmn("5055710000001", table);
    REQUIRE(r.ok());
    CHECK(r->two == P("505", "57"));
    CHECK(r->three == P("505", "571"));
    CHECK(*r->plmn == P("505", "57"));

    auto configured = table;
    configured.set_mcc("505", 3);
    CHECK(*imsi_to_plmn("5055710000001", configured)->plmn == P("505", "571"));
    CHECK(imsi_to_plmn("5055710000001", configured)->basis == ImsiPlmn::Basis::MccConfig);
    configured.mark_mixed("505");  // mixed: only PLMNs decide — the shipped 505-01 still does
    CHECK(imsi_to_plmn("5055710000001", configured)->ambiguous());
    CHECK(*imsi_to_plmn("505011234567890", configured)->plmn == P("505", "01"));
    configured.add_plmn(P("505", "571"));
    auto o = imsi_to_plmn("5055710000001", configured);
    CHECK(*o->plmn == P("505", "571"));
    CHECK(o->basis == ImsiPlmn::Basis::PlmnOverride);
    configured.add_plmn(P("505", "57"));  // both configured: the 3-digit one (the longer match) wins
    CHECK(*imsi_to_plmn("5055710000001", configured)->plmn == P("505", "571"));

    CHECK(*imsi_to_plmn("5055710000001", 3) == P("505", "571"));
    CHECK_FALSE(imsi_to_plmn("50557x0000001", 2).ok());
    CHECK_FALSE(imsi_to_plmn("5055710000001", 4).ok());
    CHECK_FALSE(imsi_to_plmn("50557", 2).ok());
    CHECK_FALSE(imsi_to_plmn("5055710000001234", 2).ok());
}

TEST_CASE("the shipped table lists a country's operators by MNC", "[plmn]") {
    auto au = known_operators("505");
    REQUIRE(au.size() >= 3);
    CHECK(au.front().plmn == P("505", "01"));
    CHECK_THAT(au.front().name, Catch::Contains("Telstra"));
    for (std::size_t i = 1; i < au.size(); ++i) CHECK(au[i - 1].plmn.mnc() < au[i].plmn.mnc());
    for (const auto& o : known_operators("310")) CHECK(o.plmn.mnc().size() == 3);
    CHECK(known_operators("001").empty());
    CHECK(known_operators("50").empty());
    CHECK_FALSE(known_operators_version().empty());
}

TEST_CASE("MNC length configuration loads from text and reports bad lines", "[plmn][imsi]") {
    auto t = MncLengthTable::builtin();
    REQUIRE(t.load("# operators\n505 3\n405 mixed   # India\n 234-015 \n").ok());
    CHECK(*imsi_to_plmn("5055710000001", t)->plmn == P("505", "571"));
    CHECK(*imsi_to_plmn("234015123456789", t)->plmn == P("234", "015"));
    CHECK(imsi_to_plmn("405854123456789", t)->ambiguous());
    struct Case {
        const char* text;
        const char* message;
    };
    const Case cases[] = {
        {"505 2\n505 4\n", "line 2: MNC length must be 2, 3 or mixed, not '4'"},
        {"50-1\n", "line 1: "},
        {"505 2 3\n", "line 1: expected \"MCC 2|3|mixed\" or \"MCC-MNC\""},
        {"5o5 2\n", "line 1: expected"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto bad = t.load(c.text);
        REQUIRE_FALSE(bad.ok());
        CHECK_THAT(bad.error(), Catch::StartsWith(c.message));
    }
}
