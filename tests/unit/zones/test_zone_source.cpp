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
