// The log the live overrides are kept in (zones/src/live_log.hpp): newest
// value per owner in canonical order, folds that keep it proportional to what
// it holds, per-owner records of older databases taken in, fingerprints.
#include <lmdb.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../../../zones/src/live_log.hpp"

namespace fs = std::filesystem;
using namespace enumd::zones;

namespace {

const std::string kOrigin = "zone-key";  // any octets: the log only prefixes it

/// An LMDB environment with a "live" database in a scratch directory, one write transaction open.
struct LiveDb {
    fs::path dir;
    MDB_env* env = nullptr;
    MDB_txn* t = nullptr;
    MDB_dbi live = 0;
    LiveDb() {
        dir = fs::temp_directory_path() / ("enumd-live-log-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir);
        REQUIRE(mdb_env_create(&env) == 0);
        mdb_env_set_maxdbs(env, 2);
        mdb_env_set_mapsize(env, std::size_t{256} << 20);
        REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0644) == 0);
        REQUIRE(mdb_txn_begin(env, nullptr, 0, &t) == 0);
        REQUIRE(mdb_dbi_open(t, "live", MDB_CREATE, &live) == 0);
    }
    ~LiveDb() {
        if (t != nullptr) mdb_txn_abort(t);
        mdb_env_close(env);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::map<std::string, std::string> visit() const {
        std::map<std::string, std::string> out;
        std::vector<std::string> order;
        int rc = live_log::for_each(t, live, kOrigin, [&](std::string_view k, std::span<const std::uint8_t> v) {
            order.emplace_back(k);
            out[std::string(k)] = std::string(v.begin(), v.end());
        });
        REQUIRE(rc == 0);
        CHECK(order.size() == out.size());  // each owner once
        CHECK(std::is_sorted(order.begin(), order.end()));
        return out;
    }
    void append(const std::vector<std::pair<std::string, std::string>>& set, std::uint64_t margin) {
        REQUIRE(live_log::append(t, live, kOrigin, set, margin) == 0);
    }
    std::size_t entries() const { return live_log::entries(t, live, kOrigin); }
    void put_raw(const std::string& key, const std::string& value) {
        MDB_val k{key.size(), const_cast<char*>(key.data())};
        MDB_val v{value.size(), const_cast<char*>(value.data())};
        REQUIRE(mdb_put(t, live, &k, &v, 0) == 0);
    }
};

std::string with_origin(char tag) {
    std::string p(1, tag);
    p.push_back(static_cast<char>(kOrigin.size() >> 8));
    p.push_back(static_cast<char>(kOrigin.size() & 0xFF));
    return p + kOrigin;
}

}  // namespace

TEST_CASE("the live log gives each owner's newest override in key order and stays proportional to them",
          "[live][log]") {
    LiveDb db;
    std::map<std::string, std::string> expect;
    std::mt19937 rng(11);
    std::size_t most_entries = 0;
    // 400 change sets over 60 owners: the log is folded again and again (margin 2,000 bytes).
    for (int set_no = 0; set_no < 400; ++set_no) {
        std::map<std::string, std::string> set;  // canonical order, one per key
        const int n = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < n; ++i) {
            std::string key = "k" + std::to_string(rng() % 60);
            set[key] = "v" + std::to_string(set_no) + "-" + std::to_string(i) + std::string(rng() % 40, 'x');
        }
        db.append({set.begin(), set.end()}, 2000);
        for (const auto& [k, v] : set) expect[k] = v;
        most_entries = std::max(most_entries, db.entries());
        if (set_no % 37 == 0) REQUIRE(db.visit() == expect);
    }
    CHECK(db.visit() == expect);
    // 60 owners of at most ~55 bytes fold into one entry; the log is folded again before it holds
    // 2 × that + 2,000 bytes, i.e. a few dozen small entries, not the 400 sets.
    CHECK(most_entries < 80);
}

TEST_CASE("a large fold is written in several values and reads back the same", "[live][log]") {
    LiveDb db;
    std::vector<std::pair<std::string, std::string>> set;
    for (int i = 0; i < 3000; ++i) {
        char key[16];
        std::snprintf(key, sizeof key, "n%06d", i);
        set.emplace_back(key, std::string(2000, static_cast<char>('a' + i % 26)));
    }
    db.append(set, 0);  // over 2 × 0 + 0: folded at once; 6 MB in values of at most 4 MiB
    CHECK(db.entries() == 2);
    auto seen = db.visit();
    REQUIRE(seen.size() == set.size());
    for (const auto& [k, v] : set) CHECK(seen[k] == v);
}

TEST_CASE("per-owner overrides of an older database are read, outlived by newer ones, folded in", "[live][log]") {
    LiveDb db;
    const std::string o = with_origin('O');
    db.put_raw(o + "a", "old-a");
    db.put_raw(o + "b", "old-b");
    db.put_raw(o + "c", "old-c");
    db.put_raw(with_origin('P') + "x", "another zone's");  // beside the prefix, not under it
    CHECK(db.visit() == std::map<std::string, std::string>{{"a", "old-a"}, {"b", "old-b"}, {"c", "old-c"}});
    const auto before = live_log::fingerprint(db.t, db.live, kOrigin);
    CHECK(before != 0);

    db.append({{"b", "new-b"}, {"d", "new-d"}}, live_log::kFoldMargin);
    CHECK(db.visit() ==
          std::map<std::string, std::string>{{"a", "old-a"}, {"b", "new-b"}, {"c", "old-c"}, {"d", "new-d"}});
    CHECK(db.entries() == 1);  // the first set folds the old records into the log
    std::string ka = o + "a";
    MDB_val k{ka.size(), ka.data()};
    MDB_val v;
    CHECK(mdb_get(db.t, db.live, &k, &v) == MDB_NOTFOUND);
    CHECK(live_log::fingerprint(db.t, db.live, kOrigin) != before);
}

TEST_CASE("the fingerprint moves with every append and drop, even back to the same overrides", "[live][log]") {
    LiveDb db;
    CHECK(live_log::fingerprint(db.t, db.live, kOrigin) == 0);  // never had any
    db.append({{"a", "1"}}, live_log::kFoldMargin);
    const auto one = live_log::fingerprint(db.t, db.live, kOrigin);
    CHECK(one != 0);
    db.append({{"a", "1"}}, live_log::kFoldMargin);
    const auto two = live_log::fingerprint(db.t, db.live, kOrigin);
    CHECK(two != one);

    REQUIRE(live_log::drop(db.t, db.live, kOrigin, false) == 0);
    CHECK(db.visit().empty());
    CHECK(db.entries() == 0);
    const auto dropped = live_log::fingerprint(db.t, db.live, kOrigin);
    CHECK(dropped != two);
    db.append({{"a", "1"}}, live_log::kFoldMargin);  // the same override as after the first append
    const auto again = live_log::fingerprint(db.t, db.live, kOrigin);
    CHECK(again != one);
    CHECK(again != two);
    CHECK(again != dropped);

    REQUIRE(live_log::drop(db.t, db.live, kOrigin, true) == 0);  // the zone is gone: nothing left
    CHECK(live_log::fingerprint(db.t, db.live, kOrigin) == 0);
}

TEST_CASE("a damaged log entry is reported, not read past its end", "[live][log]") {
    LiveDb db;
    std::string entry;
    entry.push_back(5);  // key length 5, but only three octets follow
    entry.push_back(0);
    entry += "abc";
    std::string key = with_origin('L') + std::string(8, '\0');
    db.put_raw(key, entry);
    int rc = live_log::for_each(db.t, db.live, kOrigin, [](std::string_view, std::span<const std::uint8_t>) {});
    CHECK(rc == MDB_CORRUPTED);
}
