// `enumctl export --db DIR --yaml OUT.yaml` (backup.hpp): a zone as it is served — file data and live
// changes — as a YAML zone plus a CSV of its routed numbers, which compile back to the same zone.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "enumd/zones/backup.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using namespace enumd;
using enumd::testing::N;
using enumd::testing::TempDir;
using enumd::testing::yaml_head;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

zones::Zone load(const std::string& path) {
    zones::Diagnostics d;
    auto z = zones::load_yaml_zone(path, d);
    INFO(enumd::testing::all_diags(d));
    REQUIRE(z.has_value());
    REQUIRE_FALSE(d.has_errors());
    return *z;
}

/// Every node of the zone as text, the SOA's serial aside (a backup carries it as min_serial).
std::string served(zones::Store& store) {
    std::string dump = enumd::testing::dump_zone(store, N("1.6.e164.arpa."));
    auto soa = dump.find("SOA 3600 ");
    REQUIRE(soa != std::string::npos);
    auto eol = dump.find('\n', soa);
    return dump.erase(soa, eol - soa);
}

}  // namespace

TEST_CASE("a backup of a served zone compiles back to the same zone, live changes included", "[backup][store]") {
    TempDir src("enumd-backup-src");
    // Route sets with and without {rn}, CSV numbers, YAML numbers (one on a route, one with its own TTL,
    // one with its own records), a prefix range on a route with a CSV number inside it.
    std::string csv = "number,route,rn\n";
    for (int i = 0; i < 200; ++i) {
        std::string n = "+6135550" + std::to_string(1000 + i);
        csv += n + (i % 10 == 0 ? ",ported,+61400000" + std::to_string(100 + i) : ",telstra,") + "\n";
    }
    csv += "+61255502345,optus,\n";  // inside the range +61255502*
    src.write("n.csv", csv);
    const std::string top =
        src.write("zone.yaml", yaml_head("1.6.e164.arpa.", "ns1.example.net.") +
                                   "routes:\n"
                                   "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
                                   "            {uri: \"sip:{number}@backup.telstra.example\", order: 20}]\n"
                                   "  optus.main: {uri: \"sip:{digits}@optus.example\", preference: 50}\n"
                                   "  optus: {uri: \"sip:{digits}@optus.example\"}\n"
                                   "  ported: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
                                   "numbers:\n"
                                   "  - {number: \"+61 2 5550 2*\", route: telstra}\n"
                                   "  - {number: \"+61 3 5550 0100\", naptr: \"sip:yaml@x.example\"}\n"
                                   "  - {number: \"+61 3 5550 0101\", route: optus.main}\n"
                                   "  - {number: \"+61 3 5550 0102\", route: optus, ttl: 60}\n"
                                   "numbers_csv: n.csv\n");
    TempDir db_dir("enumd-backup-db");
    auto store = zones::Store::open(db_dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({load(top)}).ok());
    // Live changes: a number ported (route with an rn), one given its own NAPTR, one deleted, a new one.
    auto applied = (*store)->apply(N("1.6.e164.arpa."),
                                   {zones::Change::set_route("+61355501005", "ported", "+61 4 1111 2222"),
                                    zones::Change::set_naptr("+61355501006", {zones::Naptr{10, 100, "u", "E2U+sip",
                                                                                           "!^.*$!sip:own@x.example!",
                                                                                           N(".")}}),
                                    zones::Change::delete_number("+61355501007"),
                                    zones::Change::set_route("+61355509999", "telstra")});
    REQUIRE(applied.ok());
    const std::string before = served(**store);

    TempDir out("enumd-backup-out");
    const std::string yaml_path = (out.path / "backup.yaml").string();
    auto report = zones::write_backup(**store, N("1.6.e164.arpa."), yaml_path, zones::ImportOptions{});
    REQUIRE(report.ok());
    CHECK(report->routes == 4);
    // Routed numbers go to the CSV, the live ones too; a number with its own TTL, its own records or inside
    // the range (stored as records there) does not.
    const std::string rows = read_all((out.path / "backup.csv").string());
    CHECK(rows.rfind("number,route,rn\n", 0) == 0);
    CHECK(rows.find("+61355501005,ported,+61411112222\n") != std::string::npos);
    CHECK(rows.find("+61355509999,telstra,\n") != std::string::npos);
    CHECK(rows.find("+61355500101,optus.main,\n") != std::string::npos);
    CHECK(rows.find("+61355501006,") == std::string::npos);
    CHECK(rows.find("+61355501007,") == std::string::npos);
    CHECK(rows.find("+61355500102,") == std::string::npos);
    CHECK(report->csv_numbers >= 195);
    CHECK(read_all(yaml_path).find("numbers_csv: backup.csv\n") != std::string::npos);

    TempDir again_dir("enumd-backup-again");
    auto again = zones::Store::open(again_dir.path.string());
    REQUIRE(again.ok());
    auto written = (*again)->write({load(yaml_path)});
    REQUIRE(written.ok());
    CHECK(written->zones.at(0).serial >= report->serial);
    CHECK(served(**again) == before);
}
