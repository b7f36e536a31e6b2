#include "live_log.hpp"

#include <algorithm>
#include <cstring>

#include "le_reader.hpp"
#include "le_writer.hpp"
#include "store_internal.hpp"

namespace enumd::zones::live_log {
namespace {

/// A folded log is written in values of about this size: no single run of thousands of free pages is needed.
constexpr std::size_t kChunkBytes = std::size_t{4} << 20;

struct State {
    std::uint64_t next_seq = 0;
    std::uint64_t logged = 0;  ///< bytes of the entries the log holds
    std::uint64_t folded = 0;  ///< bytes the log held right after its last fold
};

std::string with_origin(char tag, const std::string& origin_key) {
    std::string p(1, tag);
    p.push_back(static_cast<char>(origin_key.size() >> 8));
    p.push_back(static_cast<char>(origin_key.size() & 0xFF));
    return p + origin_key;
}
// "O": the per-owner records of databases before the log (their prefix, kept byte for byte).
std::string owner_prefix(const std::string& origin_key) { return with_origin('O', origin_key); }
std::string log_prefix(const std::string& origin_key) { return with_origin('L', origin_key); }
std::string state_key(const std::string& origin_key) { return with_origin('S', origin_key); }

MDB_val val(const std::string& s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

std::string log_key(const std::string& prefix, std::uint64_t seq) {
    std::string k = prefix;
    for (int sh = 56; sh >= 0; sh -= 8) k.push_back(static_cast<char>(seq >> sh));
    return k;
}

/// f(key after the prefix, value) for each record under `prefix`, in key order, while f returns true (false
/// stops the scan); 0 or an LMDB error.
template <typename F>
int scan(MDB_txn* t, MDB_dbi dbi, const std::string& prefix, F&& f) {
    MDB_cursor* cur = nullptr;
    if (int rc = mdb_cursor_open(t, dbi, &cur); rc != 0) return rc;
    MDB_val k = val(prefix);
    MDB_val v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < prefix.size() || std::memcmp(k.mv_data, prefix.data(), prefix.size()) != 0) break;
        if (!f(std::string_view(static_cast<const char*>(k.mv_data) + prefix.size(), k.mv_size - prefix.size()),
               std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(v.mv_data), v.mv_size)))
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/// Splits one log entry into (key, value) pairs: g(key, value) each; false when it is not well formed.
template <typename G>
bool split_entry(std::span<const std::uint8_t> entry, G&& g) {
    LeReader in{entry};
    while (in.ok && !in.done()) {
        auto key = in.bytes(in.le<std::uint16_t>());
        auto value = in.bytes(in.le<std::uint32_t>());
        if (in.ok) g(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), value);
    }
    return in.ok;
}

std::size_t pair_bytes(std::string_view key, std::size_t value_size) { return 2 + key.size() + 4 + value_size; }

char* put_pair(char* at, std::string_view key, std::span<const std::uint8_t> value) {
    auto klen = static_cast<std::uint16_t>(key.size());
    auto vlen = static_cast<std::uint32_t>(value.size());
    std::memcpy(at, &klen, 2);
    std::memcpy(at + 2, key.data(), key.size());
    at += 2 + key.size();
    std::memcpy(at, &vlen, 4);
    std::memcpy(at + 4, value.data(), value.size());
    return at + 4 + value.size();
}

int read_state(MDB_txn* t, MDB_dbi live, const std::string& key, State& s, bool& found) {
    MDB_val k = val(key);
    MDB_val v;
    int rc = mdb_get(t, live, &k, &v);
    found = rc == 0;
    if (rc == MDB_NOTFOUND) return 0;
    if (rc != 0) return rc;
    LeReader in{{static_cast<const std::uint8_t*>(v.mv_data), v.mv_size}};
    s.next_seq = in.le<std::uint64_t>();
    s.logged = in.le<std::uint64_t>();
    s.folded = in.le<std::uint64_t>();
    return in.ok && in.done() ? 0 : MDB_CORRUPTED;
}

int write_state(MDB_txn* t, MDB_dbi live, const std::string& key, const State& s) {
    std::string v;
    put_le(v, s.next_seq);
    put_le(v, s.logged);
    put_le(v, s.folded);
    MDB_val k = val(key);
    MDB_val mv = val(v);
    return mdb_put(t, live, &k, &mv, 0);
}

/// Writes `bytes` into a new log entry with the next sequence number: fill(char* where) writes them.
template <typename Fill>
int put_entry(MDB_txn* t, MDB_dbi live, const std::string& prefix, State& s, std::size_t bytes, Fill&& fill) {
    std::string k = log_key(prefix, s.next_seq++);
    MDB_val mk = val(k);
    MDB_val mv{bytes, nullptr};
    if (int rc = mdb_put(t, live, &mk, &mv, MDB_RESERVE); rc != 0) return rc;
    fill(static_cast<char*>(mv.mv_data));
    s.logged += bytes;
    return 0;
}

/// Rewrites the zone's overrides as one value per owner, in chunks; the per-owner records of older
/// databases are taken in and removed.
int fold(MDB_txn* t, MDB_dbi live, const std::string& origin_key, State& s) {
    // Copied out first: the entries' pages are freed by the deletes below.
    std::vector<std::string> chunks(1);
    int rc = for_each(t, live, origin_key, [&](std::string_view key, std::span<const std::uint8_t> value) {
        std::size_t n = pair_bytes(key, value.size());
        if (!chunks.back().empty() && chunks.back().size() + n > kChunkBytes) chunks.emplace_back();
        std::string& c = chunks.back();
        std::size_t at = c.size();
        c.resize(at + n);
        put_pair(c.data() + at, key, value);
    });
    if (rc != 0) return rc;
    const std::string prefix = log_prefix(origin_key);
    if ((rc = detail::delete_prefix(t, live, prefix)) != 0) return rc;
    if ((rc = detail::delete_prefix(t, live, owner_prefix(origin_key))) != 0) return rc;
    s.logged = 0;
    for (const std::string& c : chunks) {
        if (c.empty()) continue;
        rc = put_entry(t, live, prefix, s, c.size(), [&c](char* at) { std::memcpy(at, c.data(), c.size()); });
        if (rc != 0) return rc;
    }
    s.folded = s.logged;
    return 0;
}

bool any_under(MDB_txn* t, MDB_dbi live, const std::string& prefix, int& rc) {
    bool any = false;
    rc = scan(t, live, prefix, [&any](std::string_view, std::span<const std::uint8_t>) {
        any = true;
        return false;  // one is enough
    });
    return any;
}

}  // namespace

int for_each(MDB_txn* t, MDB_dbi live, const std::string& origin_key, const Visit& f) {
    struct Item {
        std::string_view key;
        std::span<const std::uint8_t> value;
    };
    // Views into the transaction's pages: nothing is written while they are held.
    std::vector<Item> items;
    int rc = scan(t, live, owner_prefix(origin_key), [&](std::string_view key, std::span<const std::uint8_t> v) {
        items.push_back({key, v});
        return true;
    });
    if (rc != 0) return rc;
    const std::size_t owners = items.size();
    bool damaged = false;
    rc = scan(t, live, log_prefix(origin_key), [&](std::string_view, std::span<const std::uint8_t> entry) {
        damaged = !split_entry(entry, [&](std::string_view key, std::span<const std::uint8_t> v) {
            items.push_back({key, v});
        });
        return !damaged;
    });
    if (rc != 0) return rc;
    if (damaged) return MDB_CORRUPTED;
    if (items.size() > owners) {
        // Newest wins: after a stable sort by key, the last of equal keys is the one logged last.
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i + 1 < items.size() && items[i + 1].key == items[i].key) continue;
        f(items[i].key, items[i].value);
    }
    return 0;
}

int append(MDB_txn* t, MDB_dbi live, const std::string& origin_key,
           const std::vector<std::pair<std::string, std::string>>& overrides, std::uint64_t margin) {
    const std::string skey = state_key(origin_key);
    State s;
    bool found = false;
    if (int rc = read_state(t, live, skey, s, found); rc != 0) return rc;
    // A database from before the log: its per-owner records are folded in at the first change set.
    bool fold_now = false;
    if (!found) {
        int rc = 0;
        fold_now = any_under(t, live, owner_prefix(origin_key), rc);
        if (rc != 0) return rc;
    }
    if (!overrides.empty()) {
        std::size_t bytes = 0;
        for (const auto& [key, value] : overrides) bytes += pair_bytes(key, value.size());
        int rc = put_entry(t, live, log_prefix(origin_key), s, bytes, [&overrides](char* at) {
            for (const auto& [key, value] : overrides)
                at = put_pair(at, key,
                              std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(value.data()),
                                                            value.size()));
        });
        if (rc != 0) return rc;
    }
    if (fold_now || s.logged > 2 * s.folded + margin) {
        if (int rc = fold(t, live, origin_key, s); rc != 0) return rc;
    }
    return write_state(t, live, skey, s);
}

int drop(MDB_txn* t, MDB_dbi live, const std::string& origin_key, bool forget) {
    const std::string skey = state_key(origin_key);
    State s;
    bool found = false;
    if (int rc = read_state(t, live, skey, s, found); rc != 0 && !forget) return rc;
    if (int rc = detail::delete_prefix(t, live, log_prefix(origin_key)); rc != 0) return rc;
    if (int rc = detail::delete_prefix(t, live, owner_prefix(origin_key)); rc != 0) return rc;
    if (forget) {
        MDB_val k = val(skey);
        int rc = mdb_del(t, live, &k, nullptr);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    if (!found) return 0;
    ++s.next_seq;  // the drop itself moves the sequence: the fingerprint differs from every earlier one
    s.logged = 0;
    s.folded = 0;
    return write_state(t, live, skey, s);
}

std::uint64_t fingerprint(MDB_txn* t, MDB_dbi live, const std::string& origin_key) {
    std::uint64_t h = 0;
    auto mix = [&h](const void* data, std::size_t n) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL;  // the end of a field: ("ab","c") is not ("a","bc")
    };
    State s;
    bool found = false;
    if (read_state(t, live, state_key(origin_key), s, found) != 0) return 0;
    if (found) {
        // The sequence moves with every append, fold and drop, and is never reused while the zone exists.
        mix(&s, sizeof s);
        return h == 0 ? 1 : h;
    }
    // No change set since the log came: only per-owner records of an older database, if any.
    int rc = scan(t, live, owner_prefix(origin_key), [&](std::string_view key, std::span<const std::uint8_t> v) {
        mix(key.data(), key.size());
        mix(v.data(), v.size());
        return true;
    });
    return rc == 0 ? h : 0;
}

std::size_t entries(MDB_txn* t, MDB_dbi live, const std::string& origin_key) {
    std::size_t n = 0;
    for (const std::string& prefix : {owner_prefix(origin_key), log_prefix(origin_key)}) {
        scan(t, live, prefix, [&n](std::string_view, std::span<const std::uint8_t>) {
            ++n;
            return true;
        });
    }
    return n;
}

}  // namespace enumd::zones::live_log
