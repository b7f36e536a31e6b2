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
