// The LMDB map has no fixed ceiling (store.hpp): writes grow it, readers adopt a map another process grew.
#include <sys/wait.h>
#include <lmdb.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>
#include <random>
#include <string>

#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"
#include "../common/fixtures.hpp"

using namespace enumd;
using namespace enumd::testing;

namespace {

/// A zone of `numbers` NAPTR numbers, about 200 bytes of database each; `host` marks the version.
zones::Zone numbers_zone(std::size_t numbers, const std::string& host, std::uint32_t serial) {
    zones::Zone z = e164_apex(serial);
    for (std::size_t i = 0; i < numbers; ++i) {
        std::string digits = std::to_string(61300000000 + i);
        std::string owner;
        for (auto it = digits.rbegin(); it != digits.rend(); ++it) owner += std::string(1, *it) + ".";
        z.records.push_back(rec(owner + "e164.arpa.", dns::RrType::NAPTR,
                                "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:" + std::to_string(i) + "@" + host + "!\" ."));
    }
    return z;
}

/// The NAPTR rdata of the first number, as text ("" when missing).
std::string first_number(zones::Reader& r) {
    const zones::ZoneInfo* z = r.find_zone(N("e164.arpa."));
    if (z == nullptr) return "";
    auto node = r.get(*z, N("0.0.0.0.0.0.0.0.3.1.6.e164.arpa."));
    if (!node) return "";
    auto rs = node->find(dns::RrType::NAPTR);
    std::size_t off = 0;
    std::span<const std::uint8_t> rdata;
    if (!rs || !rs->next(off, rdata)) return "";
    return zones::rdata_to_text(dns::RrType::NAPTR, {rdata.begin(), rdata.end()});
}

constexpr std::size_t kTinyMap = std::size_t{1} << 20;

}  // namespace

TEST_CASE("a write larger than the map grows it, ahead from an estimate or on MDB_MAP_FULL", "[store]") {
    struct Case {
        const char* name;
        bool grow_ahead;
    };
    const Case cases[] = {{"grown ahead", true}, {"grown on MDB_MAP_FULL, the write run again", false}};
    for (const auto& c : cases) {
        INFO(c.name);
        TempDir dir("enumd-growth");
        std::vector<zones::Remap> remaps;  // what on_remap reported (enumd logs each)
        zones::Store::Options options;
        options.map_size = kTinyMap;
        options.grow_ahead = c.grow_ahead;
        options.on_remap = [&](const zones::Remap& r) { remaps.push_back(r); };
        auto store = zones::Store::open(dir.path.string(), options);
        REQUIRE(store.ok());
        CHECK((*store)->map_size() == kTinyMap);
        auto reader = (*store)->reader();
        REQUIRE(reader.ok());
        // 40,000 numbers need several MiB: the map doubles a few times (or grows once, ahead).
        auto report = (*store)->write({numbers_zone(40000, "new.example.net", 2)});
        REQUIRE(report.ok());
        CHECK(report->zones.at(0).records == 40002);
        CHECK((*store)->map_size() >= 4 * kTinyMap);
        // Every growth was reported, in order, from the first size to the last.
        REQUIRE(!remaps.empty());
        CHECK(remaps.front().from == kTinyMap);
        CHECK(remaps.back().to == (*store)->map_size());
        for (std::size_t i = 0; i < remaps.size(); ++i) {
            CHECK(remaps[i].to > remaps[i].from);
            CHECK_FALSE(remaps[i].adopted);  // grown by this store, for its write
            if (i > 0) CHECK(remaps[i].from == remaps[i - 1].to);
        }
        if (!c.grow_ahead) CHECK(remaps.size() >= 2);  // doubled from 1 MiB to several
        REQUIRE((*reader)->refresh());
        CHECK(first_number(**reader) == "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@new.example.net!\" .");
        (*reader)->release();
        // The grown size stays with the database: a later open starts from it.
        std::size_t grown = (*store)->map_size();
        reader->reset();
        store->reset();
        auto again = zones::Store::open(dir.path.string(), options);
        REQUIRE(again.ok());
        CHECK((*again)->map_size() == grown);
    }
}

TEST_CASE("a reader adopts a map that another process grew (MDB_MAP_RESIZED)", "[store]") {
    TempDir dir("enumd-growth");
    std::vector<zones::Remap> remaps;
    zones::Store::Options options;
    options.map_size = kTinyMap;
    options.on_remap = [&](const zones::Remap& r) { remaps.push_back(r); };
    auto store = zones::Store::open(dir.path.string(), options);
    REQUIRE(store.ok());
    REQUIRE((*store)->write({numbers_zone(10, "old.example.net", 1)}).ok());
    remaps.clear();  // the first write's own growth (its estimate exceeds 1 MiB)
    auto reader = (*store)->reader();
    REQUIRE(reader.ok());
    REQUIRE((*reader)->refresh());
    CHECK(first_number(**reader) == "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@old.example.net!\" .");
    (*reader)->release();
    std::size_t before = (*store)->map_size();

    // Another process (a fork with its own environment, as `enumctl compile` beside enumd) grows the map.
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto other = zones::Store::open(dir.path.string(), options);
        bool ok = other.ok() && (*other)->write({numbers_zone(20000, "new.example.net", 2)}).ok() &&
                  (*other)->map_size() > before;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    CHECK((*store)->map_size() == before);  // not adopted until a transaction needs it
    REQUIRE((*reader)->refresh());
    CHECK(first_number(**reader) == "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@new.example.net!\" .");
    (*reader)->release();
    CHECK((*store)->map_size() > before);
    REQUIRE(remaps.size() == 1);  // the reader's adoption
    CHECK(remaps[0].adopted);
    CHECK(remaps[0].from == before);
    CHECK(remaps[0].to == (*store)->map_size());
    // A new reader and a write of this process work on the adopted map too.
    auto second = (*store)->reader();
    REQUIRE(second.ok());
    REQUIRE((*store)->write({numbers_zone(10, "third.example.net", 3)}).ok());
    REQUIRE((*second)->refresh());
    CHECK(first_number(**second) == "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@third.example.net!\" .");
    (*second)->release();
}

TEST_CASE("the compile path and live changes write from two threads while the map grows under them", "[store][live]") {
    // enumd reloads (the compile path, on the admin thread) while the change writer applies live
    // changes (its own thread). Under the soak (tools/bench/soak.py) a remap by one unmapped the
    // meta pages the other was reading (mdb_env_info) and enumd died of SIGSEGV; writers are one at
    // a time now, remaps included. Both threads' writes must land, whatever the order.
    TempDir dir("enumd-growth");
    zones::Store::Options options;
    options.map_size = kTinyMap;
    options.grow_ahead = false;  // MDB_MAP_FULL, remap and rerun: the longest path
    auto store = zones::Store::open(dir.path.string(), options);
    REQUIRE(store.ok());
    zones::Store& s = **store;
    REQUIRE(s.write({numbers_zone(100, "v0.example.net", 1)}).ok());
    constexpr int kVersions = 12;
    constexpr int kChanges = 200;
    auto owner_of = [](int i) {  // +6139<1000000 + i> under e164.arpa.
        std::string digits = "6139" + std::to_string(1000000 + i);
        std::string owner;
        for (auto it = digits.rbegin(); it != digits.rend(); ++it) owner += std::string(1, *it) + ".";
        return N(owner + "e164.arpa.");
    };
    std::atomic<int> compile_failures{0};
    std::atomic<int> change_failures{0};
    std::thread compiler([&] {
        for (int v = 1; v <= kVersions; ++v) {
            auto z = numbers_zone(1000 * static_cast<std::size_t>(v), "v" + std::to_string(v) + ".example.net",
                                  static_cast<std::uint32_t>(v + 1));
            z.auto_serial = true;
            if (!s.write({z}).ok()) ++compile_failures;
        }
    });
    std::thread changer([&] {
        for (int i = 0; i < kChanges; ++i) {
            auto r = s.apply(N("e164.arpa."), {zones::Change::add_rr(owner_of(i), dns::RrType::TXT, 60,
                                                                     {4, 'l', 'i', 'v', 'e'})});
            if (!r.ok()) ++change_failures;
        }
    });
    std::thread reader_thread([&] {
        auto rd = s.reader();
        if (!rd.ok()) return;
        for (int i = 0; i < 2000; ++i) {
            if ((*rd)->refresh()) {
                (void)first_number(**rd);
                (*rd)->release();
            }
        }
    });
    compiler.join();
    changer.join();
    reader_thread.join();
    CHECK(compile_failures == 0);
    CHECK(change_failures == 0);
    CHECK(s.map_size() > kTinyMap);
    // The last version of the file and every live change (they survive recompiles) are served.
    auto rd = s.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    CHECK(first_number(**rd) ==
          "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@v" + std::to_string(kVersions) + ".example.net!\" .");
    const zones::ZoneInfo* z = (*rd)->find_zone(N("e164.arpa."));
    REQUIRE(z != nullptr);
    int live = 0;
    for (int i = 0; i < kChanges; ++i) {
        auto node = (*rd)->get(*z, owner_of(i));
        if (node && node->find(dns::RrType::TXT)) ++live;
    }
    CHECK(live == kChanges);
    (*rd)->release();
}

namespace {

/// Sets (or with `value` empty, deletes) the "key_format" mark in a closed database's "meta", as an older
/// enumd (which knew no mark) or a future one would have left it.
void set_key_format_mark(const std::string& dir, const std::string& value) {
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 16);
    REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0644) == 0);
    MDB_txn* txn = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
    MDB_dbi meta = 0;
    REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
    MDB_val k{10, const_cast<char*>("key_format")};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    REQUIRE((value.empty() ? mdb_del(txn, meta, &k, nullptr) : mdb_put(txn, meta, &k, &v, 0)) == 0);
    REQUIRE(mdb_txn_commit(txn) == 0);
    mdb_env_close(env);
}

}  // namespace

TEST_CASE("a database whose lookup keys are of another format is refused with what to do", "[store]") {
    TempDir dir("enumd-keyformat");
    {
        auto store = zones::Store::open(dir.path.string());
        REQUIRE(store.ok());
        REQUIRE((*store)->write({numbers_zone(10, "now.example.net", 1)}).ok());
    }
    // This build's mark: opens, read-only too, and finds the numbers.
    {
        zones::Store::Options ro;
        ro.read_only = true;
        auto store = zones::Store::open(dir.path.string(), ro);
        REQUIRE(store.ok());
        auto reader = (*store)->reader();
        REQUIRE(reader.ok());
        REQUIRE((*reader)->refresh());
        CHECK(first_number(**reader) == "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:0@now.example.net!\" .");
    }
    // Unmarked, with nodes: compiled by an enumd before format 2, whose keys would be misread.
    set_key_format_mark(dir.path.string(), "");
    for (bool read_only : {false, true}) {
        zones::Store::Options o;
        o.read_only = read_only;
        auto store = zones::Store::open(dir.path.string(), o);
        REQUIRE_FALSE(store.ok());
        CHECK_THAT(store.error(), Catch::Contains("compiled by an older enumd") &&
                                              Catch::Contains("compile the zones into a new database directory"));
    }
    // A format this build does not know.
    set_key_format_mark(dir.path.string(), "3");
    auto store = zones::Store::open(dir.path.string());
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.error(), Catch::Contains("has lookup keys of format 3") &&
                                          Catch::Contains("this enumd reads format 2"));
}
