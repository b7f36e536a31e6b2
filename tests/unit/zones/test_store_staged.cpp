// A large zone's new version is written in several transactions before one transaction switches
// every zone of the write to its new version (store.hpp, Options::stage_bytes): it serves what one
// transaction would have written, old versions and the leftovers of a crashed write are removed by
// the next write, and live changes another process made meanwhile are never lost.
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <string>

#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "enumd/zones/zone_source.hpp"
#include "zone_fixtures.hpp"

using namespace enumd;
using enumd::testing::N;
using enumd::testing::TempDir;
using enumd::testing::yaml_head;

namespace {

constexpr std::size_t kNumbers = 3000;
/// Far below the zone's size: the 3,000 numbers are staged in some twenty transactions.
constexpr std::size_t kStageBytes = 4096;

/// A YAML zone of `kNumbers` CSV numbers (+61 3 5550 0000 on), all on route `route`, beside one YAML number.
zones::Zone bulk_zone(const TempDir& dir, const std::string& route) {
    std::string csv = "number,route\n";
    for (std::size_t i = 0; i < kNumbers; ++i) csv += "+6135550" + std::to_string(10000 + i).substr(1) + "," + route + "\n";
    dir.write("n.csv", csv);
    std::string top = dir.write("zone.yaml", yaml_head("1.6.e164.arpa.", "ns1.example.net.") +
                                                 "routes:\n"
                                                 "  a: [{uri: \"sip:{number}@a1.example\", order: 10},\n"
                                                 "      {uri: \"sip:{number}@a2.example\", order: 20}]\n"
                                                 "  b: {uri: \"sip:{number}@b.example\"}\n"
                                                 "numbers:\n"
                                                 "  - {number: \"+61 2 5550 0100\", naptr: \"sip:yaml@x.example\"}\n"
                                                 "numbers_csv: n.csv\n");
    zones::Diagnostics d;
    auto z = zones::load_yaml_zone(top, d);
    INFO(enumd::testing::all_diags(d));
    REQUIRE(z.has_value());
    REQUIRE_FALSE(d.has_errors());
    REQUIRE(z->bulk);
    return *z;
}

zones::Store::Options stage(std::size_t bytes) {
    zones::Store::Options o;
    o.stage_bytes = bytes;
    return o;
}

const char* const kOrigin = "1.6.e164.arpa.";
/// A number's NAPTR on route b ({number}: the whole AUS, RFC 3402 backreference).
const char* const kOnB = "10 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@b.example!\" .";

/// The first NAPTR of number +61 3 5550 <four digits> as text ("" when none).
std::string naptr_of(zones::Store& store, const std::string& four) {
    std::string digits = "6135550" + four;
    std::string owner;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) owner += std::string(1, *it) + ".";
    auto rd = store.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    std::string out;
    if (const zones::ZoneInfo* z = (*rd)->find_zone(N(kOrigin))) {
        if (auto node = (*rd)->get(*z, N(owner + "e164.arpa."))) {
            auto rs = node->find(dns::RrType::NAPTR);
            std::size_t off = 0;
            std::span<const std::uint8_t> rdata;
            if (rs && rs->next(off, rdata)) out = zones::rdata_to_text(dns::RrType::NAPTR, {rdata.begin(), rdata.end()});
        }
    }
    (*rd)->release();
    return out;
}

/// The nodes the zone's meta counts.
std::uint64_t meta_nodes(zones::Store& store) {
    auto rd = store.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    std::uint64_t n = (*rd)->zones().at(0).meta.nodes;
    (*rd)->release();
    return n;
}

/// Entries of the "nodes" database, read with LMDB directly (no Store of this process may be open):
/// more than the zones' metas count means unreferenced (orphaned) zone data.
std::size_t raw_node_entries(const std::string& path) {
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 8);
    REQUIRE(mdb_env_open(env, path.c_str(), MDB_RDONLY, 0644) == 0);
    MDB_txn* t = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, MDB_RDONLY, &t) == 0);
    MDB_dbi dbi = 0;
    REQUIRE(mdb_dbi_open(t, "nodes", 0, &dbi) == 0);
    MDB_stat st{};
    REQUIRE(mdb_stat(t, dbi, &st) == 0);
    mdb_txn_abort(t);
    mdb_env_close(env);
    return st.ms_entries;
}

int wait_child(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/// Route a's version written into `store` (the start of the tests below): what it serves and its node count.
struct Served {
    std::string dump;
    std::uint64_t nodes = 0;
};
Served serve_route_a(zones::Store& store, const TempDir& src) {
    REQUIRE(store.write({bulk_zone(src, "a")}).ok());
    return {enumd::testing::dump_zone(store, N(kOrigin)), meta_nodes(store)};
}

/// A later write of route b's version into the database at `path` (a store of its own, staging) by `write`:
/// it is staged and served. Returns the zone's node count.
std::uint64_t write_route_b(const std::string& path, const TempDir& src,
                            const std::function<dns::Result<zones::WriteReport>(zones::Store&, zones::Zone)>& write) {
    auto store = zones::Store::open(path, stage(kStageBytes));
    REQUIRE(store.ok());
    auto r = write(**store, bulk_zone(src, "b"));
    REQUIRE(r.ok());
    CHECK(r->staged == 1);
    CHECK(naptr_of(**store, "0005") == kOnB);
    return meta_nodes(**store);
}

}  // namespace

TEST_CASE("a staged version serves what one transaction writes, and the old one is removed", "[store][stage]") {
    TempDir src("enumd-stage-src");
    TempDir one_dir("enumd-stage-one");
    TempDir staged_dir("enumd-stage");
    std::uint64_t nodes = 0;
    {
        auto one = zones::Store::open(one_dir.path.string(), stage(0));
        auto staged = zones::Store::open(staged_dir.path.string(), stage(kStageBytes));
        REQUIRE((one.ok() && staged.ok()));
        for (const char* route : {"a", "b"}) {
            INFO("all numbers on route " << route);
            zones::Zone z = bulk_zone(src, route);
            auto r1 = (*one)->write({z});
            auto r2 = (*staged)->write({z});
            REQUIRE((r1.ok() && r2.ok()));
            CHECK(r1->staged == 0);
            CHECK(r2->staged == 1);
            CHECK_FALSE(r2->restaged);
            CHECK(r1->zones.at(0).nodes == r2->zones.at(0).nodes);
            CHECK(r1->zones.at(0).records == r2->zones.at(0).records);
            CHECK(enumd::testing::dump_zone(**one, N(kOrigin)) == enumd::testing::dump_zone(**staged, N(kOrigin)));
        }
        CHECK(naptr_of(**staged, "0005") == kOnB);
        nodes = meta_nodes(**staged);
        CHECK(nodes > kNumbers);
    }
    // Route a's version was deleted after the switch, in transactions of its own: nothing is left of it.
    CHECK(raw_node_entries(staged_dir.path.string()) == nodes);
    CHECK(raw_node_entries(one_dir.path.string()) == nodes);
}

TEST_CASE("a compile that dies after staging leaves the old version served; the next write removes its nodes",
          "[store][stage]") {
    TempDir src("enumd-stage-src");
    TempDir dir("enumd-stage");
    const std::string path = dir.path.string();
    std::uint64_t nodes = 0;
    {
        auto store = zones::Store::open(path, stage(kStageBytes));
        REQUIRE(store.ok());
        const Served a = serve_route_a(**store, src);
        nodes = a.nodes;
        // Another process (enumctl compile beside enumd) stages route b's version and dies before the switch.
        zones::Zone next = bulk_zone(src, "b");
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            auto other = zones::Store::open(path, stage(kStageBytes));
            if (!other.ok()) ::_exit(1);
            zones::WriteOptions o;
            o.after_staging = [] { ::_exit(3); };  // as kill -9 would, between the staging and the switch
            (void)(*other)->write({next}, o);
            ::_exit(2);
        }
        REQUIRE(wait_child(pid) == 3);
        CHECK(enumd::testing::dump_zone(**store, N(kOrigin)) == a.dump);
    }
    CHECK(raw_node_entries(path) > nodes + kNumbers);  // the staged version is there, unreferenced
    nodes = write_route_b(path, src, [](zones::Store& store, zones::Zone z) { return store.write({std::move(z)}); });
    CHECK(raw_node_entries(path) == nodes);
}

TEST_CASE("checks beside a staged write that find an error switch nothing and leave nothing staged behind",
          "[store][stage]") {
    TempDir src("enumd-stage-src");
    TempDir dir("enumd-stage");
    const std::string path = dir.path.string();
    std::uint64_t nodes = 0;
    {
        auto store = zones::Store::open(path, stage(kStageBytes));
        REQUIRE(store.ok());
        const Served a = serve_route_a(**store, src);
        nodes = a.nodes;
        // Route b's version with a CNAME beside the YAML number's NAPTR: only the checks see it.
        zones::Zone bad = bulk_zone(src, "b");
        zones::Record cname = enumd::testing::rec("0.0.1.0.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::CNAME, "x.example.");
        cname.loc = zones::SourceLoc{"zone.yaml", 99, 0};
        bad.records.push_back(cname);
        zones::Diagnostics d;
        d.warning(zones::SourceLoc{"later.yaml", 1, 0}, "a finding of a source read after this zone");
        zones::DeferredChecks deferred;
        deferred.at = {0};  // this zone's findings go before it
        auto r = zones::write_checked(**store, {bad}, d, deferred, {});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == zones::kChecksFailed);
        REQUIRE(d.items.size() >= 2);
        CHECK(d.items.front().loc.line == 99);
        CHECK(d.items.front().message.find("beside other data") != std::string::npos);
        CHECK(d.items.back().loc.file == "later.yaml");
        CHECK(enumd::testing::dump_zone(**store, N(kOrigin)) == a.dump);
    }
    CHECK(raw_node_entries(path) == nodes);  // the staged version was deleted when the write was withheld
    nodes = write_route_b(path, src, [](zones::Store& store, zones::Zone z) {
        zones::Diagnostics d;
        auto r = zones::write_checked(store, {std::move(z)}, d, zones::DeferredChecks{}, {});
        CHECK_FALSE(d.has_errors());
        return r;
    });
    CHECK(raw_node_entries(path) == nodes);
}

TEST_CASE("live changes another process makes while a zone is staged are kept: the write is done again in one "
          "transaction",
          "[store][stage][live]") {
    TempDir src("enumd-stage-src");
    TempDir dir("enumd-stage");
    const std::string path = dir.path.string();
    std::uint64_t nodes = 0;
    {
        auto store = zones::Store::open(path, stage(kStageBytes));
        REQUIRE(store.ok());
        REQUIRE((*store)->write({bulk_zone(src, "a")}).ok());
        int child = -1;
        zones::WriteOptions o;
        o.after_staging = [&] {
            // enumd applies a live change to the zone between this compile's staging and its switch.
            pid_t pid = ::fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                auto other = zones::Store::open(path, stage(kStageBytes));
                bool ok = other.ok() &&
                          (*other)->apply(N(kOrigin), {zones::Change::delete_number("+61 3 5550 0005")}).ok();
                ::_exit(ok ? 0 : 1);
            }
            child = wait_child(pid);
        };
        auto r = (*store)->write({bulk_zone(src, "b")}, o);
        REQUIRE(child == 0);
        REQUIRE(r.ok());
        CHECK(r->restaged);
        // The file has +61 3 5550 0005 (on route b now, as every number); the live change deleted it.
        CHECK(naptr_of(**store, "0005").empty());
        CHECK(naptr_of(**store, "0006") == kOnB);
        nodes = meta_nodes(**store);
    }
    CHECK(raw_node_entries(path) == nodes);  // the staged version without the change was removed
}
