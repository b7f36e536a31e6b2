#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "enumd/zones/zone_source.hpp"

using namespace enumd;
using namespace enumd::zones;

TEST_CASE("parse_zone_source reads [ORIGIN=]FILE as enumd --zone and enumctl compile take it", "[zone_source]") {
    struct Case {
        const char* text;
        bool ok;
        const char* origin;  // nullptr: none
        const char* file;
    };
    const Case cases[] = {
        {"zones/lab.yaml", true, nullptr, "zones/lab.yaml"},
        {"example.org=legacy.zone", true, "example.org.", "legacy.zone"},
        {"example.org.=/tmp/a.zone", true, "example.org.", "/tmp/a.zone"},
        {"1.6.e164.arpa.=dir/x=y.zone", true, "1.6.e164.arpa.", "dir/x=y.zone"},  // the first '=' splits
        {"example.org=", false, nullptr, ""},                                      // no file
        {"", false, nullptr, ""},
        {"a..b=zone", false, nullptr, ""},  // not a domain name
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto got = parse_zone_source(c.text);
        REQUIRE(got.has_value() == c.ok);
        if (!c.ok) continue;
        CHECK(got->file == c.file);
        CHECK(got->origin.has_value() == (c.origin != nullptr));
        if (c.origin != nullptr) CHECK(got->origin->to_text() == c.origin);
    }
}

TEST_CASE("a duplicate record is merged in a zone file but an error in YAML", "[zone_source]") {
    auto dir = std::filesystem::temp_directory_path() / ("enumd-zone-source-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string zone_file = (dir / "dup.zone").string();
    const std::string yaml_file = (dir / "dup.yaml").string();
    std::ofstream(zone_file) << "$ORIGIN example.net.\n$TTL 3600\n"
                                "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\n"
                                "ns1 IN A 192.0.2.1\nns1 IN A 192.0.2.1\n";
    std::ofstream(yaml_file) << "origin: example.net.\nttl: 3600\n"
                                "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
                                "ns: [ns1.example.net.]\n"
                                "records:\n"
                                "  - {name: ns1, type: A, data: 192.0.2.1}\n"
                                "  - {name: ns1, type: A, data: 192.0.2.1}\n";
    struct Case {
        std::string file;
        bool error;
        const char* text;
    };
    const Case cases[] = {
        {zone_file, false, "warning: zone example.net.: 1 duplicate record merged"},
        {yaml_file, true, "error: duplicate record ns1.example.net. A 192.0.2.1"},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        Diagnostics d;
        auto zones = load_zone_sources({ZoneSource{std::nullopt, c.file}}, d);
        std::string all;
        for (const auto& i : d.items) all += i.to_text() + "\n";
        INFO(all);
        CHECK(d.has_errors() == c.error);
        CHECK(all.find(c.text) != std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("deferred checks report what an undeferred load reports, in the same order; beside a write they keep "
          "a zone with errors from being switched to",
          "[zone_source][store]") {
    auto dir = std::filesystem::temp_directory_path() / ("enumd-zone-source-checks-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string head = "$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n";
    // a.zone: a merged duplicate (a load warning), a CNAME beside a NAPTR (a check of the structure) and a
    // regexp that does not compile (a check of the record); b.zone: NAPTRs
    // whose preferences look like weights (a check warning) and a merged duplicate.
    const std::string a_zone = (dir / "a.zone").string();
    const std::string b_zone = (dir / "b.zone").string();
    const std::string good = (dir / "good.zone").string();
    std::ofstream(a_zone) << head << "ns1 IN A 192.0.2.1\n"
                          << "x IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:x@example.net!\" .\n"
                          << "x IN CNAME ns1\n"
                          << "z IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^(.*$!sip:z@example.net!\" .\n";
    std::ofstream(b_zone) << head << "ns1 IN A 192.0.2.1\n"
                          << "y IN NAPTR 10 10 \"u\" \"E2U+sip\" \"!^.*$!sip:y1@example.net!\" .\n"
                          << "y IN NAPTR 10 20 \"u\" \"E2U+sip\" \"!^.*$!sip:y2@example.net!\" .\n";
    std::ofstream(good) << head << "x IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:good@example.net!\" .\n";
    const std::vector<ZoneSource> sources = {{*dns::Name::from_text("a.example."), a_zone},
                                             {*dns::Name::from_text("b.example."), b_zone}};
    auto text = [](const Diagnostics& d) {
        std::string all;
        for (const auto& i : d.items) all += i.to_text() + "\n";
        return all;
    };
    Diagnostics at_once;
    auto z1 = load_zone_sources(sources, at_once);
    Diagnostics later;
    DeferredChecks deferred;
    auto z2 = load_zone_sources(sources, later, deferred);
    REQUIRE(deferred.at.size() == 2);
    CHECK_FALSE(later.has_errors());  // the CNAME is the checks' finding
    run_checks(z2, later, deferred);
    INFO(text(at_once));
    CHECK(at_once.has_errors());
    CHECK(at_once.items.size() >= 4);
    CHECK(text(later) == text(at_once));
    // Both halves of the checks found something in a.zone (they run on two threads): the record half's
    // finding (the regexp, line 8) comes first, as validate_zone gives them.
    const std::string all = text(later);
    const auto regexp = all.find("a.zone:8");
    const auto cname = all.find("beside other data");
    CHECK(regexp != std::string::npos);
    CHECK(cname != std::string::npos);
    CHECK(regexp < cname);

    // Beside a write: the database keeps serving the good version of a.example.
    const std::string db = (dir / "db").string();
    auto store = Store::open(db);
    REQUIRE(store.ok());
    Diagnostics gd;
    DeferredChecks gdef;
    auto gz = load_zone_sources({{*dns::Name::from_text("a.example."), good}}, gd, gdef);
    auto first = write_checked(**store, gz, gd, gdef, {});
    REQUIRE(first.ok());
    CHECK_FALSE(gd.has_errors());
    Diagnostics bd;
    DeferredChecks bdef;
    auto bz = load_zone_sources({sources[0]}, bd, bdef);
    auto refused = write_checked(**store, bz, bd, bdef, {});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error() == kChecksFailed);
    CHECK(text(bd).find("a.zone:7") != std::string::npos);  // the CNAME's line, from the checks
    CHECK(text(bd).find("beside other data") != std::string::npos);
    auto rd = (*store)->reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    const ZoneInfo* zi = (*rd)->find_zone(*dns::Name::from_text("a.example."));
    REQUIRE(zi != nullptr);
    auto node = (*rd)->get(*zi, *dns::Name::from_text("x.a.example."));
    REQUIRE(node.has_value());
    CHECK(node->find(dns::RrType::NAPTR));
    CHECK_FALSE(node->find(dns::RrType::CNAME));
    (*rd)->release();
    (*rd).reset();
    (*store).reset();
    std::filesystem::remove_all(dir);
}
