// Reloads of unchanged files (issue 11 "stale content hash", zones/README.md
// "Reloads"): a zone with live overrides whose files did not change is neither
// parsed nor written by a reload — serial, live changes and IXFR history stay —
// while a real edit of any of its files (zone file, include, numbers_csv) is
// compiled, with the overrides applied on top and the serial moving forward.
#include <sys/stat.h>
#include <utime.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "enumd/zones/change.hpp"
#include "enumd/zones/source_hash.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/zone_source.hpp"
#include "zone_fixtures.hpp"

using enumd::testing::N;
using enumd::testing::TempDir;
using namespace enumd::zones;

namespace {

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

const std::string kZone =
    "origin: 1.6.e164.arpa.\n"
    "ttl: 600\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: auto}\n"
    "ns: [ns1.example.net.]\n"
    "routes:\n"
    "  telstra: \"sip:{number}@sip.telstra.example\"\n"
    "  optus: \"sip:{number}@sip.optus.example\"\n"
    "include: [more/extra.yaml]\n"
    "numbers_csv: numbers.csv\n";
const std::string kExtra = "numbers:\n  - {number: \"+61 3 5550 0001\", route: optus}\n";
const std::string kCsv = "number,route\n+61 2 5550 0001,telstra\n+61 2 5550 0002,telstra\n+61 2 5550 0003,optus\n";

struct Fixture {
    TempDir dir{"enumd-srchash"};
    TempDir db{"enumd-srchash-db"};
    std::unique_ptr<Store> store;
    std::vector<ZoneSource> sources;

    Fixture() {
        std::filesystem::create_directories(dir.path / "more");
        write_file(dir.path / "zone.yaml", kZone);
        write_file(dir.path / "more/extra.yaml", kExtra);
        write_file(dir.path / "numbers.csv", kCsv);
        // The files are older than the compile's start: their fingerprint is trusted (hash_sources).
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        sources.push_back(ZoneSource{std::nullopt, (dir.path / "zone.yaml").string()});
        auto s = Store::open(db.path.string());
        REQUIRE(s.ok());
        store = std::move(*s);
        REQUIRE(reload().zones.size() == 1);
    }
    /// What enumd's reload and enumctl compile do (load_changed_sources, then the write), minus logging.
    WriteReport reload() {
        ReloadPlan plan;
        Diagnostics d;
        auto zones = load_changed_sources(*store, sources, plan, d);
        REQUIRE(zones.ok());
        INFO(enumd::testing::all_diags(d));
        REQUIRE_FALSE(d.has_errors());
        WriteReport report;
        if (!zones->empty()) {
            WriteOptions opts;
            opts.prune_others = true;
            opts.serial_guard = true;
            opts.keep = plan.keep;
            auto w = store->write(*zones, opts);
            INFO((w.ok() ? std::string() : w.error()));
            REQUIRE(w.ok());
            report = *w;
        }
        report.zones.insert(report.zones.end(), plan.unchanged.begin(), plan.unchanged.end());
        return report;
    }
    ZoneMeta meta() {
        auto r = store->reader();
        REQUIRE(r.ok());
        REQUIRE((*r)->refresh());
        return (*r)->find_zone(N("1.6.e164.arpa."))->meta;
    }
    bool journal_from(std::uint32_t serial) {
        auto r = store->reader();
        REQUIRE(r.ok());
        REQUIRE((*r)->refresh());
        return (*r)->journal(*(*r)->find_zone(N("1.6.e164.arpa.")), serial).has_value();
    }
    std::string naptr_of(const std::string& owner) {
        auto z = store->load_zone(N("1.6.e164.arpa."));
        REQUIRE(z.ok());
        std::string out;
        for (const auto& r : z->records)
            if (r.owner.equals(N(owner)) && r.type == enumd::dns::RrType::NAPTR)
                out += std::string(r.rdata.begin(), r.rdata.end());
        return out;
    }
};

}  // namespace

TEST_CASE("a compile records the zone's source files and their fingerprint", "[reload]") {
    Fixture f;
    ZoneMeta m = f.meta();
    CHECK(m.source_hash != 0);
    REQUIRE(m.source_files.size() == 3);  // zone file, include, numbers_csv
    CHECK(m.source_files[0].find("zone.yaml") != std::string::npos);
    CHECK(m.source_files[1].find("extra.yaml") != std::string::npos);
    CHECK(m.source_files[2].find("numbers.csv") != std::string::npos);
}

TEST_CASE("a reload of unchanged files keeps the serial, the live change and the IXFR history", "[reload]") {
    Fixture f;
    const std::uint32_t s0 = f.meta().serial;
    auto applied = f.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61255500002", "optus")});
    REQUIRE(applied.ok());
    const std::uint32_t s1 = f.meta().serial;
    REQUIRE(s1 == s0 + 1);
    REQUIRE(f.journal_from(s0));
    const std::string live = f.naptr_of("2.0.0.0.0.5.5.5.2.1.6.e164.arpa.");
    CHECK(live.find("optus") != std::string::npos);

    // Same bytes, new timestamps (touch): still unchanged — the bytes decide, not the mtime.
    REQUIRE(::utime((f.dir.path / "numbers.csv").c_str(), nullptr) == 0);
    for (int i = 0; i < 3; ++i) {
        auto report = f.reload();
        REQUIRE(report.zones.size() == 1);
        CHECK_FALSE(report.zones[0].changed);
        CHECK(report.zones[0].serial == s1);
        CHECK(report.zones[0].history_cut.empty());
        CHECK(f.meta().serial == s1);
        CHECK(f.journal_from(s0));  // IXFR from the serial before the live change is still answered
        CHECK(f.naptr_of("2.0.0.0.0.5.5.5.2.1.6.e164.arpa.") == live);
    }
}

TEST_CASE("an edit of any source file is compiled, overrides on top, serial forward", "[reload]") {
    struct Case {
        const char* file;
        std::string text;
    };
    const std::vector<Case> cases = {
        {"zone.yaml", kZone + "# a comment changes the bytes\n"},
        {"more/extra.yaml", "numbers:\n  - {number: \"+61 3 5550 0001\", route: telstra}\n"},
        {"numbers.csv", kCsv + "+61 2 5550 0004,telstra\n"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.file) {
            Fixture f;
            REQUIRE(f.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61255500002", "optus")}).ok());
            const std::uint32_t s1 = f.meta().serial;
            const std::uint64_t h1 = f.meta().source_hash;
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            write_file(f.dir.path / c.file, c.text);
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            auto report = f.reload();
            REQUIRE(report.zones.size() == 1);
            CHECK(report.zones[0].changed);
            CHECK(report.zones[0].serial == s1 + 1);
            CHECK(f.meta().source_hash != h1);
            // The live change is still served over the edited file.
            CHECK(f.naptr_of("2.0.0.0.0.5.5.5.2.1.6.e164.arpa.").find("optus") != std::string::npos);
            // The zone has numbers_csv: the recompile is journaled all the same (the stored versions compared),
            // so secondaries follow by IXFR.
            CHECK(report.zones[0].history_cut.empty());
            CHECK(f.journal_from(s1));
            // And the next reload of the edited files is a no-op again.
            auto again = f.reload();
            CHECK_FALSE(again.zones[0].changed);
            CHECK(f.meta().serial == s1 + 1);
        }
    }
}

TEST_CASE("dropping the overrides makes the next reload compile the file alone", "[reload]") {
    Fixture f;
    REQUIRE(f.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61255500002", "optus")}).ok());
    REQUIRE(f.store->drop_overrides(N("1.6.e164.arpa.")).ok());
    auto report = f.reload();
    REQUIRE(report.zones.size() == 1);
    CHECK(report.zones[0].changed);
    CHECK(f.naptr_of("2.0.0.0.0.5.5.5.2.1.6.e164.arpa.").find("telstra") != std::string::npos);
}

TEST_CASE("a file changed while it was parsed gets no fingerprint", "[reload]") {
    TempDir dir{"enumd-srchash"};
    write_file(dir.path / "a.csv", kCsv);
    const std::vector<std::string> files{(dir.path / "a.csv").string()};
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const std::int64_t started = source_clock_now();
    CHECK(hash_sources("x", files, started).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    write_file(dir.path / "a.csv", kCsv + "+61 2 5550 0009,telstra\n");
    CHECK_FALSE(hash_sources("x", files, started).has_value());
    // Without the check the bytes decide; a missing file has no fingerprint.
    CHECK(hash_sources("x", files).has_value());
    CHECK(hash_sources("x", files) != hash_sources("y", files));
    CHECK_FALSE(hash_sources("x", {(dir.path / "gone.csv").string()}).has_value());
}

TEST_CASE("a changed file that now defines an unchanged file's zone is checked against it", "[reload]") {
    Fixture f;
    // A second file, compiled once with a zone of its own, then edited to define 1.6.e164.arpa. too.
    const auto other = f.dir.path / "other.yaml";
    write_file(other, "origin: 2.6.e164.arpa.\nsoa: {mname: ns1.example.net., rname: h.example.net., serial: 1}\n"
                      "ns: [ns1.example.net.]\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    f.sources.push_back(ZoneSource{std::nullopt, other.string()});
    REQUIRE(f.reload().zones.size() == 2);
    write_file(other, "origin: 1.6.e164.arpa.\nsoa: {mname: ns1.example.net., rname: h.example.net., serial: 9}\n"
                      "ns: [ns1.example.net.]\n");
    ReloadPlan plan;
    Diagnostics d;
    auto zones = load_changed_sources(*f.store, f.sources, plan, d);
    REQUIRE(zones.ok());
    // zone.yaml did not change, yet both files were read: the clash is reported, nothing is kept unread.
    CHECK(plan.unchanged.empty());
    CHECK(zones->size() == 2);
    bool twice = false;
    for (const auto& i : d.items) twice |= i.message.find("is also defined at") != std::string::npos;
    CHECK(twice);
}

TEST_CASE("a recompiled numbers_csv journals exactly the numbers that changed", "[reload][journal]") {
    Fixture f;
    const std::uint32_t s1 = f.meta().serial;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    // +61 2 5550 0002 ported from telstra to optus, +61 2 5550 0003 withdrawn, +61 2 5550 0004 added.
    write_file(f.dir.path / "numbers.csv",
               "number,route\n+61 2 5550 0001,telstra\n+61 2 5550 0002,optus\n+61 2 5550 0004,telstra\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto report = f.reload();
    REQUIRE(report.zones.size() == 1);
    CHECK(report.zones[0].history_cut.empty());
    CHECK(report.zones[0].serial == s1 + 1);
    auto r = f.store->reader();
    REQUIRE(r.ok());
    REQUIRE((*r)->refresh());
    auto j = (*r)->journal(*(*r)->find_zone(N("1.6.e164.arpa.")), s1);
    REQUIRE(j.has_value());
    CHECK(j->from_serial() == s1);
    CHECK(j->to_serial() == s1 + 1);
    std::vector<std::string> removed;
    std::vector<std::string> added;
    std::size_t off = 0;
    JournalRecord rec;
    for (std::uint32_t i = 0; j->next(off, rec); ++i) {
        if (rec.type == enumd::dns::RrType::SOA) continue;
        std::string text = rec.owner.to_text() + " " + std::string(rec.rdata.begin(), rec.rdata.end());
        (i < j->removed_count() ? removed : added).push_back(text);
    }
    INFO("removed: " << removed.size() << ", added: " << added.size());
    REQUIRE(removed.size() == 2);
    REQUIRE(added.size() == 2);
    auto has = [](const std::vector<std::string>& v, const std::string& owner, const std::string& part) {
        for (const auto& t : v)
            if (t.rfind(owner, 0) == 0 && t.find(part) != std::string::npos) return true;
        return false;
    };
    CHECK(has(removed, "2.0.0.0.0.5.5.5.2.1.6.e164.arpa.", "telstra"));
    CHECK(has(added, "2.0.0.0.0.5.5.5.2.1.6.e164.arpa.", "optus"));
    CHECK(has(removed, "3.0.0.0.0.5.5.5.2.1.6.e164.arpa.", "optus"));
    CHECK(has(added, "4.0.0.0.0.5.5.5.2.1.6.e164.arpa.", "telstra"));
}
