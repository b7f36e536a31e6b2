#include "enumd/zones/store.hpp"

#include <lmdb.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/sorted_records.hpp"
#include "enumd/zones/views.hpp"
#include "le_writer.hpp"
#include "store_internal.hpp"

namespace enumd::zones {
namespace {

using dns::make_error;

constexpr char kGenerationKey[] = "generation";
constexpr char kNextIdKey[] = "next_zone_id";
/// What a stored node costs on average, B-tree included (tools/bench/README.md: 36.6 bytes per routed number
/// plus its share of empty non-terminals): turns node counts into bytes for Store::Options::stage_bytes.
constexpr std::size_t kBytesPerNode = 48;
constexpr char kKeyFormatKey[] = "key_format";  ///< dns::kLookupKeyFormat of the nodes' keys

template <typename T>
T get_le(const std::uint8_t* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

/// MDB_MAP_FULL or MDB_MAP_RESIZED when an LMDB call of this thread failed
/// with one: the write path reports errors as text (lmdb_error), and
/// Store::write_growing needs to know that this one means "grow (or adopt)
/// the map and run the write again".
thread_local int t_map_rc = 0;

std::string lmdb_error(const char* what, int rc) {
    if (rc == MDB_MAP_FULL || rc == MDB_MAP_RESIZED) t_map_rc = rc;
    return std::string(what) + ": " + mdb_strerror(rc);
}

MDB_val val(const std::string& s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

std::span<const std::uint8_t> as_span(const MDB_val& v) noexcept {
    return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

std::span<const std::uint8_t> as_span(const std::string& s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string id_prefix(std::uint32_t id) {
    std::string s(4, '\0');
    dns::store_u32(reinterpret_cast<std::uint8_t*>(s.data()), id);
    return s;
}

std::string encode_meta(const ZoneMeta& m) {
    std::string s;
    put_le(s, m.id);
    put_le(s, m.serial);
    put_le(s, m.content_hash);
    put_le(s, m.records);
    put_le(s, m.nodes);
    put_le(s, m.compiled_at);
    s += m.source;
    if (m.source_hash != 0 || !m.source_files.empty()) {
        // Appended after a NUL (a path never holds one), so databases written before the fingerprint read as
        // "no fingerprint" and older readers see only a longer source name. The files are kept without a
        // fingerprint too (a file changed while it was parsed): --watch follows them (zone_watcher.hpp).
        s.push_back('\0');
        put_le(s, m.source_hash);
        put_le(s, static_cast<std::uint32_t>(m.source_files.size()));
        for (const auto& f : m.source_files) {
            put_le(s, static_cast<std::uint32_t>(f.size()));
            s += f;
        }
    }
    return s;
}

bool decode_meta(std::span<const std::uint8_t> v, ZoneMeta& m) {
    constexpr std::size_t fixed = 4 + 4 + 8 + 8 + 8 + 8;
    if (v.size() < fixed) return false;
    const std::uint8_t* p = v.data();
    m.id = get_le<std::uint32_t>(p);
    m.serial = get_le<std::uint32_t>(p + 4);
    m.content_hash = get_le<std::uint64_t>(p + 8);
    m.records = get_le<std::uint64_t>(p + 16);
    m.nodes = get_le<std::uint64_t>(p + 24);
    m.compiled_at = get_le<std::int64_t>(p + 32);
    std::string_view rest(reinterpret_cast<const char*>(p + fixed), v.size() - fixed);
    const std::size_t nul = rest.find('\0');
    m.source.assign(rest.substr(0, nul));
    m.source_hash = 0;
    m.source_files.clear();
    if (nul == std::string_view::npos) return true;
    // The fingerprint (encode_meta); a malformed one is no fingerprint: the next reload compiles.
    rest.remove_prefix(nul + 1);
    auto take = [&rest](std::size_t n) -> const std::uint8_t* {
        if (rest.size() < n) return nullptr;
        const auto* q = reinterpret_cast<const std::uint8_t*>(rest.data());
        rest.remove_prefix(n);
        return q;
    };
    const std::uint8_t* h = take(8);
    const std::uint8_t* c = take(4);
    if (h == nullptr || c == nullptr) return true;
    std::vector<std::string> files;
    for (std::uint32_t i = 0, n = get_le<std::uint32_t>(c); i < n; ++i) {
        const std::uint8_t* l = take(4);
        if (l == nullptr) return true;
        const std::uint32_t len = get_le<std::uint32_t>(l);
        const std::uint8_t* f = take(len);
        if (f == nullptr) return true;
        files.emplace_back(reinterpret_cast<const char*>(f), len);
    }
    m.source_hash = get_le<std::uint64_t>(h);
    m.source_files = std::move(files);
    return true;
}

struct Fnv {
    std::uint64_t h = 1469598103934665603ULL;
    void add(const void* data, std::size_t n) noexcept {
        const auto* p = static_cast<const std::uint8_t*>(data);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= p[i];
            h *= 1099511628211ULL;
        }
    }
};

// Records of a zone grouped by relative lookup key, then type.
struct BuildRrset {
    std::uint32_t ttl = 0;
    /// The zone's records in input order, then (finish_rrset) sorted by
    /// rdata with repeats removed. Most RRsets of a numbering zone hold one
    /// to three records: those need no heap block of their own.
    boost::container::small_vector<const Record*, 3> records;
    /// A NAPTR RRset that is exactly a route set's expansion: its instance in
    /// the zone's RouteTable and the routing number (else -1).
    int instance = -1;
    std::string_view rn;
};

/// An RRset is a set (RFC 2181 §5): a record given twice is stored once —
/// its first copy, whose TTL counts and a repeat's does not. One sort, not a
/// scan of the RRset per record: that was quadratic (40,000 records at one
/// owner took 3 s). Validation reports the repeats of YAML zones as errors;
/// RFC 1035 input and transfers are de-duplicated here. Returns the count kept.
std::size_t finish_rrset(BuildRrset& rs) {
    auto& recs = rs.records;
    // Records live in one vector, so their addresses are their input order:
    // among equal rdatas the first copy sorts first and is the one kept.
    std::sort(recs.begin(), recs.end(), [](const Record* a, const Record* b) {
        if (a->rdata != b->rdata) return rdata_less(a->rdata, b->rdata);
        return std::less<>()(a, b);
    });
    recs.erase(std::unique(recs.begin(), recs.end(),
                           [](const Record* a, const Record* b) { return a->rdata == b->rdata; }),
               recs.end());
    // RFC 2181 §5.2: one TTL per RRset; the lowest wins.
    rs.ttl = recs.front()->ttl;
    for (const Record* r : recs) rs.ttl = std::min(rs.ttl, r->ttl);
    return recs.size();
}
constexpr auto kDname = static_cast<std::uint16_t>(dns::RrType::DNAME);

/// A node's RRsets in type order, looked up like a std::map: a sorted vector that holds one RRset without a heap
/// block (the std::map it replaces was a block per RRset: 1.2 million for a 1M-number zone file).
class RrsetMap {
   public:
    using value_type = std::pair<std::uint16_t, BuildRrset>;
    using Items = boost::container::small_vector<value_type, 1>;
    using iterator = Items::iterator;
    using const_iterator = Items::const_iterator;

   private:
    /// The first RRset of `type` or a later type in `items` (Items or const Items).
    template <typename In>
    static auto lower_in(In& items, std::uint16_t type) noexcept {
        return std::lower_bound(items.begin(), items.end(), type,
                                [](const value_type& v, std::uint16_t t) { return v.first < t; });
    }
    template <typename In>
    static auto find_in(In& items, std::uint16_t type) noexcept {
        auto it = lower_in(items, type);
        return it != items.end() && it->first == type ? it : items.end();
    }

   public:
    iterator begin() noexcept { return items_.begin(); }
    iterator end() noexcept { return items_.end(); }
    const_iterator begin() const noexcept { return items_.begin(); }
    const_iterator end() const noexcept { return items_.end(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

    iterator find(std::uint16_t type) noexcept { return find_in(items_, type); }
    const_iterator find(std::uint16_t type) const noexcept { return find_in(items_, type); }
    [[nodiscard]] std::size_t count(std::uint16_t type) const noexcept { return find(type) != end() ? 1 : 0; }
    const BuildRrset& at(std::uint16_t type) const {
        auto it = find(type);
        if (it == end()) throw std::out_of_range("no RRset of this type");
        return it->second;
    }
    /// The RRset of `type`, added empty when there is none (references to other RRsets may move).
    BuildRrset& operator[](std::uint16_t type) {
        auto it = lower_in(items_, type);
        if (it == items_.end() || it->first != type) it = items_.emplace(it, type, BuildRrset{});
        return it->second;
    }

   private:
    Items items_;
};

struct BuildNode {
    std::uint8_t flags = 0;
    RrsetMap rrsets;
};

/// A zone's nodes by relative lookup key: one sorted vector (a std::map was a heap block per node, and
/// a string block per key longer than 15 bytes, for every owner of the zone: a million of each for a
/// 1M-number file, all fresh pages). Built in order (build_zone) and merged with ordered runs
/// (add_empty_non_terminals); a key inserted out of order would move the rest.
using NodeMap = boost::container::flat_map<std::string, BuildNode>;

std::string pack_node(const BuildNode& n, const std::vector<std::uint8_t>* soa_override) {
    std::string out;
    auto naptr = n.rrsets.find(static_cast<std::uint16_t>(dns::RrType::NAPTR));
    const BuildRrset* routed = naptr != n.rrsets.end() && naptr->second.instance >= 0 ? &naptr->second : nullptr;
    std::uint8_t flags = n.flags;
    if (routed != nullptr) flags |= node_flags::kRouted | (routed->rn.empty() ? 0 : node_flags::kRouteRn);
    out.push_back(static_cast<char>(flags));
    std::size_t stored = n.rrsets.size() - (routed != nullptr ? 1 : 0);
    out.push_back(static_cast<char>(std::min<std::size_t>(stored, 255)));
    if (routed != nullptr) {
        // Per routed number only this: the route instance and the rn (issue 10, route sets).
        put_le(out, static_cast<std::uint16_t>(routed->instance));
        if (!routed->rn.empty()) {
            out.push_back(static_cast<char>(routed->rn.size()));
            out += routed->rn;
        }
    }
    std::size_t written = 0;
    for (const auto& [type, rs] : n.rrsets) {
        if (&rs == routed) continue;
        if (++written > 255) break;
        RrsetWriter w(out, type, rs.records.size(), rs.ttl);
        for (const Record* r : rs.records) {
            const std::vector<std::uint8_t>& data =
                (type == static_cast<std::uint16_t>(dns::RrType::SOA) && soa_override != nullptr) ? *soa_override
                                                                                                   : r->rdata;
            w.rdata(data);
        }
    }
    return out;
}

/// Builds a zone's RouteTable while its RRsets are finished: a NAPTR RRset
/// whose records all came from one route set with one rn, and which the
/// set's expansion gives back record for record in stored order, becomes a
/// reference to an instance (route set, TTL). Anything else — a set merged
/// with typed records, repeats removed, an order that depends on the rn — is
/// stored as records, so a reference never changes an answer.
class RouteTableBuilder {
public:
    explicit RouteTableBuilder(const std::vector<Route>& routes) : routes_(routes) {}

    void assign(BuildRrset& rs) {
        const RouteRef& ref = rs.records.front()->route;
        if (ref.route == 0 || ref.route > routes_.size()) return;
        for (const Record* r : rs.records) {
            if (!(r->route == ref)) return;
        }
        const Route& route = routes_[ref.route - 1];
        if (rs.records.size() != route.records.size()) return;
        std::string_view rn = ref.rn_digits();
        auto key = std::pair{ref.route, rs.ttl};
        auto it = index_.find(key);
        if (it == index_.end()) {
            if (table_.instances.size() >= 0xFFFF) return;  // a u16 in the node
            RouteInstance inst;
            inst.ttl = rs.ttl;
            inst.records = in_stored_order(route, rn);
            it = index_.emplace(key, static_cast<int>(table_.instances.size())).first;
            table_.instances.push_back(std::move(inst));
        }
        const RouteInstance& inst = table_.instances[static_cast<std::size_t>(it->second)];
        for (std::size_t i = 0; i < inst.records.size(); ++i) {
            std::size_t n = expand_route_naptr(inst.records[i], rn, scratch_);
            const auto& want = rs.records[i]->rdata;
            if (n == 0 || n != want.size() || std::memcmp(scratch_.data(), want.data(), n) != 0) return;
        }
        rs.instance = it->second;
        rs.rn = rn;
    }
    [[nodiscard]] const RouteTable& table() const noexcept { return table_; }

    /// The instance serving a bulk number of route `route` (1-based) with
    /// `rn` at the zone TTL `zone_ttl`, and the RRset's TTL; -1 when its
    /// records must be stored instead (the expansion repeats a record, or
    /// sorts differently with this rn than the instance's order).
    int bulk_instance(std::uint16_t route, std::string_view rn, std::uint32_t zone_ttl, std::uint32_t& ttl) {
        if (route == 0 || route > routes_.size()) return -1;
        if (bulk_.size() < routes_.size()) bulk_.resize(routes_.size());
        BulkRoute& b = bulk_[route - 1];
        const Route& r = routes_[route - 1];
        if (b.instance == -2) {
            b.ttl = zone_ttl;
            for (const auto& x : r.records) b.ttl = std::min(b.ttl, x.ttl.value_or(zone_ttl));
            b.per_rn = r.uses_rn() && r.records.size() > 1;
            auto key = std::pair{route, b.ttl};
            auto it = index_.find(key);
            if (it == index_.end() && table_.instances.size() < 0xFFFF) {
                RouteInstance inst;
                inst.ttl = b.ttl;
                inst.records = in_stored_order(r, rn);
                it = index_.emplace(key, static_cast<int>(table_.instances.size())).first;
                table_.instances.push_back(std::move(inst));
            }
            b.instance = it == index_.end() ? -1 : it->second;
            if (b.instance >= 0 && !b.per_rn && !strictly_ordered(b.instance, rn)) b.instance = -1;
        }
        ttl = b.ttl;
        if (b.instance >= 0 && b.per_rn && !strictly_ordered(b.instance, rn)) return -1;
        return b.instance;
    }

    /// The route's records for `rn`, sorted and without repeats: the stored
    /// RRset, and what the content hash covers. Cached for a route without
    /// {rn}; valid until the next call.
    const std::vector<std::vector<std::uint8_t>>& expanded(std::uint16_t route, std::string_view rn) {
        const Route& r = routes_[route - 1];
        if (cache_.size() < routes_.size()) cache_.resize(routes_.size());
        const bool fixed = !r.uses_rn();
        auto& out = fixed ? cache_[route - 1] : scratch_rdatas_;
        if (fixed && !out.empty()) return out;
        out.clear();
        for (const auto& x : r.records) {
            std::size_t n = expand_route_naptr(x, rn, scratch_);
            out.emplace_back(scratch_.begin(), scratch_.begin() + static_cast<long>(n));
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return rdata_less(a, b); });
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

private:
    /// True when instance `i` expanded with `rn` gives strictly increasing rdatas (its stored order, no repeats).
    bool strictly_ordered(int i, std::string_view rn) {
        const RouteInstance& inst = table_.instances[static_cast<std::size_t>(i)];
        std::size_t prev_n = 0;
        for (std::size_t k = 0; k < inst.records.size(); ++k) {
            std::size_t n = expand_route_naptr(inst.records[k], rn, scratch_);
            if (n == 0) return false;
            std::span<const std::uint8_t> cur(scratch_.data(), n);
            if (k > 0 && !rdata_less(std::span<const std::uint8_t>(prev_.data(), prev_n), cur)) return false;
            std::copy_n(scratch_.begin(), n, prev_.begin());
            prev_n = n;
        }
        return true;
    }
    struct BulkRoute {
        int instance = -2;  ///< -2: not looked at yet
        std::uint32_t ttl = 0;
        bool per_rn = false;  ///< the order must be checked for every rn
    };

    /// The route's records in the order finish_rrset stores their expansion (by rdata).
    std::vector<RouteNaptr> in_stored_order(const Route& route, std::string_view rn) {
        std::vector<std::pair<std::vector<std::uint8_t>, std::size_t>> keyed;
        for (std::size_t i = 0; i < route.records.size(); ++i) {
            std::size_t n = expand_route_naptr(route.records[i], rn, scratch_);
            keyed.emplace_back(std::vector<std::uint8_t>(scratch_.begin(), scratch_.begin() + static_cast<long>(n)), i);
        }
        std::sort(keyed.begin(), keyed.end());
        std::vector<RouteNaptr> out;
        for (const auto& [bytes, i] : keyed) out.push_back(route.records[i]);
        return out;
    }

    const std::vector<Route>& routes_;
    RouteTable table_;
    std::map<std::pair<std::uint16_t, std::uint32_t>, int> index_;
    RouteScratch scratch_{};
    RouteScratch prev_{};
    std::vector<BulkRoute> bulk_;
    std::vector<std::vector<std::vector<std::uint8_t>>> cache_;  ///< per route without {rn}: expanded()
    std::vector<std::vector<std::uint8_t>> scratch_rdatas_;
};

using detail::Txn;

// Deletes every key starting with `prefix` in `dbi`.
int delete_prefix(MDB_txn* txn, MDB_dbi dbi, const std::string& prefix) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc != 0) return rc;
    MDB_val k = val(prefix);
    MDB_val v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        if (k.mv_size < prefix.size() || std::memcmp(k.mv_data, prefix.data(), prefix.size()) != 0) break;
        rc = mdb_cursor_del(cur, 0);
        if (rc != 0) break;
        rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
        if (rc == EINVAL) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/// Key of a zone version's route sets in "meta" (store.hpp).
std::string routes_key(std::uint32_t id) { return "routes" + id_prefix(id); }

/// Route sets and views as the store keeps them in "meta" (null: none, or not readable).
std::shared_ptr<const RouteTable> routes_from(std::span<const std::uint8_t> blob) {
    auto table = decode_route_table(blob);
    return table ? std::make_shared<const RouteTable>(std::move(*table)) : nullptr;
}
std::shared_ptr<const ViewTable> views_from(std::span<const std::uint8_t> blob) {
    auto table = ViewTable::decode(blob);
    if (!table || table->views.empty()) return nullptr;
    return std::make_shared<const ViewTable>(std::move(*table));
}

/// Key of a zone version's views in "meta" (views.hpp; store.hpp).
std::string views_key(std::uint32_t id) { return "views" + id_prefix(id); }

/// Key of the mark that a zone version is plain (ZoneInfo::plain) in "meta": present or absent, no value.
std::string plain_key(std::uint32_t id) { return "plain" + id_prefix(id); }

/// A table of zone version `id` in "meta" under `key` (none: null), decoded by `decode` unless `before` holds
/// the same bytes decoded already (Reader::load_zones after a live change: the route sets of a carrier zone
/// were decoded on every refresh, a few percent of a single API PUT's CPU). `bytes` gets the stored bytes.
template <typename T, typename Decode>
std::shared_ptr<const T> read_table(MDB_txn* t, MDB_dbi meta, const std::string& key, std::string* before_bytes,
                                    const std::shared_ptr<const T>* before, std::string& bytes, Decode&& decode) {
    MDB_val k = val(key);
    MDB_val v;
    bytes.clear();
    if (mdb_get(t, meta, &k, &v) != 0) return nullptr;
    std::string_view now(static_cast<const char*>(v.mv_data), v.mv_size);
    if (before_bytes != nullptr && before != nullptr && *before != nullptr && *before_bytes == now) {
        bytes = std::move(*before_bytes);  // the old zone list is about to be replaced
        return *before;
    }
    bytes.assign(now);
    return decode(as_span(v));
}

/// The route sets of zone version `id` (none: null).
std::shared_ptr<const RouteTable> read_routes(MDB_txn* t, MDB_dbi meta, std::uint32_t id) {
    std::string bytes;
    return read_table<RouteTable>(t, meta, routes_key(id), nullptr, nullptr, bytes, routes_from);
}

/// Deletes what a zone version keeps in "meta" beside its nodes: its route sets, its views, its plain mark.
int delete_routes(MDB_txn* t, MDB_dbi meta, std::uint32_t id) {
    for (const std::string& key : {routes_key(id), views_key(id), plain_key(id)}) {
        MDB_val k = val(key);
        int rc = mdb_del(t, meta, &k, nullptr);
        if (rc != 0 && rc != MDB_NOTFOUND) return rc;
    }
    return 0;
}

// ---- journal (IXFR): key = u16 BE length + origin key + u64 BE sequence

/// Key of a zone in the "zones" database: one tag byte before the origin's
/// lookup key, because the root zone's lookup key is empty and LMDB refuses
/// empty keys.
std::string zone_db_key(const std::string& origin_key) { return "Z" + origin_key; }
std::string origin_key_of(const MDB_val& k) {
    if (k.mv_size == 0) return {};
    return {static_cast<const char*>(k.mv_data) + 1, k.mv_size - 1};
}

std::string journal_prefix(const std::string& origin_key) {
    std::string p;
    p.push_back(static_cast<char>(origin_key.size() >> 8));
    p.push_back(static_cast<char>(origin_key.size() & 0xFF));
    p += origin_key;
    return p;
}

/// Appends one journal record: u8 owner length, owner wire, u16 type, u32 ttl, u16 rdlen, rdata (LE).
void put_journal_record(std::string& out, const dns::Name& owner, std::uint16_t type, std::uint32_t ttl,
                        std::span<const std::uint8_t> rdata) {
    out.push_back(static_cast<char>(owner.wire_size()));
    out.append(reinterpret_cast<const char*>(owner.wire().data()), owner.wire_size());
    put_le(out, type);
    put_le(out, ttl);
    put_le(out, static_cast<std::uint16_t>(rdata.size()));
    out.append(reinterpret_cast<const char*>(rdata.data()), rdata.size());
}

bool span_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    return rdata_less(a, b);
}

/// Collects the record-level difference between two versions of a zone.
struct JournalBuilder {
    std::string removed;
    std::string added;
    std::uint32_t n_removed = 0;
    std::uint32_t n_added = 0;
    std::size_t limit = 0;
    bool overflow = false;

    void remove(const dns::Name& owner, std::uint16_t type, std::uint32_t ttl, std::span<const std::uint8_t> rd) {
        if (++n_removed + n_added > limit) overflow = true;
        if (!overflow) put_journal_record(removed, owner, type, ttl, rd);
    }
    void add(const dns::Name& owner, std::uint16_t type, std::uint32_t ttl, std::span<const std::uint8_t> rd) {
        if (n_removed + ++n_added > limit) overflow = true;
        if (!overflow) put_journal_record(added, owner, type, ttl, rd);
    }
    /// One owner: every RRset except the SOA (handled by the caller). The new version either built in memory
    /// (a zone without bulk numbers) or already stored (diff_stored_versions).
    void node(const dns::Name& owner, const NodeView* old_node, const BuildNode* new_node) {
        Sides types;
        stored(types, old_node, true);
        if (new_node != nullptr) {
            for (const auto& [type, rs] : new_node->rrsets) types[type].second.take(rs);
        }
        diff(owner, types);
    }
    void node(const dns::Name& owner, const NodeView* old_node, const NodeView* new_node) {
        Sides types;
        stored(types, old_node, true);
        stored(types, new_node, false);
        diff(owner, types);
    }

private:
    /// One version's RRset of one type, in canonical rdata order.
    struct Side {
        bool present = false;
        std::uint32_t ttl = 0;
        std::vector<std::span<const std::uint8_t>> rdatas;
        std::vector<std::vector<std::uint8_t>> expanded;  // a route set's rdatas share one scratch: copied
        void take(const RrsetView& rs) {
            present = true;
            ttl = rs.ttl;
            expanded.reserve(rs.route != nullptr ? rs.count : 0);  // no reallocation: the spans stay valid
            std::size_t off = 0;
            std::span<const std::uint8_t> rd;
            while (rs.next(off, rd)) {
                if (rs.route != nullptr) {
                    expanded.emplace_back(rd.begin(), rd.end());
                    rd = expanded.back();
                }
                rdatas.push_back(rd);
            }
        }
        void take(const BuildRrset& rs) {
            present = true;
            ttl = rs.ttl;
            for (const Record* r : rs.records) rdatas.emplace_back(r->rdata.data(), r->rdata.size());
        }
    };
    using Sides = std::map<std::uint16_t, std::pair<Side, Side>>;

    static void stored(Sides& types, const NodeView* node, bool old_side) {
        if (node == nullptr) return;
        std::size_t off = 0;
        RrsetView rs;
        while (node->next(off, rs)) {
            auto& pair = types[static_cast<std::uint16_t>(rs.type)];
            (old_side ? pair.first : pair.second).take(rs);
        }
    }

    void diff(const dns::Name& owner, const Sides& types) {
        for (const auto& [type, pair] : types) {
            if (type == static_cast<std::uint16_t>(dns::RrType::SOA)) continue;
            const auto& [o, n] = pair;
            const auto& olds = o.rdatas;
            const auto& news = n.rdatas;
            // A TTL change replaces the whole RRset (RFC 1995 carries records, not TTL edits).
            bool ttl_changed = o.present && n.present && o.ttl != n.ttl;
            std::size_t i = 0;
            std::size_t j = 0;
            while (i < olds.size() || j < news.size()) {
                bool same = !ttl_changed && i < olds.size() && j < news.size() &&
                            std::equal(olds[i].begin(), olds[i].end(), news[j].begin(), news[j].end());
                if (same) {
                    ++i;
                    ++j;
                } else if (j >= news.size() || (i < olds.size() && (ttl_changed || span_less(olds[i], news[j])))) {
                    remove(owner, type, o.ttl, olds[i++]);
                } else {
                    add(owner, type, n.ttl, news[j++]);
                }
            }
        }
    }
};

}  // namespace

// ------------------------------------------------------------------ views

std::uint32_t JournalView::from_serial() const noexcept { return valid() ? get_le<std::uint32_t>(blob_.data()) : 0; }
std::uint32_t JournalView::to_serial() const noexcept { return valid() ? get_le<std::uint32_t>(blob_.data() + 4) : 0; }
std::uint32_t JournalView::removed_count() const noexcept {
    return valid() ? get_le<std::uint32_t>(blob_.data() + 8) : 0;
}
std::uint32_t JournalView::added_count() const noexcept {
    return valid() ? get_le<std::uint32_t>(blob_.data() + 12) : 0;
}

bool JournalView::next(std::size_t& offset, JournalRecord& out) const noexcept {
    if (offset == 0) offset = 16;
    if (offset + 1 > blob_.size()) return false;
    std::size_t nlen = blob_[offset];
    if (offset + 1 + nlen + 8 > blob_.size()) return false;
    auto name = dns::Name::from_uncompressed(blob_.subspan(offset + 1, nlen));
    if (!name) return false;
    const std::uint8_t* p = blob_.data() + offset + 1 + nlen;
    out.owner = *name;
    out.type = static_cast<dns::RrType>(get_le<std::uint16_t>(p));
    out.ttl = get_le<std::uint32_t>(p + 2);
    std::size_t rdlen = get_le<std::uint16_t>(p + 6);
    std::size_t start = offset + 1 + nlen + 8;
    if (start + rdlen > blob_.size()) return false;
    out.rdata = blob_.subspan(start, rdlen);
    offset = start + rdlen;
    return true;
}

bool RrsetView::next(std::size_t& offset, std::span<const std::uint8_t>& rdata) const noexcept {
    if (route != nullptr) {
        // A route set: record `offset` of the templates, with this node's rn.
        if (scratch == nullptr || offset >= route->records.size()) return false;
        std::size_t n = expand_route_naptr(route->records[offset], rn, *scratch);
        if (n == 0) return false;  // the store checked every stored reference expands
        rdata = std::span<const std::uint8_t>(scratch->data(), n);
        ++offset;
        return true;
    }
    if (offset + 2 > body.size()) return false;
    std::size_t len = get_le<std::uint16_t>(body.data() + offset);
    if (offset + 2 + len > body.size()) return false;
    rdata = body.subspan(offset + 2, len);
    offset += 2 + len;
    return true;
}

std::size_t NodeView::header_size() const noexcept {
    if (blob_.size() < 2 || (blob_[0] & node_flags::kRouted) == 0) return 2;
    if ((blob_[0] & node_flags::kRouteRn) == 0) return 4;
    return blob_.size() < 5 ? 5 : 5 + std::size_t{blob_[4]};
}

bool NodeView::route_rrset(RrsetView& out) const noexcept {
    if (routes_ == nullptr || (blob_[0] & node_flags::kRouted) == 0) return false;
    std::size_t instance = get_le<std::uint16_t>(blob_.data() + 2);
    if (instance >= routes_->instances.size()) return false;
    const RouteInstance& inst = routes_->instances[instance];
    out.type = dns::RrType::NAPTR;
    out.ttl = inst.ttl;
    out.count = static_cast<std::uint16_t>(inst.records.size());
    out.body = {};
    out.route = &inst;
    out.rn = (blob_[0] & node_flags::kRouteRn) != 0
                 ? std::string_view(reinterpret_cast<const char*>(blob_.data() + 5), blob_[4])
                 : std::string_view();
    out.scratch = scratch_;
    return true;
}

namespace {
/// High bit of a NodeView iteration offset: the route set was visited.
constexpr std::size_t kRouteVisited = std::size_t{1} << (8 * sizeof(std::size_t) - 1);
}  // namespace

namespace {
/// Second-highest bit of a NodeView iteration offset: the default's RRsets are done, the
/// view's own types (those the default does not have) are being iterated.
constexpr std::size_t kOverridePhase = std::size_t{1} << (8 * sizeof(std::size_t) - 2);
}  // namespace

bool NodeView::next(std::size_t& offset, RrsetView& out) const noexcept {
    if (!over_.empty()) [[unlikely]] {
        // A view's node (views.hpp): the default's RRsets, each replaced by the view's of its type
        // (per RRset, as Knot's geoip module), then the view's types the default does not have.
        const NodeView over(over_);
        if ((offset & kOverridePhase) == 0) {
            if (next_own(offset, out)) {
                if (auto o = over.find(out.type)) out = *o;
                return true;
            }
            offset = kOverridePhase;
        }
        std::size_t pos = offset & ~kOverridePhase;
        while (over.next_own(pos, out)) {
            offset = pos | kOverridePhase;
            if (!find_own(out.type)) return true;
        }
        offset = pos | kOverridePhase;
        return false;
    }
    return next_own(offset, out);
}

bool NodeView::next_own(std::size_t& offset, RrsetView& out) const noexcept {
    if (!valid()) return false;
    std::size_t visited = offset & kRouteVisited;
    std::size_t pos = offset & ~kRouteVisited;
    if (pos == 0) pos = header_size();
    if ((blob_[0] & node_flags::kRouted) != 0 && visited == 0) {
        // The route set (NAPTR) comes where the expanded node would have it: in type order.
        bool stored_first = pos + 12 <= blob_.size() &&
                            get_le<std::uint16_t>(blob_.data() + pos) < static_cast<std::uint16_t>(dns::RrType::NAPTR);
        if (!stored_first) {
            visited = kRouteVisited;
            offset = pos | visited;
            if (route_rrset(out)) return true;
        }
    }
    if (pos + 12 > blob_.size()) return false;
    const std::uint8_t* p = blob_.data() + pos;
    out.type = static_cast<dns::RrType>(get_le<std::uint16_t>(p));
    out.count = get_le<std::uint16_t>(p + 2);
    out.ttl = get_le<std::uint32_t>(p + 4);
    std::size_t len = get_le<std::uint32_t>(p + 8);
    if (pos + 12 + len > blob_.size()) return false;
    out.body = blob_.subspan(pos + 12, len);
    out.route = nullptr;
    out.rn = {};
    out.scratch = nullptr;
    offset = (pos + 12 + len) | visited;
    return true;
}

std::optional<RrsetView> NodeView::find(dns::RrType type) const noexcept {
    if (!over_.empty()) [[unlikely]] {
        if (auto o = NodeView(over_).find_own(type)) return o;
    }
    return find_own(type);
}

std::optional<RrsetView> NodeView::find_own(dns::RrType type) const noexcept {
    if (type == dns::RrType::NAPTR && valid() && (blob_[0] & node_flags::kRouted) != 0) {
        RrsetView rs;
        if (route_rrset(rs)) return rs;
        return std::nullopt;
    }
    std::size_t off = 0;
    RrsetView rs;
    while (next_own(off, rs)) {
        if (rs.type == type && rs.route == nullptr) return rs;
    }
    return std::nullopt;
}

// ------------------------------------------------------------------ map gate

/// A reader's "my snapshot is live" flag, on a cache line of its own so that
/// setting it per query costs no contention between worker threads.
struct alignas(64) MapSlot {
    std::atomic<bool> live{false};
};

/// Remapping the LMDB environment (mdb_env_set_mapsize) unmaps the pages
/// every live snapshot of this process points into, so it may only happen
/// while none is live (LMDB leaves that to the caller). Readers raise their
/// slot's flag, then check `closed_`; a remapper sets `closed_`, then checks
/// every flag (both sequentially consistent, so one of them sees the other).
/// A remapper keeps the gate closed for at most kGateHold while the live
/// snapshots end (a query's lasts microseconds), then opens it again and
/// retries later: the live snapshot may belong to a zone transfer on a thread
/// that is waiting at this gate. (Opening it again at once, as before, let a
/// busy query thread starve a growing writer.)
class MapGate {
public:
    /// A new slot, listed until drop().
    std::unique_ptr<MapSlot> add() {
        auto slot = std::make_unique<MapSlot>();
        std::lock_guard lock(mu_);
        slots_.push_back(slot.get());
        return slot;
    }
    void drop(MapSlot* slot) {
        std::lock_guard lock(mu_);
        slots_.erase(std::remove(slots_.begin(), slots_.end(), slot), slots_.end());
    }

    /// A slot raised for one scope (Store::reader's first transaction).
    class Scope {
    public:
        Scope(MapGate& gate, std::atomic<bool>& live) : gate_(gate), live_(live) { enter(); }
        ~Scope() { leave(); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
        void enter() noexcept { gate_.enter(live_); }
        void leave() noexcept { MapGate::leave(live_); }

    private:
        MapGate& gate_;
        std::atomic<bool>& live_;
    };

    void enter(std::atomic<bool>& live) noexcept {
        while (true) {
            live.store(true);
            if (!closed_.load()) return;
            live.store(false);
            while (closed_.load()) std::this_thread::yield();
        }
    }
    static void leave(std::atomic<bool>& live) noexcept { live.store(false, std::memory_order_release); }

    /// Write transactions of this process that are live (they read through the map too).
    std::atomic<int> writers{0};
    /// Counts a writer in, the way enter() lets a reader in: never while a remap runs
    /// (a writer counted after the remapper's check would write through the old map).
    void enter_writer() noexcept {
        while (true) {
            writers.fetch_add(1);
            if (!closed_.load()) return;
            writers.fetch_sub(1);
            while (closed_.load()) std::this_thread::yield();
        }
    }
    void leave_writer() noexcept { writers.fetch_sub(1); }
    /// One writing thread at a time, its remaps included: the compile path (a reload) and the
    /// live-change writer are different threads, and a remap by one while the other reads the
    /// environment's meta pages (mdb_env_info) crashed enumd under reloads and live changes (the soak).
    std::mutex write_mu;

    /// Runs `f` while no snapshot and no write of this process is live;
    /// false when that did not happen within `patience`.
    template <typename F>
    bool exclusive(std::chrono::milliseconds patience, F&& f) {
        std::lock_guard remapping(remap_mu_);
        auto deadline = std::chrono::steady_clock::now() + patience;
        while (true) {
            {
                std::lock_guard lock(mu_);
                closed_.store(true);
                auto hold_until = std::chrono::steady_clock::now() + kGateHold;
                while (!idle()) {
                    if (std::chrono::steady_clock::now() >= hold_until) break;
                    std::this_thread::yield();
                }
                if (idle()) {
                    f();
                    closed_.store(false);
                    return true;
                }
                closed_.store(false);
            }
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

private:
    /// How long a remapper keeps the gate closed waiting for live snapshots before it opens it again.
    static constexpr std::chrono::milliseconds kGateHold{2};
    /// No write and no snapshot of this process is live (mu_ held).
    bool idle() const noexcept {
        if (writers.load() != 0) return false;
        for (const auto& slot : slots_)
            if (slot->live.load()) return false;
        return true;
    }

    std::mutex mu_;        ///< guards slots_
    std::mutex remap_mu_;  ///< one remapper at a time
    std::vector<MapSlot*> slots_;  ///< owned by the readers
    std::atomic<bool> closed_{false};
};

/// How long a remap waits for live snapshots. A writer growing the map waits
/// for zone transfers in flight (they hold a snapshot for up to their 30 s
/// deadline); a reader adopting a map another process grew holds up its
/// worker, so it gives up soon and the query gets SERVFAIL (only while a
/// transfer's snapshot of the old map is live on this process).
constexpr std::chrono::milliseconds kWriterPatience{120000};
constexpr std::chrono::milliseconds kReaderPatience{20};

/// The page count LMDB has used so far times the page size.
std::size_t used_bytes(MDB_env* env) {
    MDB_envinfo info{};
    MDB_stat st{};
    if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &st) != 0) return 0;
    return (info.me_last_pgno + 1) * st.ms_psize;
}

/// Bytes of a zone's new version, roughly: records with their owners, bulk numbers, streamed records.
std::size_t version_bytes(const Zone& z) {
    std::size_t bytes = 0;
    for (const Record& r : z.records) bytes += r.owner.wire_size() + r.rdata.size() + kBytesPerNode;
    if (z.bulk) bytes += z.bulk->size() * kBytesPerNode;
    if (z.streamed) bytes += z.streamed->bytes() + z.streamed->size() * kBytesPerNode;
    return bytes;
}

/// Bytes a write of `zones` may need, generously: their new versions twice (page splits, ENT nodes; the old
/// version's pages stay in use until the commit).
std::size_t write_estimate(const std::vector<Zone>& zones) {
    std::size_t bytes = 0;
    for (const Zone& z : zones) bytes += version_bytes(z);
    return 2 * bytes + (std::size_t{1} << 20);
}

// ------------------------------------------------------------------ store

namespace {

/// The nodes' lookup keys must be of this build's format (dns::kLookupKeyFormat): an older database's keys
/// would be misread as other names. A new database gets the mark; an unmarked one with nodes is refused.
std::string check_key_format(MDB_txn* txn, MDB_dbi meta, MDB_dbi nodes, bool writable) {
    const std::string want = std::to_string(dns::kLookupKeyFormat);
    MDB_val k{sizeof kKeyFormatKey - 1, const_cast<char*>(kKeyFormatKey)};
    MDB_val v{};
    int rc = mdb_get(txn, meta, &k, &v);
    if (rc == 0) {
        std::string have(static_cast<const char*>(v.mv_data), v.mv_size);
        if (have == want) return {};
        return "has lookup keys of format " + have + ", this enumd reads format " + want +
               ": compile the zones into a new database directory";
    }
    if (rc != MDB_NOTFOUND) return lmdb_error("key_format", rc);
    MDB_stat st{};
    if (mdb_stat(txn, nodes, &st) == 0 && st.ms_entries != 0)
        return "was compiled by an older enumd (lookup key format 1, before one-digit labels took one octet): "
               "compile the zones into a new database directory (enumctl compile --db NEW ZONES...) and serve that";
    if (!writable) return {};
    v = MDB_val{want.size(), const_cast<char*>(want.data())};
    rc = mdb_put(txn, meta, &k, &v, 0);
    return rc == 0 ? std::string() : lmdb_error("key_format", rc);
}

}  // namespace

dns::Result<std::unique_ptr<Store>> Store::open(const std::string& path, const Options& options) {
    if (!options.read_only) {
        if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
            return make_error("cannot create database directory " + path + ": " + std::strerror(errno));
    }
    std::unique_ptr<Store> s(new Store());
    s->path_ = path;
    s->grow_ahead_ = options.grow_ahead;
    s->on_remap_ = options.on_remap;
    int rc = mdb_env_create(&s->env_);
    if (rc != 0) return make_error(lmdb_error("mdb_env_create", rc));
    mdb_env_set_maxdbs(s->env_, 8);
    mdb_env_set_maxreaders(s->env_, options.max_readers);
    // MDB_NOTLS: a read transaction belongs to a Reader object, not to a thread.
    // No map size before the open: an existing database's own (grown) size is taken.
    // MDB_NOMETASYNC (writable): a commit syncs the data pages, then writes the meta page without waiting
    // for it — readers see the new version one fsync earlier — and Txn::commit syncs the file before it
    // returns, so nothing is acknowledged before it is on disk (store_internal.hpp). The data pages are
    // always on disk before the meta page that points at them: a crash loses at most the unacknowledged
    // last commit, never the database's integrity (LMDB's documented guarantee for this flag).
    unsigned flags = MDB_NOTLS | (options.read_only ? MDB_RDONLY : MDB_NOMETASYNC);
    rc = mdb_env_open(s->env_, path.c_str(), flags, 0644);
    if (rc != 0) {
        mdb_env_close(s->env_);
        s->env_ = nullptr;
        return make_error(lmdb_error(("cannot open database " + path).c_str(), rc));
    }
    if (s->map_size() < options.map_size) mdb_env_set_mapsize(s->env_, options.map_size);  // no txn yet
    if (!options.read_only) {
        int dead = 0;
        mdb_reader_check(s->env_, &dead);  // reader slots of killed processes
    }
    Txn txn;
    rc = txn.begin(s->env_, options.read_only ? MDB_RDONLY : 0);
    if (rc == MDB_MAP_RESIZED) {  // another process grew it since the open
        mdb_env_set_mapsize(s->env_, 0);
        rc = txn.begin(s->env_, options.read_only ? MDB_RDONLY : 0);
    }
    if (rc != 0) return make_error(lmdb_error("mdb_txn_begin", rc));
    unsigned create = options.read_only ? 0 : MDB_CREATE;
    MDB_dbi d = 0;
    if ((rc = mdb_dbi_open(txn.get(), "meta", create, &d)) != 0)
        return make_error(lmdb_error(("database " + path + " has no compiled zones").c_str(), rc));
    s->meta_dbi_ = d;
    if ((rc = mdb_dbi_open(txn.get(), "zones", create, &d)) != 0) return make_error(lmdb_error("zones", rc));
    s->zones_dbi_ = d;
    if ((rc = mdb_dbi_open(txn.get(), "nodes", create, &d)) != 0) return make_error(lmdb_error("nodes", rc));
    s->nodes_dbi_ = d;
    if (auto bad = check_key_format(txn.get(), s->meta_dbi_, s->nodes_dbi_, !options.read_only); !bad.empty())
        return make_error("database " + path + " " + bad);
    // Databases compiled before the journal existed have none: IXFR falls back to AXFR.
    if (mdb_dbi_open(txn.get(), "journal", create, &d) == 0) s->journal_dbi_ = d;
    // Live changes' overrides (store_update.cpp); absent in older read-only databases.
    if (mdb_dbi_open(txn.get(), "live", create, &d) == 0) s->live_dbi_ = d;
    s->journal_depth_ = options.journal_depth;
    s->journal_max_records_ = options.journal_max_records;
    s->stage_bytes_ = options.read_only ? 0 : options.stage_bytes;
    if ((rc = txn.commit()) != 0) return make_error(lmdb_error("mdb_txn_commit", rc));
    return s;
}

Store::Store() : gate_(std::make_unique<MapGate>()), apply_cache_(detail::new_apply_cache(), &detail::free_apply_cache) {}

Store::~Store() {
    if (env_ != nullptr) mdb_env_close(env_);
}

int Store::sync() noexcept { return mdb_env_sync(env_, 1); }

std::size_t Store::map_size() const noexcept {
    MDB_envinfo info{};
    if (mdb_env_info(env_, &info) != 0) return 0;
    return info.me_mapsize;
}

int Store::remap(std::size_t size, bool patient) {
    int rc = 0;
    Remap done;
    done.adopted = size == 0;
    auto start = std::chrono::steady_clock::now();
    bool ran = gate_->exclusive(patient ? kWriterPatience : kReaderPatience, [&] {
        auto entered = std::chrono::steady_clock::now();
        done.waited = entered - start;
        done.from = map_size();
        rc = mdb_env_set_mapsize(env_, size);
        done.to = map_size();
        done.took = std::chrono::steady_clock::now() - entered;
    });
    if (!ran) return MDB_MAP_RESIZED;
    if (on_remap_ && done.to != done.from) on_remap_(done);
    return rc;
}

dns::Result<WriteReport> Store::write_growing(std::size_t estimate,
                                              const std::function<dns::Result<WriteReport>()>& attempt) {
    std::lock_guard one_writer(gate_->write_mu);
    // Every look at the environment (its meta pages live in the map) happens counted as a writer.
    auto counted = [&](auto&& f) {
        gate_->enter_writer();
        auto v = f();
        gate_->leave_writer();
        return v;
    };
    if (grow_ahead_) {
        auto [want, size] = counted([&] { return std::pair{used_bytes(env_) + estimate, map_size()}; });
        if (size < want) {
            while (size < want) size *= 2;
            if (int rc = remap(size, true); rc != 0) return make_error(lmdb_error("growing the map", rc));
        }
    }
    while (true) {
        t_map_rc = 0;
        gate_->enter_writer();
        auto report = attempt();
        std::size_t size = report || t_map_rc != MDB_MAP_FULL ? 0 : map_size() * 2;
        gate_->leave_writer();
        if (report || t_map_rc == 0) return report;
        // The transaction is gone. MDB_MAP_RESIZED: another process grew the map, adopt its size (0);
        // MDB_MAP_FULL: double the map (no fixed ceiling — only a failing mmap ends it). Then again.
        if (int rc = remap(size, true); rc != 0)
            return make_error(report.error() + "; growing the map to " + std::to_string(size >> 20) +
                              " MiB failed: " + mdb_strerror(rc));
    }
}

dns::Result<WriteReport> Store::write(const std::vector<Zone>& zones, const WriteOptions& options) {
    return write_growing(write_estimate(zones), [&] { return write_once(zones, options); });
}

dns::Result<WriteReport> Store::remove(const std::vector<dns::Name>& origins) {
    return write_growing(0, [&] { return remove_once(origins); });
}

namespace {

/// The databases of one Store, for the write helpers below.
struct Dbis {
    MDB_dbi meta = 0;
    MDB_dbi zones = 0;
    MDB_dbi nodes = 0;
    MDB_dbi journal = 0;  ///< 0: a database compiled before the journal existed
    MDB_dbi live = 0;     ///< live overrides (store_update.cpp); 0: none
};

/// How much IXFR history a zone keeps (Store::Options).
struct JournalLimits {
    std::size_t depth = 0;
    std::size_t max_records = 0;
};

using Status = std::optional<dns::Error>;  ///< nothing, or why a write failed

std::uint64_t read_u64(MDB_txn* t, MDB_dbi meta, const char* key, std::uint64_t def) {
    MDB_val k{std::strlen(key), const_cast<char*>(key)};
    MDB_val v;
    if (mdb_get(t, meta, &k, &v) == 0 && v.mv_size == 8) return get_le<std::uint64_t>(as_span(v).data());
    return def;
}

int write_u64(MDB_txn* t, MDB_dbi meta, const char* key, std::uint64_t value) {
    MDB_val k{std::strlen(key), const_cast<char*>(key)};
    MDB_val v{8, &value};
    return mdb_put(t, meta, &k, &v, 0);
}

std::optional<ZoneMeta> read_zone_meta(MDB_txn* t, MDB_dbi zones, const std::string& zkey) {
    MDB_val k = val(zkey);
    MDB_val v;
    ZoneMeta m;
    if (mdb_get(t, zones, &k, &v) == 0 && decode_meta(as_span(v), m)) return m;
    return std::nullopt;
}

/// A zone's records as the nodes to store: keyed by owner lookup key
/// relative to the origin, flagged, hashed.
struct BuiltZone {
    NodeMap nodes;
    const std::vector<std::uint8_t>* soa_rdata = nullptr;  ///< the apex SOA
    std::uint64_t records = 0;                             ///< after de-duplication (typed records)
    std::unique_ptr<RouteTableBuilder> routes;             ///< route sets the nodes refer to (and bulk numbers will)
};

/// Every ancestor of a node up to the apex exists: the empty non-terminals
/// are stored as nodes without RRsets (RFC 4592 §2.2.2: they block wildcards).
///
/// One pass in key order, without a lookup per ancestor (which was most of a
/// large zone's build): an ancestor of a key that it does not share with the
/// key before it sorts between the two, so it is not a node. Those it shares
/// are the previous key's ancestors, already present or found. The map starts
/// with the apex "", an ancestor of every key.
void add_empty_non_terminals(NodeMap& nodes) {
    std::vector<std::string> ents;
    std::span<const std::uint8_t> prev;
    for (const auto& [key, node] : nodes) {
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        for (std::size_t l = dns::common_key_labels(prev, ks) + 1; l < labels; ++l)
            ents.push_back(key.substr(0, dns::key_prefix_length(ks, l)));
        prev = ks;
    }
    if (ents.empty()) return;
    // In key order and none of them a node yet: one merge of the two runs, from the back, in the nodes'
    // own vector (build_zone reserved room for them: no second copy of the nodes at the peak).
    NodeMap::sequence_type seq = nodes.extract_sequence();
    std::size_t i = seq.size();
    std::size_t j = ents.size();
    seq.resize(i + j);
    for (std::size_t k = seq.size(); j > 0;) {
        if (i > 0 && ents[j - 1] < seq[i - 1].first) {
            seq[--k] = std::move(seq[--i]);
        } else {
            seq[--k] = NodeMap::value_type(std::move(ents[--j]), BuildNode{});
        }
    }
    nodes.adopt_sequence(boost::container::ordered_unique_range, std::move(seq));
}

/// Flags (apex, zone cuts, occlusion below cuts, wildcard children) in one
/// pass in canonical order.
void flag_nodes(NodeMap& nodes) {
    std::string cut;  // current zone cut key ("" = none)
    bool in_cut = false;
    for (auto& [key, node] : nodes) {
        if (in_cut && (key.size() <= cut.size() || key.compare(0, cut.size(), cut) != 0)) in_cut = false;
        if (key.empty()) {
            node.flags |= node_flags::kApex;
        } else if (in_cut) {
            node.flags |= node_flags::kOccluded;
        } else if (node.rrsets.count(static_cast<std::uint16_t>(dns::RrType::NS)) != 0) {
            node.flags |= node_flags::kDelegation;
            cut = key;
            in_cut = true;
        }
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        if (labels > 0) {
            std::size_t plen = dns::key_prefix_length(ks, labels - 1);
            // The parent is a node (every ancestor is, add_empty_non_terminals): no insertion under the loop.
            if (key.size() - plen == 2 && key[plen] == '*') {
                auto parent = nodes.find(key.substr(0, plen));
                if (parent != nodes.end()) parent->second.flags |= node_flags::kWildcardChild;
            }
        }
    }
}

/// The content hash (auto serial): over every node in canonical order, its
/// key and RRsets, the SOA serial excluded; a routed RRset counts as its
/// records (the zone written out has the same hash).
class ContentHash {
public:
    void node(std::string_view key) { hash_.add(key.data(), key.size() + 1); }
    void rrset(std::uint16_t type, const BuildRrset& rs) {
        head(type, rs.ttl);
        for (const Record* r : rs.records) record(type, r->rdata);
    }
    void rdatas(std::uint16_t type, std::uint32_t ttl, const std::vector<std::vector<std::uint8_t>>& rds) {
        head(type, ttl);
        for (const auto& rd : rds) hash_.add(rd.data(), rd.size());
    }
    void head(std::uint16_t type, std::uint32_t ttl) {
        hash_.add(&type, 2);
        hash_.add(&ttl, 4);
    }
    void record(std::uint16_t type, std::span<const std::uint8_t> rd) {
        if (type == static_cast<std::uint16_t>(dns::RrType::SOA) && rd.size() >= 20) {
            // The serial is excluded: auto-serial bumps it only when the rest changed.
            hash_.add(rd.data(), rd.size() - 20);
            hash_.add(rd.data() + rd.size() - 16, 16);
        } else {
            hash_.add(rd.data(), rd.size());
        }
    }
    [[nodiscard]] std::uint64_t value() const noexcept { return hash_.h; }

private:
    Fnv hash_;
};

/// Groups by relative key, then type; removes repeated records; adds the
/// empty non-terminals; flags and hashes. Fails on an owner outside the zone
/// or too long for a key, and on a zone without SOA.
dns::Result<BuiltZone> build_zone(const Zone& zone, const std::string& origin_key) {
    BuiltZone b;
    std::array<std::uint8_t, dns::kMaxLookupKey> buf{};
    // The nodes in record order, an owner's records together where they come together; sorted and merged
    // below when the records were not in key order.
    NodeMap::sequence_type seq;
    // At most a node per record, and room for the empty non-terminals: no moves as it grows (a reservation's
    // pages are touched only when used).
    seq.reserve(zone.records.size() + zone.records.size() / 2 + 1);
    seq.emplace_back(std::string(), BuildNode{});  // the apex always exists
    bool in_order = true;
    for (const Record& r : zone.records) {
        if (!r.owner.is_subdomain_of(zone.origin))
            return make_error(r.loc.to_text() + ": owner " + r.owner.to_text() + " is outside zone " +
                              zone.origin.to_text());
        std::size_t len = r.owner.to_lookup_key(buf);
        std::string_view key(reinterpret_cast<const char*>(buf.data()) + origin_key.size(), len - origin_key.size());
        if (key.size() + 4 > 511)
            return make_error(r.loc.to_text() + ": owner " + r.owner.to_text() + " is too long to store");
        // Records come mostly in key order and an owner's together (zone files, exports).
        if (seq.back().first != key) {
            if (key < std::string_view(seq.back().first)) in_order = false;
            seq.emplace_back(std::string(key), BuildNode{});
        }
        seq.back().second.rrsets[static_cast<std::uint16_t>(r.type)].records.push_back(&r);
    }
    if (!in_order) {
        std::stable_sort(seq.begin(), seq.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        std::size_t out = 0;
        for (std::size_t i = 1; i < seq.size(); ++i) {
            if (seq[i].first == seq[out].first) {
                for (auto& [type, rs] : seq[i].second.rrsets) {
                    auto& into = seq[out].second.rrsets[type].records;
                    into.insert(into.end(), rs.records.begin(), rs.records.end());
                }
            } else if (++out != i) {
                seq[out] = std::move(seq[i]);
            }
        }
        seq.resize(out + 1);
    }
    b.nodes.adopt_sequence(boost::container::ordered_unique_range, std::move(seq));
    b.routes = std::make_unique<RouteTableBuilder>(zone.routes);
    RouteTableBuilder& routes = *b.routes;
    for (auto& [key, node] : b.nodes) {
        for (auto& [type, rs] : node.rrsets) {
            b.records += finish_rrset(rs);
            if (type == static_cast<std::uint16_t>(dns::RrType::NAPTR) && !zone.routes.empty()) routes.assign(rs);
            // The apex SOA given last wins (validation allows only one).
            if (type == static_cast<std::uint16_t>(dns::RrType::SOA) && key.empty())
                b.soa_rdata = &(*std::max_element(rs.records.begin(), rs.records.end(), std::less<>()))->rdata;
        }
    }
    if (b.soa_rdata == nullptr) return make_error(zone.loc.to_text() + ": zone " + zone.origin.to_text() + " has no SOA");
    add_empty_non_terminals(b.nodes);
    flag_nodes(b.nodes);
    return b;
}

/// The record difference between the stored version `old_id` and `nodes`,
/// walking both in key order; `old_soa` gets the stored apex SOA rdata.
int diff_with_stored(MDB_txn* t, const Dbis& d, std::uint32_t old_id, const std::string& origin_key,
                     const NodeMap& nodes, JournalBuilder& jb,
                     std::vector<std::uint8_t>& old_soa) {
    const MDB_dbi nodes_dbi = d.nodes;
    std::shared_ptr<const RouteTable> old_routes = read_routes(t, d.meta, old_id);
    auto scratch = std::make_unique<RouteScratch>();
    std::string oprefix = id_prefix(old_id);
    MDB_cursor* oc = nullptr;
    if (int rc = mdb_cursor_open(t, nodes_dbi, &oc); rc != 0) return rc;
    MDB_val ok = val(oprefix);
    MDB_val ov;
    int orc = mdb_cursor_get(oc, &ok, &ov, MDB_SET_RANGE);
    auto old_valid = [&] { return orc == 0 && ok.mv_size >= 4 && std::memcmp(ok.mv_data, oprefix.data(), 4) == 0; };
    auto nit = nodes.begin();
    std::string full;
    while (!jb.overflow && (old_valid() || nit != nodes.end())) {
        std::string_view okey;
        if (old_valid()) okey = std::string_view(static_cast<const char*>(ok.mv_data) + 4, ok.mv_size - 4);
        int cmp = !old_valid() ? 1 : nit == nodes.end() ? -1 : okey.compare(nit->first);
        full = origin_key;
        full += cmp <= 0 ? std::string(okey) : nit->first;
        auto owner = dns::Name::from_lookup_key(as_span(full));
        NodeView onode(as_span(ov), old_routes.get(), scratch.get());
        if (cmp <= 0 && okey.empty()) {
            if (auto o = onode.find(dns::RrType::SOA)) {
                std::size_t off = 0;
                std::span<const std::uint8_t> rd;
                if (o->next(off, rd)) old_soa.assign(rd.begin(), rd.end());
            }
        }
        if (owner) jb.node(*owner, cmp <= 0 ? &onode : nullptr, cmp >= 0 ? &nit->second : nullptr);
        if (cmp <= 0) orc = mdb_cursor_get(oc, &ok, &ov, MDB_NEXT);
        if (cmp >= 0) ++nit;
    }
    mdb_cursor_close(oc);
    return 0;
}

/// The version just written under `new_id` (a zone with bulk numbers: they were never in memory together),
/// with the route table its nodes refer to.
struct StoredVersion {
    std::uint32_t id = 0;
    const RouteTable* routes = nullptr;
};

/// diff_with_stored between two stored versions of a zone: both id ranges walked in key order by two cursors,
/// so memory does not grow with the zone; stops at the first record over jb.limit.
int diff_stored_versions(MDB_txn* t, const Dbis& d, std::uint32_t old_id, const StoredVersion& fresh,
                         const std::string& origin_key, JournalBuilder& jb, std::vector<std::uint8_t>& old_soa) {
    std::shared_ptr<const RouteTable> old_routes = read_routes(t, d.meta, old_id);
    auto old_scratch = std::make_unique<RouteScratch>();
    auto new_scratch = std::make_unique<RouteScratch>();
    struct Range {
        MDB_cursor* cur = nullptr;
        std::string prefix;
        MDB_val k{};
        MDB_val v{};
        int rc = MDB_NOTFOUND;
        ~Range() {
            if (cur != nullptr) mdb_cursor_close(cur);
        }
        bool valid() const {
            return rc == 0 && k.mv_size >= 4 && std::memcmp(k.mv_data, prefix.data(), 4) == 0;
        }
        std::string_view key() const { return {static_cast<const char*>(k.mv_data) + 4, k.mv_size - 4}; }
    };
    Range o;
    Range n;
    o.prefix = id_prefix(old_id);
    n.prefix = id_prefix(fresh.id);
    for (Range* r : {&o, &n}) {
        if (int rc = mdb_cursor_open(t, d.nodes, &r->cur); rc != 0) return rc;
        r->k = val(r->prefix);
        r->rc = mdb_cursor_get(r->cur, &r->k, &r->v, MDB_SET_RANGE);
    }
    std::string full;
    while (!jb.overflow && (o.valid() || n.valid())) {
        const int cmp = !o.valid() ? 1 : !n.valid() ? -1 : o.key().compare(n.key());
        full = origin_key;
        full += cmp <= 0 ? o.key() : n.key();
        auto owner = dns::Name::from_lookup_key(as_span(full));
        NodeView onode(as_span(o.v), old_routes.get(), old_scratch.get());
        NodeView nnode(as_span(n.v), fresh.routes, new_scratch.get());
        if (cmp <= 0 && o.key().empty()) {
            if (auto soa = onode.find(dns::RrType::SOA)) {
                std::size_t off = 0;
                std::span<const std::uint8_t> rd;
                if (soa->next(off, rd)) old_soa.assign(rd.begin(), rd.end());
            }
        }
        if (owner) jb.node(*owner, cmp <= 0 ? &onode : nullptr, cmp >= 0 ? &nnode : nullptr);
        if (cmp <= 0) o.rc = mdb_cursor_get(o.cur, &o.k, &o.v, MDB_NEXT);
        if (cmp >= 0) n.rc = mdb_cursor_get(n.cur, &n.k, &n.v, MDB_NEXT);
    }
    for (Range* r : {&o, &n})
        if (r->rc != 0 && r->rc != MDB_NOTFOUND) return r->rc;
    return 0;
}

/// A zone's journal tally, kept under the journal prefix itself (a key no entry has: entries are the prefix
/// plus an 8-byte sequence; a delete of the prefix takes the tally with the entries): how many entries there
/// are, the records they hold together, and the key of the newest entry it counted. Saves reading every kept
/// entry on each change set (4.5 % of a single API PUT's profile with 1,024 entries kept).
struct JournalTally {
    std::uint64_t entries = 0;
    std::uint64_t records = 0;
    std::string newest;  ///< key of the newest entry counted
};

std::string encode_tally(const JournalTally& t) {
    std::string out;
    put_le(out, t.entries);
    put_le(out, t.records);
    out += t.newest;
    return out;
}

std::optional<JournalTally> decode_tally(const MDB_val& v) {
    if (v.mv_size < 16) return std::nullopt;
    JournalTally t;
    std::memcpy(&t.entries, v.mv_data, 8);
    std::memcpy(&t.records, static_cast<const char*>(v.mv_data) + 8, 8);
    t.newest.assign(static_cast<const char*>(v.mv_data) + 16, v.mv_size - 16);
    return t;
}

/// Keeps the newest journal entries of a zone (keys sort by sequence): at most `depth`, and of those only as
/// many as hold at most `budget` records together (the newest one always) — a journal larger than the zone
/// would be dearer to send than an AXFR. Called right after the newest entry was put. With a tally that
/// counted every entry up to the one before it, only the entries deleted are read; otherwise (no tally yet, or
/// one another version of enumd left behind) the kept entries are counted once, from the newest back.
int trim_journal(MDB_txn* t, MDB_dbi journal, const std::string& jprefix, std::size_t depth, std::size_t budget) {
    MDB_cursor* jc = nullptr;
    if (int rc = mdb_cursor_open(t, journal, &jc); rc != 0) return rc;
    struct Close {
        MDB_cursor* c;
        ~Close() { mdb_cursor_close(c); }
    } close{jc};
    auto ours = [&](const MDB_val& k) {
        return k.mv_size == jprefix.size() + 8 && std::memcmp(k.mv_data, jprefix.data(), jprefix.size()) == 0;
    };
    auto records_of = [](const MDB_val& v) {
        JournalView jv(as_span(v));
        return std::uint64_t{jv.removed_count()} + jv.added_count();
    };
    const std::string past = jprefix + std::string(8, '\xff');  // at or after the newest entry's key
    MDB_val k = val(past);
    MDB_val v;
    int rc = mdb_cursor_get(jc, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && !(k.mv_size == past.size() && std::memcmp(k.mv_data, past.data(), past.size()) == 0))
        rc = mdb_cursor_get(jc, &k, &v, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(jc, &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND || (rc == 0 && !ours(k))) return 0;  // no entries
    if (rc != 0) return rc;
    JournalTally tally;
    tally.newest.assign(static_cast<const char*>(k.mv_data), k.mv_size);
    const std::uint64_t newest_records = records_of(v);

    std::optional<JournalTally> kept;
    {
        MDB_val tk = val(jprefix);
        MDB_val tv;
        if (int g = mdb_get(t, journal, &tk, &tv); g == 0)
            kept = decode_tally(tv);
        else if (g != MDB_NOTFOUND)
            return g;
    }
    // The tally holds when the entry before the newest is the one it counted last.
    bool holds = false;
    if (kept) {
        int p = mdb_cursor_get(jc, &k, &v, MDB_PREV);
        if (p != 0 && p != MDB_NOTFOUND) return p;
        const bool before = p == 0 && ours(k);
        holds = before ? kept->newest == std::string_view(static_cast<const char*>(k.mv_data), k.mv_size)
                       : kept->entries == 0;
    }
    std::vector<std::string> old;
    if (holds) {
        tally.entries = kept->entries + 1;
        tally.records = kept->records + newest_records;
        // Oldest first, while too many or too big (the newest always stays).
        MDB_val fk = val(jprefix);
        int f = mdb_cursor_get(jc, &fk, &v, MDB_SET_RANGE);
        for (; f == 0 && tally.entries > 1 && (tally.entries > depth || tally.records > budget);
             f = mdb_cursor_get(jc, &fk, &v, MDB_NEXT)) {
            if (!ours(fk)) {
                if (fk.mv_size == jprefix.size()) continue;  // the tally itself sorts first
                break;
            }
            tally.entries -= 1;
            tally.records -= std::min(tally.records, records_of(v));
            old.emplace_back(static_cast<const char*>(fk.mv_data), fk.mv_size);
        }
        if (f != 0 && f != MDB_NOTFOUND) return f;
    } else {
        // From the newest entry back: the first `depth` entries are kept while their records fit the budget
        // (the newest always), the older ones deleted.
        MDB_val wk = val(tally.newest);
        int w = mdb_cursor_get(jc, &wk, &v, MDB_SET_KEY);
        for (; w == 0 && ours(wk); w = mdb_cursor_get(jc, &wk, &v, MDB_PREV)) {
            if (old.empty()) {
                const std::uint64_t r = records_of(v);
                if (tally.entries < depth && (tally.entries == 0 || tally.records + r <= budget)) {
                    tally.entries += 1;
                    tally.records += r;
                    continue;
                }
            }
            old.emplace_back(static_cast<const char*>(wk.mv_data), wk.mv_size);
        }
        if (w != 0 && w != MDB_NOTFOUND) return w;
    }
    for (const auto& key : old) {
        MDB_val dk = val(key);
        if (int d = mdb_del(t, journal, &dk, nullptr); d != 0 && d != MDB_NOTFOUND) return d;
    }
    std::string tv = encode_tally(tally);
    MDB_val tk = val(jprefix);
    MDB_val tvv = val(tv);
    return mdb_put(t, journal, &tk, &tvv, 0);
}

/// IXFR journal: the record difference old → new, written in the same
/// transaction as the new version (RFC 1995 §4 order); the history is
/// dropped when it no longer chains or the difference is too big.
int update_journal(MDB_txn* t, const Dbis& d, const JournalLimits& limits, const std::string& origin_key,
                   const Zone& zone, const std::optional<ZoneMeta>& old, bool changed, const Soa& soa,
                   const std::vector<std::uint8_t>& new_soa, const NodeMap& nodes,
                   const StoredVersion* fresh, std::string& history_cut) {
    std::string jprefix = journal_prefix(origin_key);
    bool newer = old && dns::serial_gt(soa.serial, old->serial);
    if (!old || (!newer && (changed || soa.serial != old->serial))) {
        // New zone, or a serial that did not move forward: the history no longer chains.
        if (old) history_cut = "the serial did not move forward";
        return delete_prefix(t, d.journal, jprefix);
    }
    if (!newer || limits.depth == 0) return 0;
    JournalBuilder jb;
    // Up to the zone's own size, as live change sets (store_update.cpp): beyond it AXFR is cheaper. A zone with
    // bulk numbers only up to journal_max_records: the difference is held in memory while it is collected, and
    // a compile's memory must not grow with the zone (bulk_numbers.hpp).
    jb.limit = fresh != nullptr ? limits.max_records : std::max<std::size_t>(limits.max_records, old->records);
    std::vector<std::uint8_t> old_soa;
    if (int rc = fresh != nullptr ? diff_stored_versions(t, d, old->id, *fresh, origin_key, jb, old_soa)
                                  : diff_with_stored(t, d, old->id, origin_key, nodes, jb, old_soa);
        rc != 0)
        return rc;
    if (jb.overflow || old_soa.empty()) {
        history_cut = jb.overflow ? "the difference is larger than " + std::to_string(jb.limit) +
                                        " records (the zone's size or journal_max_records); secondaries take a "
                                        "full transfer (AXFR)"
                                  : "the stored version has no SOA";
        return delete_prefix(t, d.journal, jprefix);
    }
    std::uint32_t soa_ttl = nodes.at("").rrsets.at(static_cast<std::uint16_t>(dns::RrType::SOA)).ttl;
    std::string entry;
    put_le(entry, old->serial);
    put_le(entry, soa.serial);
    put_le(entry, jb.n_removed + 1);
    put_le(entry, jb.n_added + 1);
    std::uint32_t old_soa_ttl = soa_ttl;
    {
        std::string oprefix = id_prefix(old->id);
        MDB_val ak = val(oprefix);
        MDB_val av;
        if (mdb_get(t, d.nodes, &ak, &av) == 0) {
            if (auto o = NodeView(as_span(av)).find(dns::RrType::SOA)) old_soa_ttl = o->ttl;
        }
    }
    put_journal_record(entry, zone.origin, static_cast<std::uint16_t>(dns::RrType::SOA), old_soa_ttl,
                       {old_soa.data(), old_soa.size()});
    entry += jb.removed;
    put_journal_record(entry, zone.origin, static_cast<std::uint16_t>(dns::RrType::SOA), soa_ttl,
                       {new_soa.data(), new_soa.size()});
    entry += jb.added;
    std::uint64_t seq = read_u64(t, d.meta, kGenerationKey, 0) + 1;
    std::string jk = jprefix;
    for (int sh = 56; sh >= 0; sh -= 8) jk.push_back(static_cast<char>(seq >> sh));
    MDB_val mk = val(jk);
    MDB_val mv = val(entry);
    if (int rc = mdb_put(t, d.journal, &mk, &mv, 0); rc != 0) return rc;
    return trim_journal(t, d.journal, jprefix, limits.depth, jb.limit);
}

/// Writes a zone's nodes under a fresh zone id — its keys sort after every
/// existing key, so each put is an append (MDB_APPEND) — in key order: the
/// built nodes merged with the zone's bulk numbers (bulk_numbers.hpp), the
/// empty non-terminals above each bulk number derived on the way (its
/// ancestors that the node written before it does not share), and the
/// content hash over the same pass. Memory does not grow with the bulk count.
class NodeWriter {
public:
    NodeWriter(MDB_txn* t, MDB_dbi dbi, std::uint32_t id, RouteTableBuilder& routes)
        : t_(t), dbi_(dbi), prefix_(id_prefix(id)), routes_(routes) {}
    ~NodeWriter() {
        if (cur_ != nullptr) mdb_cursor_close(cur_);
    }
    NodeWriter(const NodeWriter&) = delete;
    NodeWriter& operator=(const NodeWriter&) = delete;

    Status write(const NodeMap& nodes, const BulkNumbers* bulk, std::uint32_t bulk_ttl,
                 const std::vector<std::string>& masked, const SortedRecords* streamed) {
        if (int rc = mdb_cursor_open(t_, dbi_, &cur_); rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
        if (streamed != nullptr) {
            if (bulk != nullptr) return make_error("a zone cannot have both bulk numbers and streamed records");
            return write_streamed(nodes, *streamed);
        }
        auto nit = nodes.begin();
        auto mit = masked.begin();
        Status failed;
        std::string bkey;
        auto built_until = [&](const std::string* limit) -> bool {
            for (; nit != nodes.end() && (limit == nullptr || nit->first < *limit); ++nit) {
                if ((failed = built(nit->first, nit->second))) return false;
            }
            return true;
        };
        if (bulk != nullptr) {
            bool read = bulk->for_each([&](const BulkEntry& e) {
                bkey.clear();
                for (std::size_t i = 0; i < e.digits.size() && e.digits[i] != 0; ++i)
                    bkey.push_back(static_cast<char>(dns::digit_label_key(e.digits[i])));  // dns/name.hpp
                while (mit != masked.end() && *mit < bkey) ++mit;
                if (mit != masked.end() && *mit == bkey) return true;  // a live override replaces this number
                if (!built_until(&bkey)) return false;
                std::uint8_t flags = 0;
                if (nit != nodes.end() && nit->first == bkey) {
                    // The loader keeps bulk numbers off names with records; an empty non-terminal gives its flags.
                    if (!nit->second.rrsets.empty()) {
                        failed = make_error("bulk number at a name with records (" + std::to_string(e.line) + ")");
                        return false;
                    }
                    flags = nit->second.flags;
                    ++nit;
                }
                return !(failed = number(e, bkey, flags, bulk_ttl));
            });
            if (failed) return failed;
            if (!read) return make_error("reading the sorted bulk numbers failed");
        }
        if (!built_until(nullptr)) return failed;
        return std::nullopt;
    }

    /// Packs the apex again with `soa` (auto serial, known after the hash) in place,
    /// keeping the flags it was written with (a streamed wildcard child sets one).
    Status rewrite_apex(const BuildNode& apex, const std::vector<std::uint8_t>& soa) {
        std::string v = pack_node(apex, &soa);
        MDB_val mk = val(prefix_);
        MDB_val old;
        if (mdb_get(t_, dbi_, &mk, &old) == 0 && old.mv_size > 0) v[0] = static_cast<char>(v[0] | *static_cast<const char*>(old.mv_data));
        MDB_val mv = val(v);
        if (int rc = mdb_put(t_, dbi_, &mk, &mv, 0); rc != 0) return make_error(lmdb_error("writing the apex", rc));
        return std::nullopt;
    }

    /// Commits every `bytes` of keys and values written (a staged version, Store::Options::stage_bytes):
    /// `next` commits the transaction and returns a new one (null: failed, `next_error` says why).
    void checkpoint_every(std::size_t bytes, std::function<MDB_txn*()> next) {
        checkpoint_bytes_ = bytes;
        next_txn_ = std::move(next);
    }
    std::string next_error;

    std::uint64_t written = 0;       ///< nodes
    std::uint64_t bulk_records = 0;  ///< records of bulk numbers (the built ones: build_zone)
    ContentHash hash;
    /// A node was written with a flag of node_flags::kEncloserMatters or a DNAME: the zone is not plain.
    bool special = false;

private:
    Status put(std::string_view key, const std::string& value) {
        if (next_txn_ && (since_checkpoint_ += key.size() + value.size()) >= checkpoint_bytes_) {
            since_checkpoint_ = 0;
            mdb_cursor_close(cur_);
            cur_ = nullptr;
            if ((t_ = next_txn_()) == nullptr) return make_error(next_error);
            if (int rc = mdb_cursor_open(t_, dbi_, &cur_); rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
        }
        k_ = prefix_;
        k_ += key;
        if (!value.empty() && (static_cast<std::uint8_t>(value[0]) & node_flags::kEncloserMatters) != 0) special = true;
        MDB_val mk = val(k_);
        MDB_val mv = val(value);
        if (int rc = mdb_cursor_put(cur_, &mk, &mv, MDB_APPEND); rc != 0) return make_error(lmdb_error("writing node", rc));
        prev_.assign(key);
        ++written;
        hash.node(key);
        return std::nullopt;
    }
    Status built(const std::string& key, const BuildNode& node) {
        progress().wrote();
        if (node.rrsets.count(kDname) != 0) special = true;
        if (auto e = put(key, pack_node(node, nullptr))) return e;
        for (const auto& [type, rs] : node.rrsets) hash.rrset(type, rs);
        return std::nullopt;
    }
    /// The empty non-terminals above `key` that are not above (or at) the node written last;
    /// true in `wild_parent` when the parent of a wildcard `key` was one of them (and flagged).
    Status ents(const std::string& key, bool* wild_parent = nullptr) {
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        std::size_t common = dns::common_key_labels(as_span(prev_), ks);
        const bool wildcard = is_wildcard(key);
        for (std::size_t l = common + 1; l < labels; ++l) {
            std::string anc = key.substr(0, dns::key_prefix_length(ks, l));
            std::uint8_t flags = below_cut(anc) ? node_flags::kOccluded : 0;
            if (wildcard && l + 1 == labels) {
                flags |= node_flags::kWildcardChild;
                if (wild_parent != nullptr) *wild_parent = true;
            }
            value_.assign(1, static_cast<char>(flags));  // no RRsets (RFC 4592 §2.2.2: it exists)
            value_.push_back('\0');
            if (auto e = put(anc, value_)) return e;
        }
        return std::nullopt;
    }
    static bool is_wildcard(const std::string& key) {
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        if (labels == 0) return false;
        std::size_t plen = dns::key_prefix_length(ks, labels - 1);
        return key.size() - plen == 2 && key[plen] == '*';
    }
    /// Strictly below the zone cut of the streamed records (flag_nodes' rule).
    [[nodiscard]] bool below_cut(const std::string& key) const {
        return in_cut_ && key.size() > cut_.size() && key.compare(0, cut_.size(), cut_) == 0;
    }
    /// Sets `flag` on the node already written at `key` (the parent of a wildcard written before it).
    Status flag_written(const std::string& key, std::uint8_t flag) {
        k_ = prefix_;
        k_ += key;
        MDB_val mk = val(k_);
        MDB_val mv;
        if (int rc = mdb_get(t_, dbi_, &mk, &mv); rc != 0) return make_error(lmdb_error("reading a written node", rc));
        if (mv.mv_size == 0 || (*static_cast<const std::uint8_t*>(mv.mv_data) & flag) != 0) return std::nullopt;
        std::string v(static_cast<const char*>(mv.mv_data), mv.mv_size);
        v[0] = static_cast<char>(v[0] | flag);
        if ((flag & node_flags::kEncloserMatters) != 0) special = true;
        MDB_val nv = val(v);
        if (int rc = mdb_put(t_, dbi_, &mk, &nv, 0); rc != 0) return make_error(lmdb_error("flagging a node", rc));
        return std::nullopt;
    }

    /// One node of the streamed records being gathered: its RRsets in type
    /// order, each record's rdata in `data` (buffers reused node after node).
    struct StreamNode {
        struct Rrset {
            std::uint16_t type = 0;
            std::uint32_t ttl = 0;
            std::vector<std::pair<std::uint32_t, std::uint16_t>> rdatas;  ///< (offset in data, length)
        };
        std::string key;
        std::string data;
        std::vector<Rrset> rrsets;
        std::size_t used = 0;
        bool open = false;
        [[nodiscard]] std::span<const std::uint8_t> rdata(std::pair<std::uint32_t, std::uint16_t> r) const {
            return {reinterpret_cast<const std::uint8_t*>(data.data()) + r.first, r.second};
        }
        void start(std::string_view k) {
            key.assign(k);
            data.clear();
            used = 0;
            open = true;
        }
        void add(const SortedRecord& r) {
            if (used > 0 && rrsets[used - 1].type == r.type) {
                Rrset& rs = rrsets[used - 1];
                // Sorted: a repeat follows its first copy, which is kept with its TTL (RFC 2181 §5, as finish_rrset).
                auto last = rdata(rs.rdatas.back());
                if (last.size() == r.rdata.size() && std::equal(last.begin(), last.end(), r.rdata.begin())) return;
                rs.ttl = std::min(rs.ttl, r.ttl);  // RFC 2181 §5.2: one TTL per RRset; the lowest wins
                rs.rdatas.emplace_back(static_cast<std::uint32_t>(data.size()), static_cast<std::uint16_t>(r.rdata.size()));
            } else {
                if (used == rrsets.size()) rrsets.emplace_back();
                Rrset& rs = rrsets[used++];
                rs.type = r.type;
                rs.ttl = r.ttl;
                rs.rdatas.assign(1, {static_cast<std::uint32_t>(data.size()), static_cast<std::uint16_t>(r.rdata.size())});
            }
            data.append(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size());
        }
    };

    /// The built nodes (the apex, from Zone::records) merged with the streamed
    /// records, node by node: flags as flag_nodes gives them (cuts, occlusion,
    /// wildcard parents), empty non-terminals as for bulk numbers.
    Status write_streamed(const NodeMap& nodes, const SortedRecords& recs) {
        auto nit = nodes.begin();
        Status failed;
        StreamNode sn;
        auto flush = [&]() -> bool {
            for (; nit != nodes.end() && nit->first < sn.key; ++nit) {
                if ((failed = built(nit->first, nit->second))) return false;
            }
            std::uint8_t flags = 0;
            if (nit != nodes.end() && nit->first == sn.key) {
                if (!nit->second.rrsets.empty() || sn.key.empty()) {
                    failed = make_error("a streamed record at a name the zone's records also have");
                    return false;
                }
                flags = nit->second.flags;
                ++nit;
            }
            if (in_cut_ && !below_cut(sn.key)) in_cut_ = false;
            bool wild_parent = false;
            if ((failed = ents(sn.key, &wild_parent))) return false;
            if (in_cut_) {
                flags |= node_flags::kOccluded;
            } else {
                for (std::size_t i = 0; i < sn.used; ++i) {
                    if (sn.rrsets[i].type != static_cast<std::uint16_t>(dns::RrType::NS)) continue;
                    flags |= node_flags::kDelegation;
                    cut_ = sn.key;
                    in_cut_ = true;
                }
            }
            if (is_wildcard(sn.key) && !wild_parent) {
                auto ks = as_span(sn.key);
                std::string parent = sn.key.substr(0, dns::key_prefix_length(ks, dns::key_label_count(ks) - 1));
                if ((failed = flag_written(parent, node_flags::kWildcardChild))) return false;
            }
            value_.clear();
            value_.push_back(static_cast<char>(flags));
            value_.push_back(static_cast<char>(std::min<std::size_t>(sn.used, 255)));
            for (std::size_t i = 0; i < sn.used && i < 255; ++i) {
                const auto& rs = sn.rrsets[i];
                RrsetWriter w(value_, rs.type, rs.rdatas.size(), rs.ttl);
                for (auto rd : rs.rdatas) w.rdata(sn.rdata(rd));
                if (rs.type == kDname) special = true;
            }
            progress().wrote();
            if ((failed = put(sn.key, value_))) return false;
            for (std::size_t i = 0; i < sn.used && i < 255; ++i) {
                const auto& rs = sn.rrsets[i];
                hash.head(rs.type, rs.ttl);
                for (auto rd : rs.rdatas) hash.record(rs.type, sn.rdata(rd));
                bulk_records += rs.rdatas.size();
            }
            sn.open = false;
            return true;
        };
        bool read = recs.for_each([&](const SortedRecord& r) {
            if (sn.open && r.key != sn.key && !flush()) return false;
            if (!sn.open) sn.start(r.key);
            sn.add(r);
            return true;
        });
        if (failed) return failed;
        if (!read) return make_error("reading the sorted records failed");
        if (sn.open && !flush()) return failed;
        for (; nit != nodes.end(); ++nit) {
            if ((failed = built(nit->first, nit->second))) return failed;
        }
        return std::nullopt;
    }
    Status number(const BulkEntry& e, const std::string& key, std::uint8_t flags, std::uint32_t zone_ttl) {
        progress().wrote();
        if (auto err = ents(key)) return err;
        std::string_view rn(e.rn.data(), e.rn_length);
        std::uint32_t ttl = 0;
        int inst = routes_.bulk_instance(e.route, rn, zone_ttl, ttl);
        constexpr auto kNaptr = static_cast<std::uint16_t>(dns::RrType::NAPTR);
        value_.clear();
        if (inst >= 0) {
            // What a routed number costs: flags, count, instance, rn (zones/README.md "Route sets").
            value_.push_back(static_cast<char>(flags | node_flags::kRouted | (rn.empty() ? 0 : node_flags::kRouteRn)));
            value_.push_back('\0');
            put_le(value_, static_cast<std::uint16_t>(inst));
            if (!rn.empty()) {
                value_.push_back(static_cast<char>(rn.size()));
                value_ += rn;
            }
            if (auto err = put(key, value_)) return err;
            const auto& rds = routes_.expanded(e.route, rn);
            hash.rdatas(kNaptr, ttl, rds);
            bulk_records += rds.size();
            return std::nullopt;
        }
        const auto& rds = routes_.expanded(e.route, rn);
        value_.push_back(static_cast<char>(flags));
        value_.push_back('\1');
        put_le(value_, kNaptr);
        put_le(value_, static_cast<std::uint16_t>(rds.size()));
        put_le(value_, ttl);
        std::uint32_t body = 0;
        for (const auto& rd : rds) body += 2 + static_cast<std::uint32_t>(rd.size());
        put_le(value_, body);
        for (const auto& rd : rds) {
            put_le(value_, static_cast<std::uint16_t>(rd.size()));
            value_.append(reinterpret_cast<const char*>(rd.data()), rd.size());
        }
        if (auto err = put(key, value_)) return err;
        hash.rdatas(kNaptr, ttl, rds);
        bulk_records += rds.size();
        return std::nullopt;
    }

    MDB_txn* t_;
    MDB_dbi dbi_;
    MDB_cursor* cur_ = nullptr;
    std::string prefix_;
    RouteTableBuilder& routes_;
    std::string k_;
    std::string prev_;  ///< relative key of the node written last
    std::string value_;
    std::string cut_;  ///< the streamed records' current zone cut (in_cut_)
    bool in_cut_ = false;
    std::size_t checkpoint_bytes_ = 0;
    std::size_t since_checkpoint_ = 0;
    std::function<MDB_txn*()> next_txn_;
};

/// A zone's views as the store keeps them: per view its networks and, per owner it
/// overrides, a node of the view's RRsets (packed as pack_node packs every node).
ViewTable compile_views(const Zone& zone, const std::string& origin_key) {
    ViewTable table;
    for (const View& v : zone.views) {
        ViewTable::Compiled c;
        c.name = v.name;
        c.match = v.match;
        std::map<std::string, BuildNode> nodes;
        for (const Record& r : v.records) {
            if (!r.owner.is_subdomain_of(zone.origin)) continue;  // validation refused it
            nodes[r.owner.to_lookup_key().substr(origin_key.size())].rrsets[static_cast<std::uint16_t>(r.type)]
                .records.push_back(&r);
        }
        for (auto& [key, node] : nodes) {
            for (auto& [type, rs] : node.rrsets) finish_rrset(rs);
            c.overrides.emplace_back(key, pack_node(node, nullptr));
        }
        table.views.push_back(std::move(c));
    }
    return table;
}

/// A zone's new version as the store writes it: the file zone with its live overrides (prepare_live),
/// built into nodes, and what writing the nodes gave.
struct ZoneVersion {
    Zone merged;                ///< the file zone with live overrides, when it has any
    const Zone* zone = nullptr;  ///< &merged or the file zone
    BuiltZone built;
    std::uint32_t id = 0;
    std::uint64_t hash = 0;
    std::uint64_t written = 0;       ///< nodes
    std::uint64_t bulk_records = 0;  ///< records the writer added to built.records
    bool special = false;            ///< not plain (NodeWriter::special)
    std::uint64_t live_print = 0;    ///< the live overrides it was built with (staged versions)
    bool staged = false;             ///< its nodes were committed before the switching transaction
};

/// The new version of `file_zone` in transaction `t`: live overrides applied (zones/README.md "Live changes"),
/// nodes built. Not yet written.
Status prepare_version(MDB_txn* t, const Dbis& d, const Zone& file_zone, ZoneVersion& v) {
    auto live = detail::prepare_live(t, d.live, file_zone, v.merged);
    if (!live) return make_error(live.error());
    v.zone = *live;
    auto built = build_zone(*v.zone, v.zone->origin.to_lookup_key());
    if (!built) return make_error(built.error());
    v.built = std::move(*built);
    return std::nullopt;
}

/// Writes the version's nodes under `v.id` in `t`; with `next`, committing every `chunk` bytes (staging).
Status write_version_nodes(MDB_txn* t, const Dbis& d, ZoneVersion& v, std::size_t chunk,
                           std::function<MDB_txn*()> next, std::string* next_error) {
    const Zone& zone = *v.zone;
    const BulkNumbers* bulk = zone.bulk && zone.bulk->size() > 0 ? zone.bulk.get() : nullptr;
    const SortedRecords* streamed = zone.streamed && zone.streamed->size() > 0 ? zone.streamed.get() : nullptr;
    progress().to_write(v.built.nodes.size() + (bulk != nullptr ? bulk->size() : 0) +
                        (streamed != nullptr ? streamed->size() : 0));
    progress().phase(Progress::Phase::Writing);
    NodeWriter writer(t, d.nodes, v.id, *v.built.routes);
    if (next) writer.checkpoint_every(chunk, [&]() -> MDB_txn* {
        MDB_txn* n = next();
        if (n == nullptr) writer.next_error = *next_error;
        return n;
    });
    if (auto e = writer.write(v.built.nodes, bulk, bulk != nullptr ? bulk->ttl : 0, zone.bulk_masked, streamed))
        return *e;
    v.hash = writer.hash.value();
    v.written = writer.written;
    v.bulk_records = writer.bulk_records;
    v.special = writer.special;
    return std::nullopt;
}

/// Writes a large zone's new version before the transaction that switches to it (Store::Options::stage_bytes):
/// its id reserved and its nodes appended in transactions of about `chunk` bytes each, so that no transaction
/// holds more than that in LMDB's dirty pages (its only limit is 128 Ki pages, 512 MiB). Readers never see
/// the staged nodes: the zone's meta still names the old id. A crash leaves them unreferenced (an orphan),
/// removed by the next write (delete_orphans).
dns::Result<std::unique_ptr<ZoneVersion>> stage_version(MDB_env* env, const Dbis& d, const Zone& file_zone,
                                                        std::size_t chunk) {
    auto v = std::make_unique<ZoneVersion>();
    v->staged = true;
    Txn txn;
    if (int rc = txn.begin(env, 0); rc != 0) return make_error(lmdb_error("mdb_txn_begin", rc));
    // The id is reserved in the first transaction: a later writer never takes it.
    const std::uint64_t id = read_u64(txn.get(), d.meta, kNextIdKey, 1);
    v->id = static_cast<std::uint32_t>(id);
    if (int rc = write_u64(txn.get(), d.meta, kNextIdKey, id + 1); rc != 0) return make_error(lmdb_error("meta", rc));
    if (auto e = prepare_version(txn.get(), d, file_zone, *v)) return *e;
    v->live_print = detail::live_fingerprint(txn.get(), d.live, file_zone.origin.to_lookup_key());
    std::string next_error;
    auto next = [&]() -> MDB_txn* {
        if (int rc = txn.commit(); rc != 0) {
            next_error = lmdb_error("committing a staged part", rc);
            return nullptr;
        }
        if (int rc = txn.begin(env, 0); rc != 0) {
            next_error = lmdb_error("mdb_txn_begin", rc);
            return nullptr;
        }
        return txn.get();
    };
    if (auto e = write_version_nodes(txn.get(), d, *v, chunk, next, &next_error)) return *e;
    if (int rc = txn.commit(); rc != 0) return make_error(lmdb_error("committing a staged part", rc));
    return v;
}

/// One zone inside the switching transaction: its new version (written here unless staged: `v`), its
/// journal entry, its meta; the old version's nodes deleted here, or left to delete_orphans when
/// `defer_delete` (a large old version would put its every page in this transaction's dirty list).
dns::Result<WriteReport::PerZone> write_zone(MDB_txn* t, const Dbis& d, const JournalLimits& limits,
                                             const Zone& file_zone, std::uint64_t& next_id, bool serial_guard,
                                             ZoneVersion* staged, std::size_t defer_bytes) {
    ZoneVersion fresh_version;
    ZoneVersion& ver = staged != nullptr ? *staged : fresh_version;
    if (staged == nullptr) {
        if (auto e = prepare_version(t, d, file_zone, ver)) return *e;
        // Fresh id per write, then the old id's range is deleted, all inside this one transaction.
        ver.id = static_cast<std::uint32_t>(next_id++);
        if (auto e = write_version_nodes(t, d, ver, 0, nullptr, nullptr)) return *e;
    }
    const Zone& zone = *ver.zone;
    const std::string origin_key = zone.origin.to_lookup_key();
    const std::string zkey = zone_db_key(origin_key);
    std::optional<ZoneMeta> old = read_zone_meta(t, d.zones, zkey);
    auto* built = &ver.built;
    auto& nodes = built->nodes;
    auto soa = parse_soa(*built->soa_rdata);
    if (!soa) return make_error(zone.loc.to_text() + ": malformed SOA in zone " + zone.origin.to_text());
    const auto id = ver.id;
    const BulkNumbers* bulk = zone.bulk && zone.bulk->size() > 0 ? zone.bulk.get() : nullptr;
    const SortedRecords* streamed = zone.streamed && zone.streamed->size() > 0 ? zone.streamed.get() : nullptr;
    NodeWriter writer(t, d.nodes, id, *built->routes);
    const std::uint64_t hash = ver.hash;
    const std::uint64_t records = built->records + ver.bulk_records;

    bool changed = !old || old->content_hash != hash;
    if (serial_guard && old && !zone.auto_serial) {
        // A secondary transfers only when the primary's serial is greater (RFC 1982 §3.2 comparison,
        // RFC 1996 §4.7, RFC 1034 §4.3.5): the same serial over new content, or a lower one, is never
        // picked up. Live overrides make the zone auto-serial (prepare_live), so they never get here.
        const std::string where = zone.loc.to_text() + ": zone " + zone.origin.to_text() + ": ";
        if (changed && soa->serial == old->serial)
            return make_error(where + "content changed but serial " + std::to_string(soa->serial) +
                              " is unchanged: secondaries will not pick this up (raise the serial or write "
                              "'serial: auto'; nothing was written)");
        // Exactly 2^31 ahead is undefined in RFC 1982 §3.2: some secondaries take it, others do not.
        if (soa->serial != old->serial &&
            (!dns::serial_gt(soa->serial, old->serial) || soa->serial - old->serial == 0x80000000u))
            return make_error(where + "serial " + std::to_string(soa->serial) + " is not newer than the stored " +
                              std::to_string(old->serial) +
                              " (RFC 1982): secondaries would keep the old version (raise the serial above it "
                              "or write 'serial: auto'; nothing was written)");
    }
    std::vector<std::uint8_t> soa_new;
    std::string history_cut;
    if (zone.auto_serial) {
        if (old && !changed) {
            soa->serial = old->serial;
        } else if (old) {
            // RFC 1982 serial arithmetic: +1 wraps safely; never below the written value.
            std::uint32_t bumped = old->serial + 1;
            soa->serial = dns::serial_gt(soa->serial, bumped) ? soa->serial : bumped;
        }
        soa_new = encode_soa(*soa);
        if (auto e = writer.rewrite_apex(nodes.at(""), soa_new)) return *e;
    }

    if (d.journal != 0) {
        const std::vector<std::uint8_t>& new_soa = zone.auto_serial ? soa_new : *built->soa_rdata;
        // With bulk numbers or streamed records the new version was never in memory whole: the difference is
        // taken between the stored versions, old and new id side by side (diff_stored_versions).
        const StoredVersion fresh{id, &built->routes->table()};
        if (int rc = update_journal(t, d, limits, origin_key, zone, old, changed, *soa, new_soa, nodes,
                                    bulk != nullptr || streamed != nullptr ? &fresh : nullptr, history_cut);
            rc != 0) {
            return make_error(lmdb_error("journal", rc));
        }
    }

    const RouteTable& route_table = built->routes->table();
    if (!route_table.instances.empty()) {
        // Once per zone version: the route sets its nodes refer to.
        std::string rk = routes_key(id);
        std::string rv = encode_route_table(route_table);
        MDB_val k = val(rk);
        MDB_val v = val(rv);
        if (int rc = mdb_put(t, d.meta, &k, &v, 0); rc != 0) return make_error(lmdb_error("writing route sets", rc));
    }
    if (!file_zone.views.empty()) {
        // Once per zone version: the views and their override RRsets (views.hpp), packed as nodes.
        std::string vk = views_key(id);
        std::string vv = compile_views(file_zone, origin_key).encode();
        MDB_val k = val(vk);
        MDB_val v = val(vv);
        if (int rc = mdb_put(t, d.meta, &k, &v, 0); rc != 0) return make_error(lmdb_error("writing views", rc));
    }
    {
        // Written or deleted for this id every time: a stale mark on a reused id would hide a wildcard.
        std::string pk = plain_key(id);
        MDB_val k = val(pk);
        // The apex rewrite above adds no flag: the version's writer saw every node, the apex included.
        const bool plain = !ver.special && file_zone.views.empty();
        MDB_val v{0, nullptr};
        int rc = plain ? mdb_put(t, d.meta, &k, &v, 0) : mdb_del(t, d.meta, &k, nullptr);
        if (rc != 0 && rc != MDB_NOTFOUND) return make_error(lmdb_error("writing the zone's plain mark", rc));
    }
    if (old) {
        // Without a delete here the old id is unreferenced once this commits: delete_orphans removes it.
        const bool defer = defer_bytes > 0 && (ver.staged || old->nodes * kBytesPerNode > defer_bytes);
        if (int rc = defer ? 0 : delete_prefix(t, d.nodes, id_prefix(old->id)); rc != 0)
            return make_error(lmdb_error("deleting old zone data", rc));
        if (int rc = delete_routes(t, d.meta, old->id); rc != 0)
            return make_error(lmdb_error("deleting old route sets", rc));
    }

    ZoneMeta meta;
    meta.id = id;
    meta.serial = soa->serial;
    meta.content_hash = hash;
    meta.records = records;
    meta.nodes = ver.written;
    meta.compiled_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    meta.source = zone.loc.file;
    meta.source_hash = file_zone.source_hash;
    meta.source_files = file_zone.source_files;
    std::string mv = encode_meta(meta);
    MDB_val mk = val(zkey);
    MDB_val mval = val(mv);
    if (int rc = mdb_put(t, d.zones, &mk, &mval, 0); rc != 0) return make_error(lmdb_error("writing zone", rc));
    return WriteReport::PerZone{zone.origin, meta.serial, changed, records, ver.written,
                                old ? std::optional<std::uint32_t>(old->serial) : std::nullopt, history_cut};
}

/// Removes every zone that is neither written nor kept; their origins go to `removed`.
Status prune_zones(MDB_txn* t, const Dbis& d, const std::vector<dns::Name>& keep,
                   const std::unordered_set<std::string>& written_origins, std::vector<dns::Name>& removed) {
    std::vector<std::pair<std::string, ZoneMeta>> stale;
    MDB_cursor* cur = nullptr;
    if (int rc = mdb_cursor_open(t, d.zones, &cur); rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
    MDB_val k;
    MDB_val v;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        std::string key = origin_key_of(k);
        ZoneMeta m;
        bool kept = false;
        for (const auto& name : keep) kept = kept || name.to_lookup_key() == key;
        if (written_origins.count(key) == 0 && !kept && decode_meta(as_span(v), m)) stale.emplace_back(key, m);
    }
    mdb_cursor_close(cur);
    for (const auto& [key, m] : stale) {
        if (int rc = delete_prefix(t, d.nodes, id_prefix(m.id)); rc != 0) return make_error(lmdb_error("prune", rc));
        if (int rc = delete_routes(t, d.meta, m.id); rc != 0) return make_error(lmdb_error("prune", rc));
        if (d.journal != 0) {
            if (int rc = delete_prefix(t, d.journal, journal_prefix(key)); rc != 0)
                return make_error(lmdb_error("prune journal", rc));
        }
        if (int rc = detail::drop_live(t, d.live, key); rc != 0) return make_error(lmdb_error("prune live", rc));
        std::string zkey = zone_db_key(key);
        MDB_val mk = val(zkey);
        mdb_del(t, d.zones, &mk, nullptr);
        auto n = dns::Name::from_lookup_key(as_span(key));
        if (n) removed.push_back(*n);
    }
    return std::nullopt;
}

}  // namespace

namespace {


/// write_attempt's answer when a staged zone's live overrides changed before the switch (write_once).
constexpr char kRestage[] = "live changes came in while the zone was staged";


/// Deletes the nodes of every zone id no zone's meta names — staged versions of a write that crashed or
/// failed, old versions left by write_zone — in transactions of at most `chunk` nodes each. The caller
/// holds the database's write lock (Store::write_once): another process's staged version is not an orphan
/// while it is being written.
Status delete_orphans(MDB_env* env, const Dbis& d, std::size_t chunk, std::uint64_t& deleted) {
    while (true) {
        Txn txn;
        if (int rc = txn.begin(env, 0); rc != 0) return make_error(lmdb_error("mdb_txn_begin", rc));
        MDB_txn* t = txn.get();
        std::unordered_set<std::uint32_t> named;
        MDB_cursor* zc = nullptr;
        if (int rc = mdb_cursor_open(t, d.zones, &zc); rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
        MDB_val k;
        MDB_val v;
        for (int rc = mdb_cursor_get(zc, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(zc, &k, &v, MDB_NEXT)) {
            ZoneMeta m;
            if (decode_meta(as_span(v), m)) named.insert(m.id);
        }
        mdb_cursor_close(zc);
        MDB_cursor* cur = nullptr;
        if (int rc = mdb_cursor_open(t, d.nodes, &cur); rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
        std::size_t left = chunk;
        bool more = false;
        int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
        while (rc == 0 && k.mv_size >= 4) {
            const auto* p = static_cast<const std::uint8_t*>(k.mv_data);
            const std::uint32_t id = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                     (std::uint32_t{p[2]} << 8) | p[3];
            if (named.count(id) != 0) {
                if (id == 0xffffffffu) break;
                std::string next = id_prefix(id + 1);  // the next id's first key
                k = val(next);
                rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
                continue;
            }
            if (left == 0) {
                more = true;
                break;
            }
            if ((rc = mdb_cursor_del(cur, 0)) != 0) break;
            --left;
            ++deleted;
            rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);  // the cursor already rests on the next key
        }
        mdb_cursor_close(cur);
        if (rc != 0 && rc != MDB_NOTFOUND) return make_error(lmdb_error("deleting unreferenced zone data", rc));
        if (left == chunk) return std::nullopt;  // nothing deleted: nothing to commit
        if (int c = txn.commit(); c != 0) return make_error(lmdb_error("commit", c));
        if (!more) return std::nullopt;
    }
}

/// flock(2) on a file beside the database for as long as it lives: one multi-transaction write at a time
/// across processes (an enumctl compile next to a running enumd), so that no writer takes another's staged
/// version for an orphan.
class WriteLock {
public:
    explicit WriteLock(const std::string& dir) {
        fd_ = ::open((dir + "/write.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            error_ = "cannot open " + dir + "/write.lock: " + std::strerror(errno);
            return;
        }
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno == EINTR) continue;
            error_ = "cannot lock " + dir + "/write.lock: " + std::strerror(errno);
            break;
        }
    }
    ~WriteLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }
    WriteLock(const WriteLock&) = delete;
    WriteLock& operator=(const WriteLock&) = delete;
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    int fd_ = -1;
    std::string error_;
};

}  // namespace

dns::Result<WriteReport> Store::write_once(const std::vector<Zone>& zones, const WriteOptions& options) {
    const Dbis d{meta_dbi_, zones_dbi_, nodes_dbi_, journal_dbi_, live_dbi_};
    if (stage_bytes_ == 0) return write_attempt(zones, options, false);
    const std::size_t chunk_nodes = std::max<std::size_t>(stage_bytes_ / kBytesPerNode, 1);
    WriteLock lock(path_);
    if (!lock.error().empty()) return make_error(lock.error());
    // Every write cleans up after the ones before it (a crash while staging, old versions left by write_zone),
    // and after itself.
    std::uint64_t deleted = 0;
    if (auto e = delete_orphans(env_, d, chunk_nodes, deleted)) return *e;
    auto result = write_attempt(zones, options, true);
    if (!result && result.error() == kRestage) {
        // Live changes came in from another process while a zone was staged: the staged version lacks
        // them. Written again in one transaction, which reads them; the staged version is an orphan.
        result = write_attempt(zones, options, false);
        if (result) result->restaged = true;
    }
    auto e = delete_orphans(env_, d, chunk_nodes, deleted);
    if (e && result) return make_error("the new zones are served, but removing the old data failed: " + e->message);
    return result;
}

dns::Result<WriteReport> Store::write_attempt(const std::vector<Zone>& zones, const WriteOptions& options,
                                              bool may_stage) {
    progress().write_restarted();  // a write after MDB_MAP_FULL starts over
    const Dbis d{meta_dbi_, zones_dbi_, nodes_dbi_, journal_dbi_, live_dbi_};
    const JournalLimits limits{journal_depth_, journal_max_records_};
    std::vector<std::unique_ptr<ZoneVersion>> staged(zones.size());
    std::uint64_t staged_count = 0;
    if (may_stage) {
        for (std::size_t i = 0; i < zones.size(); ++i) {
            if (version_bytes(zones[i]) <= stage_bytes_) continue;
            auto v = stage_version(env_, d, zones[i], stage_bytes_);
            if (!v) return make_error(v.error());
            staged[i] = std::move(*v);
            ++staged_count;
        }
        if (staged_count > 0 && options.after_staging) options.after_staging();
    }
    Txn txn;
    int rc = txn.begin(env_, 0);
    if (rc != 0) return make_error(lmdb_error("mdb_txn_begin", rc));
    MDB_txn* t = txn.get();

    std::uint64_t next_id = read_u64(t, d.meta, kNextIdKey, 1);
    WriteReport report;
    report.staged = staged_count;
    std::unordered_set<std::string> written_origins;
    for (std::size_t i = 0; i < zones.size(); ++i) {
        const Zone& zone = zones[i];
        written_origins.insert(zone.origin.to_lookup_key());
        if (staged[i] && detail::live_fingerprint(t, d.live, zone.origin.to_lookup_key()) != staged[i]->live_print)
            return make_error(kRestage);
        auto per_zone =
            write_zone(t, d, limits, zone, next_id, options.serial_guard, staged[i].get(), stage_bytes_);
        if (!per_zone) return make_error(per_zone.error());
        report.zones.push_back(std::move(*per_zone));
    }
    if (options.prune_others) {
        if (auto e = prune_zones(t, d, options.keep, written_origins, report.removed)) return *e;
    }

    if ((rc = write_u64(t, d.meta, kNextIdKey, next_id)) != 0) return make_error(lmdb_error("meta", rc));
    if ((rc = write_u64(t, d.meta, kGenerationKey, read_u64(t, d.meta, kGenerationKey, 0) + 1)) != 0)
        return make_error(lmdb_error("meta", rc));
    if (options.proceed && !options.proceed()) return make_error(kWriteWithheld);
    if ((rc = txn.commit()) != 0) return make_error(lmdb_error("commit", rc));
    return report;
}

dns::Result<WriteReport> Store::remove_once(const std::vector<dns::Name>& origins) {
    Txn txn;
    int rc = txn.begin(env_, 0);
    if (rc != 0) return make_error(lmdb_error("mdb_txn_begin", rc));
    WriteReport report;
    for (const auto& o : origins) {
        std::string key = o.to_lookup_key();
        std::string zkey = zone_db_key(key);
        MDB_val k = val(zkey);
        MDB_val v;
        if (mdb_get(txn.get(), zones_dbi_, &k, &v) != 0) continue;
        ZoneMeta m;
        if (!decode_meta(as_span(v), m)) continue;
        if ((rc = delete_prefix(txn.get(), nodes_dbi_, id_prefix(m.id))) != 0) return make_error(lmdb_error("remove", rc));
        if ((rc = delete_routes(txn.get(), meta_dbi_, m.id)) != 0) return make_error(lmdb_error("remove", rc));
        if (journal_dbi_ != 0 && (rc = delete_prefix(txn.get(), journal_dbi_, journal_prefix(key))) != 0)
            return make_error(lmdb_error("remove journal", rc));
        if ((rc = detail::drop_live(txn.get(), live_dbi_, key)) != 0) return make_error(lmdb_error("remove live", rc));
        mdb_del(txn.get(), zones_dbi_, &k, nullptr);
        report.removed.push_back(o);
    }
    MDB_val gk{std::strlen(kGenerationKey), const_cast<char*>(kGenerationKey)};
    MDB_val gv;
    std::uint64_t gen = 0;
    if (mdb_get(txn.get(), meta_dbi_, &gk, &gv) == 0 && gv.mv_size == 8) gen = get_le<std::uint64_t>(as_span(gv).data());
    ++gen;
    gv = MDB_val{8, &gen};
    if ((rc = mdb_put(txn.get(), meta_dbi_, &gk, &gv, 0)) != 0) return make_error(lmdb_error("meta", rc));
    if ((rc = txn.commit()) != 0) return make_error(lmdb_error("commit", rc));
    return report;
}

dns::Result<std::unique_ptr<Reader>> Store::reader() {
    std::unique_ptr<Reader> r(new Reader());
    r->gate_ = gate_.get();
    r->slot_ = gate_->add();  // owned by the reader, listed in the gate until ~Reader
    r->store_ = this;
    r->env_ = env_;
    r->nodes_dbi_ = nodes_dbi_;
    r->zones_dbi_ = zones_dbi_;
    r->meta_dbi_ = meta_dbi_;
    r->journal_dbi_ = journal_dbi_;
    MapGate::Scope live(*gate_, r->slot_->live);
    int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &r->txn_);
    if (rc == MDB_MAP_RESIZED) {  // another process grew the map
        live.leave();
        if ((rc = remap(0, false)) == 0) {
            live.enter();
            rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &r->txn_);
        }
    }
    if (rc != 0) return make_error(lmdb_error("mdb_txn_begin (read)", rc));
    rc = mdb_cursor_open(r->txn_, nodes_dbi_, &r->cursor_);
    if (rc != 0) return make_error(lmdb_error("mdb_cursor_open", rc));
    mdb_txn_reset(r->txn_);
    return r;
}

void append_node_records(const dns::Name& owner, NodeView node, const SourceFile& file, std::vector<Record>& out) {
    std::size_t off = 0;
    RrsetView rs;
    while (node.next(off, rs)) {
        std::size_t ro = 0;
        std::span<const std::uint8_t> rdata;
        while (rs.next(ro, rdata)) {
            Record rec;
            rec.owner = owner;
            rec.type = rs.type;
            rec.ttl = rs.ttl;
            rec.rdata.assign(rdata.begin(), rdata.end());
            rec.loc.file = file;
            out.push_back(std::move(rec));
        }
    }
}

dns::Result<Zone> Store::load_zone(const dns::Name& origin) {
    auto rd = reader();
    if (!rd) return make_error(rd.error());
    Reader& r = **rd;
    if (!r.refresh()) return make_error("cannot read database " + path_);
    const ZoneInfo* zi = nullptr;
    for (const auto& z : r.zones()) {
        if (z.origin == origin) zi = &z;
    }
    if (zi == nullptr) return make_error("zone " + origin.to_text() + " is not in database " + path_);
    Zone zone;
    zone.origin = zi->origin;
    zone.loc.file = zi->meta.source;
    r.for_each_node(*zi, [&](const dns::Name& owner, NodeView node) {
        append_node_records(owner, node, zone.loc.file, zone.records);
        return true;
    });
    r.release();
    return zone;
}

// ------------------------------------------------------------------ reader

Reader::~Reader() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
    if (txn_ != nullptr) mdb_txn_abort(txn_);
    if (slot_) {
        MapGate::leave(slot_->live);
        gate_->drop(slot_.get());
    }
}

Reader::Reader(Reader&& o) noexcept
    : gate_(o.gate_),
      slot_(std::move(o.slot_)),
      store_(o.store_),
      env_(o.env_),
      txn_(o.txn_),
      cursor_(o.cursor_),
      nodes_dbi_(o.nodes_dbi_),
      zones_dbi_(o.zones_dbi_),
      meta_dbi_(o.meta_dbi_),
      journal_dbi_(o.journal_dbi_),
      generation_(o.generation_),
      has_client_(o.has_client_),
      has_views_(o.has_views_),
      client_(o.client_),
      zones_(std::move(o.zones_)),
      scratch_(std::move(o.scratch_)) {
    o.txn_ = nullptr;
    o.cursor_ = nullptr;
}

Reader& Reader::operator=(Reader&& o) noexcept {
    if (this != &o) {
        this->~Reader();
        new (this) Reader(std::move(o));
    }
    return *this;
}

int Reader::renew() noexcept {
    mdb_txn_reset(txn_);  // harmless when already reset
    gate_->enter(slot_->live);
    int rc = mdb_txn_renew(txn_);
    if (rc == MDB_MAP_RESIZED) {
        // Another process grew the map beyond ours: adopt its size, with no snapshot of ours live.
        MapGate::leave(slot_->live);
        if ((rc = store_->remap(0, false)) != 0) return rc;
        gate_->enter(slot_->live);
        rc = mdb_txn_renew(txn_);
    }
    if (rc == 0) rc = mdb_cursor_renew(txn_, cursor_);
    if (rc != 0) {
        mdb_txn_reset(txn_);
        MapGate::leave(slot_->live);
    }
    return rc;
}

bool Reader::refresh() noexcept {
    if (renew() != 0) return false;
    MDB_val k{sizeof(kGenerationKey) - 1, const_cast<char*>(kGenerationKey)};
    MDB_val v;
    std::uint64_t gen = 0;
    if (mdb_get(txn_, meta_dbi_, &k, &v) == 0 && v.mv_size == 8) gen = get_le<std::uint64_t>(as_span(v).data());
    if (gen != generation_) {
        if (!load_zones()) {
            release();  // callers do not release a failed refresh
            return false;
        }
        generation_ = gen;
    }
    return true;
}

void Reader::release() noexcept {
    mdb_txn_reset(txn_);
    MapGate::leave(slot_->live);
}

bool Reader::load_zones() noexcept {
    try {
        std::vector<ZoneInfo> zs;
        MDB_cursor* cur = nullptr;
        if (mdb_cursor_open(txn_, zones_dbi_, &cur) != 0) return false;
        MDB_val k;
        MDB_val v;
        for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            ZoneInfo zi;
            zi.origin_key = origin_key_of(k);
            auto name = dns::Name::from_lookup_key(as_span(zi.origin_key));
            if (!name || !decode_meta(as_span(v), zi.meta)) continue;
            zi.origin = *name;
            ZoneInfo* before = nullptr;
            for (auto& z : zones_) {
                if (z.meta.id == zi.meta.id) before = &z;
            }
            zi.routes = read_table<RouteTable>(
                txn_, meta_dbi_, routes_key(zi.meta.id), before ? &before->routes_bytes : nullptr,
                before ? &before->routes : nullptr, zi.routes_bytes, routes_from);
            zi.views = read_table<ViewTable>(
                txn_, meta_dbi_, views_key(zi.meta.id), before ? &before->views_bytes : nullptr,
                before ? &before->views : nullptr, zi.views_bytes, views_from);
            std::string pk = plain_key(zi.meta.id);
            MDB_val pkv = val(pk);
            MDB_val pv;
            zi.plain = zi.views == nullptr && mdb_get(txn_, meta_dbi_, &pkv, &pv) == 0;
            zs.push_back(std::move(zi));
        }
        mdb_cursor_close(cur);
        std::sort(zs.begin(), zs.end(), [](const ZoneInfo& a, const ZoneInfo& b) {
            return a.origin.label_count() > b.origin.label_count();
        });
        has_views_ = std::any_of(zs.begin(), zs.end(), [](const ZoneInfo& z) { return z.views != nullptr; });
        zones_ = std::move(zs);
        return true;
    } catch (...) {
        return false;
    }
}

const ZoneInfo* Reader::find_zone(const dns::Name& qname) const noexcept {
    for (const auto& z : zones_) {
        if (qname.is_subdomain_of(z.origin)) return &z;
    }
    return nullptr;
}

std::optional<NodeView> Reader::get(const ZoneInfo& zone, const dns::Name& name) noexcept {
    std::array<std::uint8_t, 4 + dns::kMaxLookupKey> key{};
    std::array<std::uint8_t, dns::kMaxLookupKey> full{};
    std::size_t n = name.to_lookup_key(std::span<std::uint8_t, dns::kMaxLookupKey>(full));
    // Only names at or below the origin: keys are label-terminated, so a byte
    // prefix is a label-aligned suffix of the name (anything else is another zone's).
    if (n < zone.origin_key.size() || std::memcmp(full.data(), zone.origin_key.data(), zone.origin_key.size()) != 0)
        return std::nullopt;
    std::size_t rel = n - zone.origin_key.size();
    std::memcpy(key.data(), id_prefix(zone.meta.id).data(), 4);
    std::memcpy(key.data() + 4, full.data() + zone.origin_key.size(), rel);
    MDB_val k{4 + rel, key.data()};
    MDB_val v;
    if (mdb_get(txn_, nodes_dbi_, &k, &v) != 0) return std::nullopt;
    NodeView node(as_span(v), zone.routes.get(), scratch_.get());
    // One predictable branch for zones without views (the query path's cost stays as it was).
    if (zone.views != nullptr && has_client_) [[unlikely]]
        overlay(zone, std::span<const std::uint8_t>(key.data() + 4, rel), node);
    return node;
}

void Reader::set_view_client(const ViewClient* client) noexcept {
    has_client_ = client != nullptr;
    if (client != nullptr) client_ = *client;
}

void Reader::overlay(const ZoneInfo& zone, std::span<const std::uint8_t> rel_key, NodeView& node) const noexcept {
    const int view = zone.views->select(client_);
    if (view < 0) return;
    node.set_override(zone.views->override_node(view, rel_key));
}

Lookup Reader::lookup(const ZoneInfo& zone, const dns::Name& qname) noexcept {
    Lookup out;
    std::array<std::uint8_t, 4 + dns::kMaxLookupKey> key{};
    std::array<std::uint8_t, dns::kMaxLookupKey> full{};
    std::size_t n = qname.to_lookup_key(std::span<std::uint8_t, dns::kMaxLookupKey>(full));
    std::size_t olen = zone.origin_key.size();
    std::size_t origin_labels = zone.origin.label_count();
    std::size_t rel = n - olen;
    std::uint32_t id = zone.meta.id;
    dns::store_u32(key.data(), id);
    std::memcpy(key.data() + 4, full.data() + olen, rel);
    std::span<const std::uint8_t> qrel(key.data() + 4, rel);

    auto same_zone = [&](const MDB_val& k) {
        return k.mv_size >= 4 && std::memcmp(k.mv_data, key.data(), 4) == 0;
    };
    auto rel_of = [](const MDB_val& k) {
        return std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(k.mv_data) + 4, k.mv_size - 4);
    };

    MDB_val k{4 + rel, key.data()};
    MDB_val v;
    std::size_t ce_rel_labels = 0;
    int rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
    bool exact = rc == 0 && k.mv_size == 4 + rel && std::memcmp(k.mv_data, key.data(), 4 + rel) == 0;
    NodeView node;
    if (exact) {
        node = NodeView(as_span(v), zone.routes.get(), scratch_.get());
    } else if (zone.plain) {
        // No wildcard, cut or DNAME in the zone: the name is NXDOMAIN whatever encloses it (ZoneInfo::plain).
        out.kind = Lookup::Kind::Nonexistent;
        out.encloser_labels = origin_labels;
        return out;
    } else {
        // With every empty non-terminal stored, the closest encloser is the
        // longer common ancestor of the qname with its neighbours in key order.
        if (rc == 0 && same_zone(k)) ce_rel_labels = std::max(ce_rel_labels, dns::common_key_labels(qrel, rel_of(k)));
        rc = rc == 0 ? mdb_cursor_get(cursor_, &k, &v, MDB_PREV) : mdb_cursor_get(cursor_, &k, &v, MDB_LAST);
        if (rc == 0 && same_zone(k)) ce_rel_labels = std::max(ce_rel_labels, dns::common_key_labels(qrel, rel_of(k)));
        std::size_t plen = dns::key_prefix_length(qrel, ce_rel_labels);
        MDB_val ck{4 + plen, key.data()};
        if (mdb_get(txn_, nodes_dbi_, &ck, &v) == 0) node = NodeView(as_span(v), zone.routes.get(), scratch_.get());
    }

    std::uint8_t fl = node.flags();
    bool below_or_at_cut = (fl & (node_flags::kDelegation | node_flags::kOccluded)) != 0;
    if (below_or_at_cut) {
        // RFC 1034 §4.3.2 step 3b: find the zone cut at or above the node.
        std::size_t labels = exact ? dns::key_label_count(qrel) : ce_rel_labels;
        while (labels > 0) {
            std::size_t plen = dns::key_prefix_length(qrel, labels);
            MDB_val ck{4 + plen, key.data()};
            if (mdb_get(txn_, nodes_dbi_, &ck, &v) != 0) break;
            NodeView cand(as_span(v));
            if ((cand.flags() & node_flags::kDelegation) != 0) {
                out.kind = Lookup::Kind::Delegation;
                out.node = cand;
                out.node_name = qname.parent(qname.label_count() - origin_labels - labels);
                return out;
            }
            --labels;
        }
    }
    if (exact) {
        if (zone.views != nullptr && has_client_) [[unlikely]]
            overlay(zone, qrel, node);
        out.kind = Lookup::Kind::Exact;
        out.node = node;
        out.node_name = qname;
        return out;
    }
    out.kind = Lookup::Kind::Nonexistent;
    out.encloser = node;
    out.encloser_labels = origin_labels + ce_rel_labels;
    return out;
}

void Reader::walk(const ZoneInfo& zone, bool (*cb)(void*, const dns::Name&, NodeView), void* ctx) {
    std::string prefix = id_prefix(zone.meta.id);
    MDB_cursor* cur = nullptr;
    if (mdb_cursor_open(txn_, nodes_dbi_, &cur) != 0) return;
    MDB_val k = val(prefix);
    MDB_val v;
    std::string full;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < 4 || std::memcmp(k.mv_data, prefix.data(), 4) != 0) break;
        full = zone.origin_key;
        full.append(static_cast<const char*>(k.mv_data) + 4, k.mv_size - 4);
        auto name = dns::Name::from_lookup_key(as_span(full));
        if (!name) continue;
        if (!cb(ctx, *name, NodeView(as_span(v), zone.routes.get(), scratch_.get()))) break;
    }
    mdb_cursor_close(cur);
}

}  // namespace enumd::zones

namespace enumd::zones {

Reader::NodeIterator::~NodeIterator() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

Reader::NodeIterator::NodeIterator(NodeIterator&& o) noexcept
    : cursor_(o.cursor_),
      id_(o.id_),
      origin_key_(std::move(o.origin_key_)),
      routes_(std::move(o.routes_)),
      scratch_(o.scratch_),
      started_(o.started_),
      done_(o.done_) {
    o.cursor_ = nullptr;
}

Reader::NodeIterator& Reader::NodeIterator::operator=(NodeIterator&& o) noexcept {
    if (this != &o) {
        if (cursor_ != nullptr) mdb_cursor_close(cursor_);
        cursor_ = o.cursor_;
        id_ = o.id_;
        origin_key_ = std::move(o.origin_key_);
        routes_ = std::move(o.routes_);
        scratch_ = o.scratch_;
        started_ = o.started_;
        done_ = o.done_;
        o.cursor_ = nullptr;
    }
    return *this;
}

bool Reader::NodeIterator::next(dns::Name& owner, NodeView& node) noexcept {
    if (cursor_ == nullptr || done_) return false;
    std::string prefix = id_prefix(id_);
    MDB_val k;
    MDB_val v;
    int rc = 0;
    if (!started_) {
        k = val(prefix);
        rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
        started_ = true;
    } else {
        rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
    }
    for (; rc == 0; rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT)) {
        if (k.mv_size < 4 || std::memcmp(k.mv_data, prefix.data(), 4) != 0) break;
        std::array<std::uint8_t, 4 + dns::kMaxLookupKey> full{};
        std::size_t olen = origin_key_.size();
        if (olen + k.mv_size - 4 > full.size()) continue;
        std::memcpy(full.data(), origin_key_.data(), olen);
        std::memcpy(full.data() + olen, static_cast<const char*>(k.mv_data) + 4, k.mv_size - 4);
        auto name = dns::Name::from_lookup_key({full.data(), olen + k.mv_size - 4});
        if (!name) continue;
        owner = *name;
        node = NodeView(as_span(v), routes_.get(), scratch_);
        return true;
    }
    done_ = true;
    return false;
}

Reader::NodeIterator Reader::iterate(const ZoneInfo& zone) {
    NodeIterator it;
    if (mdb_cursor_open(txn_, nodes_dbi_, &it.cursor_) != 0) it.cursor_ = nullptr;
    it.id_ = zone.meta.id;
    it.origin_key_ = zone.origin_key;
    it.routes_ = zone.routes;
    it.scratch_ = scratch_.get();
    return it;
}

std::optional<JournalView> Reader::journal(const ZoneInfo& zone, std::uint32_t from_serial) noexcept {
    if (journal_dbi_ == 0) return std::nullopt;
    try {
        std::string prefix = journal_prefix(zone.origin_key);
        MDB_cursor* cur = nullptr;
        if (mdb_cursor_open(txn_, journal_dbi_, &cur) != 0) return std::nullopt;
        MDB_val k = val(prefix);
        MDB_val v;
        std::optional<JournalView> found;
        for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size == prefix.size() && std::memcmp(k.mv_data, prefix.data(), prefix.size()) == 0)
                continue;  // the zone's journal tally (trim_journal)
            if (k.mv_size != prefix.size() + 8 || std::memcmp(k.mv_data, prefix.data(), prefix.size()) != 0) break;
            JournalView j(as_span(v));
            if (j.valid() && j.from_serial() == from_serial) found = j;  // the newest wins
        }
        mdb_cursor_close(cur);
        return found;
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace enumd::zones

// ------------------------------------------------------------------ for the live write path (store_update.cpp)

namespace enumd::zones::detail {

std::string lmdb_error(const char* what, int rc) { return zones::lmdb_error(what, rc); }
std::string id_prefix(std::uint32_t id) { return zones::id_prefix(id); }
std::string zone_db_key(const std::string& origin_key) { return zones::zone_db_key(origin_key); }
std::string journal_prefix(const std::string& origin_key) { return zones::journal_prefix(origin_key); }
std::string routes_key(std::uint32_t id) { return zones::routes_key(id); }
std::string plain_key(std::uint32_t id) { return zones::plain_key(id); }
std::string encode_meta(const ZoneMeta& m) { return zones::encode_meta(m); }
bool decode_meta(std::span<const std::uint8_t> v, ZoneMeta& m) { return zones::decode_meta(v, m); }
void put_journal_record(std::string& out, const dns::Name& owner, std::uint16_t type, std::uint32_t ttl,
                        std::span<const std::uint8_t> rdata) {
    zones::put_journal_record(out, owner, type, ttl, rdata);
}
int trim_journal(MDB_txn* t, unsigned journal, const std::string& jprefix, std::size_t depth, std::size_t budget) {
    return zones::trim_journal(t, journal, jprefix, depth, budget);
}
int delete_prefix(MDB_txn* t, unsigned dbi, const std::string& prefix) { return zones::delete_prefix(t, dbi, prefix); }
const char* generation_key() noexcept { return kGenerationKey; }

}  // namespace enumd::zones::detail
