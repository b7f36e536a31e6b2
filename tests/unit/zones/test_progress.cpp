// The progress counters (progress.hpp): what the loaders and the database write advance, and the line a
// terminal shows from them.
#include <catch2/catch.hpp>
#include <string>

#include "enumd/zones/progress.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using namespace enumd::zones;
using enumd::testing::TempDir;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the progress line names the phase, the counts and the share of bytes", "[progress]") {
    Progress p;
    CHECK(p.line().empty());  // Idle: nothing to show
    p.phase(Progress::Phase::Reading);
    const auto base = p.add_source(2000000);
    CHECK(base == 0);
    CHECK(p.add_source(2000000) == 2000000);  // a second file follows the first
    p.at(1000000);
    p.read(1234567);
    const std::string reading = p.line();
    CHECK(has(reading, "reading 1,234,567 records"));
    CHECK(has(reading, "25% of 4.0 MB"));
    p.phase(Progress::Phase::Checking);
    CHECK(has(p.line(), "checking 1,234,567 records, 0:00"));
    p.write_restarted();
    CHECK(has(p.line(), "building names from 1,234,567 records"));
    p.to_write(10);
    p.phase(Progress::Phase::Writing);
    p.wrote(4);
    CHECK(has(p.line(), "writing 4 of 10 names"));
    p.write_restarted();  // MDB_MAP_FULL: the names are written again
    p.to_write(10);
    p.phase(Progress::Phase::Writing);
    CHECK(has(p.line(), "writing 0 of 10 names"));
    p.reset();
    CHECK(p.line().empty());
}

TEST_CASE("a compile advances the process's progress from reading to writing", "[progress]") {
    TempDir dir;
    std::string text =
        "$ORIGIN e164.arpa.\n$TTL 3600\n@ IN SOA ns1.example.net. h.example.net. 1 3600 600 604800 300\n"
        "@ IN NS ns1.example.net.\n";
    for (int i = 0; i < 50; ++i)
        text += std::to_string(i % 10) + "." + std::to_string(i / 10) +
                ".1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:x@example.net!\" .\n";
    const std::string zone = dir.write("z.zone", text);
    progress().reset();
    Diagnostics diags;
    auto zones = load_zone_files({zone}, diags);
    REQUIRE_FALSE(diags.has_errors());
    CHECK(has(progress().line(), "checking 52 records"));  // SOA, NS and 50 NAPTRs read, then validated
    auto store = Store::open((dir.path / "db").string());
    REQUIRE(store);
    REQUIRE((*store)->write(zones, WriteOptions{}));
    // Every name written: the apex, the 50 numbers and the empty non-terminals above them.
    const std::string line = progress().line();
    CHECK(has(line, "writing "));
    CHECK(has(line, " names"));
    progress().reset();
}
