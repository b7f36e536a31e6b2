// The live write path (issue 11): Store::apply edits the touched nodes of one
// zone in one LMDB write transaction — no recompile — and keeps them as live
// overrides that every later compile of the zone file re-applies
// (zones/README.md "Live changes").

#include <lmdb.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "enumd/dns/serial.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/route.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "le_reader.hpp"
#include "le_writer.hpp"
#include "live_log.hpp"
#include "store_internal.hpp"

namespace enumd::zones {

// ------------------------------------------------------------------ change set vocabulary

Change Change::set_route(std::string number, std::string route, std::string rn) {
    Change c;
    c.kind = ChangeKind::SetRoute;
    c.number = std::move(number);
    c.route = std::move(route);
    c.rn = std::move(rn);
    return c;
}

Change Change::set_naptr(std::string number, std::vector<Naptr> naptrs) {
    Change c;
    c.kind = ChangeKind::SetNaptr;
    c.number = std::move(number);
    c.naptrs = std::move(naptrs);
    return c;
}

Change Change::delete_number(std::string number) {
    Change c;
    c.kind = ChangeKind::DeleteNumber;
    c.number = std::move(number);
    return c;
}

Change Change::add_rr(dns::Name owner, dns::RrType type, std::uint32_t ttl, std::vector<std::uint8_t> rdata) {
    Change c;
    c.kind = ChangeKind::AddRr;
    c.owner = std::move(owner);
    c.type = type;
    c.ttl = ttl;
    c.rdatas.push_back(std::move(rdata));
    return c;
}

Change Change::delete_rr(dns::Name owner, dns::RrType type, std::vector<std::uint8_t> rdata) {
    Change c;
    c.kind = ChangeKind::DeleteRr;
    c.owner = std::move(owner);
    c.type = type;
    c.rdatas.push_back(std::move(rdata));
    return c;
}

Change Change::delete_rrset(dns::Name owner, dns::RrType type) {
    Change c;
    c.kind = ChangeKind::DeleteRrset;
    c.owner = std::move(owner);
    c.type = type;
    return c;
}

Change Change::delete_name(dns::Name owner) {
    Change c;
    c.kind = ChangeKind::DeleteName;
    c.owner = std::move(owner);
    return c;
}

std::string ApplyIssue::to_text() const {
    if (!where.empty()) return where + ": " + message;
    if (item) return "item " + std::to_string(*item + 1) + ": " + message;
    return message;
}

std::string ApplyResult::error_text() const {
    std::string out;
    for (const auto& i : issues) {
        if (!out.empty()) out += '\n';
        out += i.to_text();
    }
    return out;
}

namespace {

using dns::make_error;

constexpr auto kNaptr = static_cast<std::uint16_t>(dns::RrType::NAPTR);
constexpr auto kSoa = static_cast<std::uint16_t>(dns::RrType::SOA);
constexpr auto kNs = static_cast<std::uint16_t>(dns::RrType::NS);
constexpr auto kDname = static_cast<std::uint16_t>(dns::RrType::DNAME);
constexpr auto kCname = static_cast<std::uint16_t>(dns::RrType::CNAME);
/// Issues reported per change set before the rest is skipped (the set fails anyway).
constexpr std::size_t kMaxIssues = 1000;

using In = LeReader;

MDB_val val(const std::string& s) {
    return MDB_val{s.size(), const_cast<char*>(s.data())};
}
std::span<const std::uint8_t> as_span(const MDB_val& v) noexcept {
    return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}
std::span<const std::uint8_t> as_span(const std::string& s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// ------------------------------------------------------------------ what live changes need of the file

/// 'D' + origin key: the zone file's default TTL and its named route sets
/// (the store's RouteTable keeps instances, not names).
struct LiveInfo {
    std::uint32_t default_ttl = 3600;
    std::vector<Route> routes;
};

}  // namespace
}  // namespace enumd::zones

namespace enumd::zones::detail {

/// See Store::apply_cache_. Moved into the editor of a change set and back after its commit: a set that
/// fails, or is not committed, leaves it empty (the next set decodes again).
struct ApplyCache {
    bool valid = false;
    std::uint32_t zone_id = 0;
    std::string routes_blob;  ///< the stored route sets `routes` was decoded from
    RouteTable routes;
    std::string info_key;   ///< the live DB key of `info_routes`' zone
    std::string info_blob;  ///< the stored value they were decoded from
    bool has_info = false;
    std::uint32_t info_ttl = 0;
    std::vector<Route> info_routes;
};

ApplyCache* new_apply_cache() { return new ApplyCache(); }
void free_apply_cache(ApplyCache* c) noexcept { delete c; }

}  // namespace enumd::zones::detail

namespace enumd::zones {
namespace {

std::string info_key(const std::string& origin_key) {
    return "D" + origin_key;
}

void put_naptr_fields(std::string& out, const Naptr& n) {
    put_le(out, n.order);
    put_le(out, n.preference);
    put_str8(out, n.flags);
    put_str8(out, n.service);
    put_str8(out, n.regexp);
    put_bytes16(out, n.replacement.wire());
}

bool get_naptr_fields(In& in, Naptr& n) {
    n.order = in.le<std::uint16_t>();
    n.preference = in.le<std::uint16_t>();
    n.flags = in.str8();
    n.service = in.str8();
    n.regexp = in.str8();
    auto wire = in.bytes16();
    auto name = dns::Name::from_uncompressed(wire);
    if (!in.ok || !name) return false;
    n.replacement = *name;
    return true;
}

std::string encode_info(const LiveInfo& info) {
    std::string out;
    put_le(out, info.default_ttl);
    put_le(out, static_cast<std::uint16_t>(info.routes.size()));
    for (const Route& r : info.routes) {
        put_bytes16(out, as_span(r.name));
        put_le(out, static_cast<std::uint16_t>(r.records.size()));
        for (const RouteNaptr& n : r.records) {
            put_naptr_fields(out, n);
            out.push_back(n.ttl ? 1 : 0);
            put_le(out, n.ttl.value_or(0));
        }
    }
    return out;
}

std::optional<LiveInfo> decode_info(std::span<const std::uint8_t> blob) {
    In in{blob};
    LiveInfo info;
    info.default_ttl = in.le<std::uint32_t>();
    std::size_t n = in.le<std::uint16_t>();
    for (std::size_t i = 0; i < n && in.ok; ++i) {
        Route r;
        auto name = in.bytes16();
        r.name.assign(name.begin(), name.end());
        std::size_t m = in.le<std::uint16_t>();
        for (std::size_t j = 0; j < m && in.ok; ++j) {
            RouteNaptr rn;
            if (!get_naptr_fields(in, rn)) return std::nullopt;
            bool has_ttl = in.le<std::uint8_t>() != 0;
            std::uint32_t ttl = in.le<std::uint32_t>();
            if (has_ttl) rn.ttl = ttl;
            r.records.push_back(std::move(rn));
        }
        info.routes.push_back(std::move(r));
    }
    if (!in.ok) return std::nullopt;
    return info;
}

/// The TTL a number written without `ttl:` gets: the file's default, which
/// the YAML reader also gives the apex NS (and the SOA when it has none).
std::uint32_t default_ttl_of(const Zone& zone) {
    std::optional<std::uint32_t> soa;
    for (const Record& r : zone.records) {
        if (!(r.owner == zone.origin)) continue;
        if (r.type == dns::RrType::NS) return r.ttl;
        if (r.type == dns::RrType::SOA) soa = r.ttl;
    }
    return soa.value_or(3600);
}

// ------------------------------------------------------------------ overrides

/// Value of an 'O' key: u8 has_route; with a route: route name (u16 len), rn
/// (u8 len), u32 ttl; u16 RRset count; per RRset u16 type, u32 ttl, u16
/// count, per rdata u16 length + rdata.
std::string encode_override(const LiveOverride& o) {
    std::string out;
    out.push_back(o.route.empty() ? 0 : 1);
    if (!o.route.empty()) {
        put_bytes16(out, as_span(o.route));
        put_str8(out, o.rn);
        put_le(out, o.route_ttl);
    }
    put_le(out, static_cast<std::uint16_t>(o.rrsets.size()));
    for (const auto& rs : o.rrsets) {
        put_le(out, static_cast<std::uint16_t>(rs.type));
        put_le(out, rs.ttl);
        put_le(out, static_cast<std::uint16_t>(rs.rdatas.size()));
        for (const auto& rd : rs.rdatas) put_bytes16(out, rd);
    }
    return out;
}

std::optional<LiveOverride> decode_override(std::span<const std::uint8_t> blob) {
    In in{blob};
    LiveOverride o;
    if (in.le<std::uint8_t>() != 0) {
        auto name = in.bytes16();
        o.route.assign(name.begin(), name.end());
        o.rn = in.str8();
        o.route_ttl = in.le<std::uint32_t>();
    }
    std::size_t n = in.le<std::uint16_t>();
    for (std::size_t i = 0; i < n && in.ok; ++i) {
        LiveOverride::Rrset rs;
        rs.type = static_cast<dns::RrType>(in.le<std::uint16_t>());
        rs.ttl = in.le<std::uint32_t>();
        std::size_t m = in.le<std::uint16_t>();
        for (std::size_t j = 0; j < m && in.ok; ++j) rs.rdatas.push_back(in.bytes16());
        o.rrsets.push_back(std::move(rs));
    }
    if (!in.ok || !in.done()) return std::nullopt;
    return o;
}

bool same_naptr(const Naptr& a, const Naptr& b) {
    return a.order == b.order && a.preference == b.preference && a.flags == b.flags && a.service == b.service &&
           a.regexp == b.regexp && a.replacement == b.replacement;
}

// ------------------------------------------------------------------ a node being edited

struct EditRrset {
    std::uint32_t ttl = 0;
    std::vector<std::vector<std::uint8_t>> rdatas;  ///< sorted by rdata_less, no repeats
};

/// A stored node (store.hpp, NodeView) opened for editing.
struct EditNode {
    std::uint8_t flags = 0;  ///< kApex, kDelegation, kOccluded, kWildcardChild (the routed bits are derived)
    std::optional<std::uint16_t> instance;      ///< the NAPTR RRset is this route instance ...
    std::string rn;                             ///< ... with this routing number
    std::map<std::uint16_t, EditRrset> rrsets;  ///< the stored RRsets (never the routed NAPTR)

    [[nodiscard]] bool has_records() const noexcept { return instance.has_value() || !rrsets.empty(); }
    [[nodiscard]] bool has(std::uint16_t type) const noexcept {
        return (type == kNaptr && instance) || rrsets.count(type) != 0;
    }
    /// The content without the structural flags (a range's records, copied).
    [[nodiscard]] EditNode content() const {
        EditNode c;
        c.instance = instance;
        c.rn = rn;
        c.rrsets = rrsets;
        return c;
    }
};

std::optional<EditNode> decode_node(std::span<const std::uint8_t> blob) {
    if (blob.size() < 2) return std::nullopt;
    EditNode n;
    std::uint8_t flags = blob[0];
    n.flags = flags & static_cast<std::uint8_t>(~(node_flags::kRouted | node_flags::kRouteRn));
    std::size_t count = blob[1];
    In in{blob, 2};
    if ((flags & node_flags::kRouted) != 0) {
        n.instance = in.le<std::uint16_t>();
        if ((flags & node_flags::kRouteRn) != 0) n.rn = in.str8();
    }
    for (std::size_t i = 0; i < count && in.ok; ++i) {
        auto type = in.le<std::uint16_t>();
        std::size_t rr = in.le<std::uint16_t>();
        EditRrset rs;
        rs.ttl = in.le<std::uint32_t>();
        auto body = in.bytes(in.le<std::uint32_t>());
        In b{body};
        for (std::size_t j = 0; j < rr && b.ok; ++j) rs.rdatas.push_back(b.bytes16());
        if (!b.ok) return std::nullopt;
        n.rrsets[type] = std::move(rs);
    }
    if (!in.ok) return std::nullopt;
    return n;
}

/// The packed form NodeView reads (store.hpp): RRsets in type order.
std::string encode_node(const EditNode& n) {
    std::string out;
    std::uint8_t flags = n.flags;
    if (n.instance) flags |= node_flags::kRouted | (n.rn.empty() ? 0 : node_flags::kRouteRn);
    out.push_back(static_cast<char>(flags));
    out.push_back(static_cast<char>(n.rrsets.size()));
    if (n.instance) {
        put_le(out, *n.instance);
        if (!n.rn.empty()) put_str8(out, n.rn);
    }
    for (const auto& [type, rs] : n.rrsets) {
        RrsetWriter w(out, type, rs.rdatas.size(), rs.ttl);
        for (const auto& rd : rs.rdatas) w.rdata(rd);
    }
    return out;
}

/// The NAPTR RRset of route instance `inst` with routing number `rn`, sorted as stored.
EditRrset instance_rrset(const RouteInstance& inst, std::string_view rn) {
    EditRrset rs;
    rs.ttl = inst.ttl;
    for (const RouteNaptr& t : inst.records) {
        auto rd = expand_route_naptr(t, rn);
        if (rd) rs.rdatas.push_back(std::move(*rd));
    }
    std::sort(rs.rdatas.begin(), rs.rdatas.end(), [](const auto& a, const auto& b) { return rdata_less(a, b); });
    return rs;
}

/// Every RRset of a node as records, the route set expanded (journal, prerequisites, overrides).
std::map<std::uint16_t, EditRrset> expanded(const EditNode& n, const RouteTable& routes) {
    std::map<std::uint16_t, EditRrset> out = n.rrsets;
    if (n.instance && *n.instance < routes.instances.size())
        out[kNaptr] = instance_rrset(routes.instances[*n.instance], n.rn);
    return out;
}

/// A node whose only records are a route instance's NAPTRs (most numbers): its RRset comes from
/// RoutedRrsets, without the maps of `expanded`.
bool route_only(const std::optional<EditNode>& n, const RouteTable& routes) {
    return n && n->rrsets.empty() && n->instance && *n->instance < routes.instances.size();
}

/// The NAPTR RRsets of route instances, each expanded once per change set for instances without a routing
/// number (a batch moves thousands of numbers between a few hundred routes); with one, expanded each time.
class RoutedRrsets {
   public:
    explicit RoutedRrsets(const RouteTable& routes) : routes_(routes), plain_(routes.instances.size()) {}
    const EditRrset& of(const EditNode& n) {
        const RouteInstance& inst = routes_.instances[*n.instance];
        if (!n.rn.empty()) return scratch_[flip_ ^= 1] = instance_rrset(inst, n.rn);
        auto& slot = plain_[*n.instance];
        if (!slot) slot = instance_rrset(inst, {});
        return *slot;
    }

   private:
    const RouteTable& routes_;
    std::vector<std::optional<EditRrset>> plain_;
    EditRrset scratch_[2];  ///< the last two with a routing number: a node's before and after
    unsigned flip_ = 0;
};

std::size_t record_count(const std::map<std::uint16_t, EditRrset>& rrsets) {
    std::size_t n = 0;
    for (const auto& [type, rs] : rrsets) n += rs.rdatas.size();
    return n;
}

void insert_sorted(std::vector<std::vector<std::uint8_t>>& v, std::vector<std::uint8_t> rd) {
    auto it = std::lower_bound(v.begin(), v.end(), rd, [](const auto& a, const auto& b) { return rdata_less(a, b); });
    if (it == v.end() || *it != rd) v.insert(it, std::move(rd));
}

void sort_unique(std::vector<std::vector<std::uint8_t>>& v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return rdata_less(a, b); });
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

struct Fail {
    ApplyFailure reason = ApplyFailure::Invalid;
    std::string message;
};
using Outcome = std::optional<Fail>;  ///< nothing, or why the item fails

Fail invalid(std::string m) {
    return Fail{ApplyFailure::Invalid, std::move(m)};
}

// ------------------------------------------------------------------ the editor: one change set, one transaction

const Route* route_of(const RouteInstance& inst, const std::vector<Route>& routes);

class Editor {
   public:
    Editor(MDB_txn* t, MDB_dbi nodes, const dns::Name& origin, std::string origin_key, const ZoneMeta& meta)
        : t_(t),
          nodes_(nodes),
          origin_(origin),
          origin_key_(std::move(origin_key)),
          prefix_(detail::id_prefix(meta.id)) {}

    RouteTable routes;
    std::size_t routes_stored = 0;  ///< instances in the database before this set
    std::optional<LiveInfo> info;
    int lmdb_rc = 0;                                ///< first LMDB failure (the set fails)
    std::optional<std::uint32_t> soa_serial_given;  ///< an SOA added by RFC 2136 with a newer serial

    /// A node read or written in this set, by relative key: its value now (null: no node) and, once the set
    /// wrote it ("touched"), its value before (null: it did not exist). One hashed entry per key (a batch
    /// touches tens of thousands of keys with long common prefixes); sorted_touched() gives key order.
    struct Seen {
        std::optional<std::string> value;
        std::optional<std::string> original;
        bool touched = false;
    };
    using SeenEntry = std::pair<const std::string, Seen>;

    /// The touched keys in key order (canonical order: the journal's order, RFC 1995 §4).
    [[nodiscard]] std::vector<const SeenEntry*> sorted_touched() const {
        std::vector<const SeenEntry*> out;
        out.reserve(touched_);
        for (const auto& e : seen_)
            if (e.second.touched) out.push_back(&e);
        std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
        return out;
    }
    [[nodiscard]] std::size_t touched_count() const noexcept { return touched_; }
    /// The value `key` had before this set wrote it; nullptr when the set did not write it.
    [[nodiscard]] const std::optional<std::string>* original_of(const std::string& key) const {
        auto it = seen_.find(key);
        return it != seen_.end() && it->second.touched ? &it->second.original : nullptr;
    }

    /// Room for a set of `changes` changes, each touching a node or two and reading a few ancestors.
    void reserve(std::size_t changes) { seen_.reserve(2 * changes + 16); }

    Outcome apply(const Change& c) {
        switch (c.kind) {
            case ChangeKind::SetRoute:
            case ChangeKind::SetNaptr:
            case ChangeKind::DeleteNumber:
                return number_change(c);
            default:
                return rrset_change(c);
        }
    }

    // ---- nodes

    [[nodiscard]] std::string rel_key(const dns::Name& owner) const {
        return owner.to_lookup_key().substr(origin_key_.size());
    }
    [[nodiscard]] static std::string parent_key(const std::string& key) {
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        return labels == 0 ? std::string() : key.substr(0, dns::key_prefix_length(ks, labels - 1));
    }
    [[nodiscard]] static bool is_wildcard_key(const std::string& key) {
        std::string p = parent_key(key);
        return key.size() - p.size() == 2 && key[p.size()] == '*';
    }
    /// "*.<key>" (the label "*" has the lookup key '*' and a terminator: dns/name.hpp).
    [[nodiscard]] std::string star_key(const std::string& key) const {
        std::string full = origin_key_ + key;
        auto name = dns::Name::from_lookup_key(as_span(full));
        if (!name) return {};
        auto star = name->prepend("*");
        if (!star) return {};
        return rel_key(*star);
    }

    std::optional<EditNode> load(const std::string& key) {
        const std::optional<std::string>& v = read(key);
        if (!v) return std::nullopt;
        return decode_node(as_span(*v));
    }
    /// A node's flags (nullopt: no node).
    std::optional<std::uint8_t> flags_of(const std::string& key) {
        const std::optional<std::string>& v = read(key);
        if (!v || v->empty()) return std::nullopt;
        return static_cast<std::uint8_t>((*v)[0]);
    }
    void save(const std::string& key, const EditNode& n) {
        Seen& e = entry(key);
        const bool created = !e.value.has_value();
        std::string k = prefix_ + key;
        std::string v = encode_node(n);
        if ((n.flags & node_flags::kEncloserMatters) != 0 || n.rrsets.count(kDname) != 0) special = true;
        MDB_val mk = val(k);
        MDB_val mv = val(v);
        if (!e.touched) {  // first written in this set: the value read is the original (the new one replaces it)
            e.original = std::move(e.value);
            e.touched = true;
            ++touched_;
        }
        if (int rc = mdb_put(t_, nodes_, &mk, &mv, 0); rc != 0) return fail_lmdb(rc);
        e.value = std::move(v);
        if (created) {
            ++nodes_delta;
            // RFC 4592 §2.2.1: the parent of a new "*" owner has a wildcard child.
            if (is_wildcard_key(key)) set_flag(parent_key(key), node_flags::kWildcardChild, true);
        }
    }
    void erase(const std::string& key) {
        if (key.empty()) return;  // the apex always exists
        Seen& e = entry(key);
        if (!e.touched) {
            e.original = e.value;
            e.touched = true;
            ++touched_;
        }
        std::string k = prefix_ + key;
        MDB_val mk = val(k);
        int rc = mdb_del(t_, nodes_, &mk, nullptr);
        if (rc == MDB_NOTFOUND) return;
        if (rc != 0) return fail_lmdb(rc);
        e.value = std::nullopt;
        --nodes_delta;
        if (is_wildcard_key(key)) set_flag(parent_key(key), node_flags::kWildcardChild, false);
    }
    void set_flag(const std::string& key, std::uint8_t flag, bool on) {
        auto n = load(key);
        if (!n) return;
        std::uint8_t f = on ? (n->flags | flag) : (n->flags & static_cast<std::uint8_t>(~flag));
        if (f == n->flags) return;
        n->flags = f;
        save(key, *n);
    }
    /// Whether a node has descendants (keys below it follow it directly in key order).
    bool has_children(const std::string& key) {
        std::string k = prefix_ + key;
        MDB_cursor* cur = nullptr;
        if (int rc = mdb_cursor_open(t_, nodes_, &cur); rc != 0) {
            fail_lmdb(rc);
            return true;
        }
        MDB_val mk = val(k);
        MDB_val mv;
        int rc = mdb_cursor_get(cur, &mk, &mv, MDB_SET_RANGE);
        if (rc == 0 && mk.mv_size == k.size() && std::memcmp(mk.mv_data, k.data(), k.size()) == 0)
            rc = mdb_cursor_get(cur, &mk, &mv, MDB_NEXT);
        bool child = rc == 0 && mk.mv_size > k.size() && std::memcmp(mk.mv_data, k.data(), k.size()) == 0;
        mdb_cursor_close(cur);
        return child;
    }

    std::int64_t nodes_delta = 0;
    /// A node was saved with a wildcard child, a cut, below a cut or with a DNAME: the zone is no longer
    /// plain (ZoneInfo::plain), whatever the rest of the set does.
    bool special = false;

   private:
    std::unordered_map<std::string, const Route*> route_by_name_;     ///< info->routes by name
    std::unordered_map<std::string, std::size_t> instance_memo_;        ///< route_rrset's instances found
    std::unordered_map<std::uint64_t, std::size_t> plain_memo_;        ///< the same, by route and TTL, for routes without {rn}
    std::vector<std::optional<const Route*>> route_of_instance_;        ///< route_of, by instance

   public:
    /// The route set an instance came from (route_of), looked for once per instance in this set.
    const Route* route_of_instance(std::size_t i) {
        if (!info || i >= routes.instances.size()) return nullptr;
        if (route_of_instance_.size() <= i) route_of_instance_.resize(routes.instances.size());
        auto& r = route_of_instance_[i];
        if (!r) r = route_of(routes.instances[i], info->routes);
        return *r;
    }

   private:
    /// Every node read or written in this set (Seen). Each number is looked at several times (its cut, CNAME,
    /// the node itself, its original, the journal), and numbers of one block share their ancestors: one B-tree
    /// lookup each instead of five. save and erase keep it exact.
    std::unordered_map<std::string, Seen> seen_;
    std::size_t touched_ = 0;

    /// The entry of `key`, read from the database the first time. A failed read counts as no node (and fails
    /// the set).
    Seen& entry(const std::string& key) {
        if (auto it = seen_.find(key); it != seen_.end()) return it->second;
        std::string k = prefix_ + key;
        MDB_val mk = val(k);
        MDB_val mv;
        int rc = mdb_get(t_, nodes_, &mk, &mv);
        Seen e;
        if (rc == 0)
            e.value.emplace(static_cast<const char*>(mv.mv_data), mv.mv_size);
        else if (rc != MDB_NOTFOUND)
            fail_lmdb(rc);
        return seen_.emplace(key, std::move(e)).first->second;
    }
    const std::optional<std::string>& read(const std::string& key) { return entry(key).value; }

    void fail_lmdb(int rc) {
        if (lmdb_rc == 0) lmdb_rc = rc;
    }

    /// A cut strictly above `key` (not the apex): the cut's key, when there is one. Looks at every
    /// ancestor: ask below_cut first.
    std::optional<std::string> cut_above(const std::string& key) {
        if (!below_cut(key)) return std::nullopt;
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        for (std::size_t l = 1; l < labels; ++l) {
            std::string anc = key.substr(0, dns::key_prefix_length(ks, l));
            auto f = flags_of(anc);
            if (!f) return std::nullopt;  // no node: nothing deeper exists either
            if ((*f & node_flags::kDelegation) != 0) return anc;
        }
        return std::nullopt;
    }
    /// Whether `key` lies strictly below a zone cut, from one node's flags for a name that exists: a
    /// compile marks every node below a cut kOccluded (store.cpp), and a live change adds an NS only
    /// where nothing lies below (add_rr) and adds no name below a cut. For a new name, its closest
    /// existing ancestor tells (the cut itself, or a node below one).
    bool below_cut(const std::string& key) {
        if (auto f = flags_of(key)) return (*f & node_flags::kOccluded) != 0;
        return (closest_ancestor(key).second & (node_flags::kDelegation | node_flags::kOccluded)) != 0;
    }
    /// The closest existing strict ancestor of `key`: its label count and flags (the apex, 0 labels,
    /// always exists).
    std::pair<std::size_t, std::uint8_t> closest_ancestor(const std::string& key) {
        auto ks = as_span(key);
        for (std::size_t l = dns::key_label_count(ks); l-- > 0;) {
            if (auto f = flags_of(key.substr(0, dns::key_prefix_length(ks, l)))) return {l, *f};
        }
        return {0, 0};
    }
    std::string owner_text(const std::string& key) const {
        std::string full = origin_key_ + key;
        auto n = dns::Name::from_lookup_key(as_span(full));
        return n ? n->to_text() : std::string("?");
    }

    /// The owner of `key`, created when absent with its empty non-terminals
    /// (RFC 4592 §2.2.2). `keep_ranges`: when the closest existing ancestor
    /// has a wildcard child (a prefix range), the new names get that
    /// wildcard's records as zones/ranges.hpp does, so no other number's
    /// answer changes.
    EditNode open_node(const std::string& key, bool keep_ranges) {
        if (auto n = load(key)) return *n;
        auto ks = as_span(key);
        std::size_t labels = dns::key_label_count(ks);
        const std::size_t have = closest_ancestor(key).first;
        std::optional<EditNode> range;
        if (keep_ranges) {
            std::string star = star_key(key.substr(0, dns::key_prefix_length(ks, have)));
            if (!star.empty()) {
                if (auto w = load(star)) range = w->content();
            }
        }
        for (std::size_t l = have + 1; l < labels; ++l) {
            std::string ent = key.substr(0, dns::key_prefix_length(ks, l));
            save(ent, range ? *range : EditNode{});
            if (range) save(star_key(ent), *range);  // the ENT's own "*" child: ranges.hpp rule 2
        }
        EditNode n;
        if (range && !is_wildcard_key(key)) {
            save(star_key(key), *range);  // before `key` is stored: its flag is set here
            n.flags |= node_flags::kWildcardChild;
        }
        return n;
    }

    /// Removes `key` when it has no records and no descendants, then its ancestors the same way.
    void prune(std::string key) {
        while (!key.empty()) {
            auto n = load(key);
            if (!n || n->has_records() || has_children(key)) return;
            erase(key);
            key = parent_key(key);
        }
    }

    // ---- number level

    Outcome number_change(const Change& c) {
        auto digits = numbering::normalise_e164(c.number);
        if (!digits) return invalid("number '" + c.number + "': " + digits.error());
        auto owner = numbering::owner_from_digits(*digits, origin_);
        if (!owner) return Fail{ApplyFailure::NotZone, owner.error()};
        std::string key = rel_key(*owner);
        std::string shown = numbering::format_number(*digits);
        if (key.empty()) return invalid("number " + shown + " is the zone's apex");
        if (auto cut = cut_above(key))
            return invalid("number " + shown + " is below the delegation at " + owner_text(*cut));
        if (auto f = flags_of(key); f && (*f & node_flags::kDelegation) != 0)
            return invalid("number " + shown + " is a delegation (NS) to another zone");
        if (c.kind == ChangeKind::DeleteNumber) return delete_number(key, shown);

        std::uint32_t ttl = c.ttl.value_or(info ? info->default_ttl : 3600);
        if (ttl > kMaxTtl) return invalid("TTL " + std::to_string(ttl) + " is above 2^31-1 (RFC 2181 §8)");
        EditNode fresh;
        if (c.kind == ChangeKind::SetRoute) {
            auto r = route_rrset(c, ttl, fresh);
            if (r) return r;
        } else {
            if (c.naptrs.empty())
                return invalid("number " + shown + ": no NAPTR records (to remove a number, delete it)");
            EditRrset rs;
            rs.ttl = ttl;
            for (const Naptr& n : c.naptrs) {
                auto problems = check_naptr(n);
                if (!problems.empty()) {
                    std::string m = "number " + shown + ": ";
                    for (std::size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
                    return invalid(m);
                }
                auto wire = encode_naptr(n);
                if (!wire) return invalid("number " + shown + ": " + wire.error());
                rs.rdatas.push_back(std::move(*wire));
            }
            sort_unique(rs.rdatas);
            fresh.rrsets[kNaptr] = std::move(rs);
        }
        if (auto n = load(key); n && n->rrsets.count(kCname) != 0)
            return invalid("number " + shown + " has a CNAME, which allows no other data (RFC 1034 §3.6.2)");
        EditNode node = open_node(key, true);
        node.instance = fresh.instance;
        node.rn = fresh.rn;
        node.rrsets.erase(kNaptr);
        if (fresh.rrsets.count(kNaptr) != 0) node.rrsets[kNaptr] = fresh.rrsets[kNaptr];
        save(key, node);
        return std::nullopt;
    }

    /// The NAPTR RRset of `route` with routing number c.rn: a route instance
    /// reference (an existing one, or one appended to the zone's table), or
    /// the records when no reference can give them back exactly.
    Outcome route_rrset(const Change& c, std::uint32_t ttl, EditNode& out) {
        if (!info || info->routes.empty())
            return invalid("zone " + origin_.to_text() + " has no route sets ('routes:' in its YAML file)");
        if (route_by_name_.empty())
            for (const Route& r : info->routes) route_by_name_[r.name] = &r;  // the last of a name, as before
        auto named = route_by_name_.find(c.route);
        if (named == route_by_name_.end()) return invalid("unknown route '" + c.route + "'");
        const Route* route = named->second;
        std::string rn;
        if (!c.rn.empty()) {
            auto d = numbering::normalise_e164(c.rn);
            if (!d) return invalid("rn '" + c.rn + "': " + d.error());
            rn = *d;
        }
        bool uses = route->uses_rn();
        if (uses && rn.empty()) return invalid("route '" + c.route + "' needs 'rn' (it uses {rn})");
        if (!uses && !rn.empty()) return invalid("route '" + c.route + "' has no {rn}; 'rn' would be ignored");
        // A route without {rn} gives the same records to every number: its instance for this TTL, once found in
        // this set, is the answer for every later number of the set (most of a batch), without expanding again.
        const auto route_index = static_cast<std::uint64_t>(route - info->routes.data());
        std::uint64_t plain_key = 0;
        if (!uses) {
            std::uint32_t t = ttl;
            for (const RouteNaptr& r : route->records) t = std::min(t, r.ttl.value_or(ttl));
            plain_key = route_index << 32 | t;
            if (auto m = plain_memo_.find(plain_key); m != plain_memo_.end()) {
                out.instance = static_cast<std::uint16_t>(m->second);
                out.rn.clear();
                return std::nullopt;
            }
        }
        // The records in the order the store keeps them (by rdata), as the compiler orders an instance.
        std::vector<std::pair<std::vector<std::uint8_t>, std::size_t>> keyed;
        std::uint32_t set_ttl = ttl;
        for (std::size_t i = 0; i < route->records.size(); ++i) {
            auto rd = expand_route_naptr(route->records[i], rn);
            if (!rd) return invalid("route '" + c.route + "': " + rd.error());
            keyed.emplace_back(std::move(*rd), i);
            set_ttl = std::min(set_ttl, route->records[i].ttl.value_or(ttl));  // RFC 2181 §5.2: one TTL
        }
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return rdata_less(a.first, b.first); });
        bool repeats = std::adjacent_find(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
                           return a.first == b.first;
                       }) != keyed.end();
        // The instance of this route, TTL and record order, once looked for in this set (a linear search over
        // the zone's instances, a few hundred, per change was a large part of a batch's CPU).
        std::string memo_key;
        put_le(memo_key, static_cast<std::uint32_t>(route_index));
        put_le(memo_key, set_ttl);
        for (const auto& [bytes, i] : keyed) put_le(memo_key, static_cast<std::uint16_t>(i));
        if (!repeats) {
            if (auto m = instance_memo_.find(memo_key); m != instance_memo_.end()) {
                out.instance = static_cast<std::uint16_t>(m->second);
                out.rn = rn;
                return std::nullopt;
            }
        }
        RouteInstance want;
        want.ttl = set_ttl;
        for (const auto& [bytes, i] : keyed) want.records.push_back(route->records[i]);
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < routes.instances.size() && !found; ++i) {
            const RouteInstance& inst = routes.instances[i];
            if (inst.ttl != want.ttl || inst.records.size() != want.records.size()) continue;
            bool same = true;
            for (std::size_t j = 0; j < inst.records.size() && same; ++j)
                same = same_naptr(inst.records[j], want.records[j]);
            if (same) found = i;
        }
        if (!found && !repeats && routes.instances.size() < 0xFFFF) {  // a u16 in the node
            found = routes.instances.size();
            routes.instances.push_back(std::move(want));
        }
        if (found && !repeats) {
            if (!uses) plain_memo_.emplace(plain_key, *found);
            instance_memo_.emplace(std::move(memo_key), *found);
            out.instance = static_cast<std::uint16_t>(*found);
            out.rn = rn;
            return std::nullopt;
        }
        EditRrset rs;
        rs.ttl = set_ttl;
        for (auto& [bytes, i] : keyed) rs.rdatas.push_back(std::move(bytes));
        sort_unique(rs.rdatas);
        out.rrsets[kNaptr] = std::move(rs);
        return std::nullopt;
    }

    /// The number's records go. A name that must stay (it has descendants)
    /// answers as the names around it: it gets the records of its parent's
    /// wildcard (a prefix range), like an empty non-terminal inside a range.
    Outcome delete_number(const std::string& key, const std::string& shown) {
        auto node = load(key);
        if (!node || !node->has_records()) return Fail{ApplyFailure::NotFound, "number " + shown + " has no records"};
        node->instance.reset();
        node->rn.clear();
        node->rrsets.clear();
        if (!has_children(key)) {
            erase(key);
            prune(parent_key(key));
            return std::nullopt;
        }
        std::string star = star_key(parent_key(key));
        if (auto w = star.empty() ? std::nullopt : load(star)) {
            EditNode copy = w->content();
            node->instance = copy.instance;
            node->rn = copy.rn;
            node->rrsets = copy.rrsets;
            std::string own_star = star_key(key);
            if (!flags_of(own_star)) save(own_star, copy);
            node->flags |= node_flags::kWildcardChild;  // `node` was read before its "*" child was stored
        }
        save(key, *node);
        return std::nullopt;
    }

    // ---- RRset level (RFC 2136)

    /// A routed NAPTR RRset as records, so single records can be edited.
    void materialise(EditNode& n) {
        if (!n.instance) return;
        auto all = expanded(n, routes);
        n.rrsets[kNaptr] = all[kNaptr];
        n.instance.reset();
        n.rn.clear();
    }

    Outcome rrset_change(const Change& c) {
        if (!c.owner.is_subdomain_of(origin_))
            return Fail{ApplyFailure::NotZone, c.owner.to_text() + " is outside zone " + origin_.to_text()};
        std::string key = rel_key(c.owner);
        if (key.size() + 4 > 511) return invalid(c.owner.to_text() + " is too long to store");
        const auto type = static_cast<std::uint16_t>(c.type);
        auto node = load(key);
        auto content = node ? expanded(*node, routes) : std::map<std::uint16_t, EditRrset>{};
        switch (c.kind) {
            case ChangeKind::RequireName:  // RFC 2136 §2.4.4
                if (content.empty()) return Fail{ApplyFailure::NxDomain, c.owner.to_text() + " owns no records"};
                return std::nullopt;
            case ChangeKind::RequireNoName:  // §2.4.5
                if (!content.empty()) return Fail{ApplyFailure::YxDomain, c.owner.to_text() + " owns records"};
                return std::nullopt;
            case ChangeKind::RequireRrset:  // §2.4.1
                if (content.count(type) == 0)
                    return Fail{ApplyFailure::NxRrset,
                                c.owner.to_text() + " has no " + dns::to_text(c.type) + " RRset"};
                return std::nullopt;
            case ChangeKind::RequireNoRrset:  // §2.4.3
                if (content.count(type) != 0)
                    return Fail{ApplyFailure::YxRrset, c.owner.to_text() + " has a " + dns::to_text(c.type) + " RRset"};
                return std::nullopt;
            case ChangeKind::RequireRrsetValue: {  // §2.4.2: the whole RRset, compared as a set
                auto want = c.rdatas;
                sort_unique(want);
                auto it = content.find(type);
                if (it == content.end() || it->second.rdatas != want)
                    return Fail{ApplyFailure::NxRrset,
                                c.owner.to_text() + " " + dns::to_text(c.type) + " RRset is not the one required"};
                return std::nullopt;
            }
            default:
                break;
        }
        if (auto cut = cut_above(key))
            return invalid(c.owner.to_text() + " is below the delegation at " + owner_text(*cut));
        bool apex = key.empty();
        switch (c.kind) {
            case ChangeKind::AddRr:
                return add_rr(c, key, node, apex);
            case ChangeKind::DeleteRrset:
            case ChangeKind::DeleteName:
            case ChangeKind::DeleteRr:
                break;
            default:
                return invalid("unknown change");
        }
        if (!node) return std::nullopt;  // nothing to delete (RFC 2136 §3.4.2: not an error)
        bool was_cut = (node->flags & node_flags::kDelegation) != 0;
        if (c.kind == ChangeKind::DeleteName) {
            // §3.4.2.3: at the apex the SOA and NS stay.
            std::map<std::uint16_t, EditRrset> keep;
            if (apex) {
                for (auto t : {kSoa, kNs})
                    if (node->rrsets.count(t) != 0) keep[t] = node->rrsets[t];
            }
            node->rrsets = std::move(keep);
            node->instance.reset();
            node->rn.clear();
        } else if (c.kind == ChangeKind::DeleteRrset) {
            if (apex && (type == kSoa || type == kNs)) return std::nullopt;  // §3.4.2.3
            if (type == kNaptr) {
                node->instance.reset();
                node->rn.clear();
            }
            node->rrsets.erase(type);
        } else {  // DeleteRr, §3.4.2.4
            if (type == kSoa) return std::nullopt;
            if (type == kNaptr) materialise(*node);
            auto it = node->rrsets.find(type);
            if (it == node->rrsets.end() || c.rdatas.empty()) return std::nullopt;
            auto& v = it->second.rdatas;
            auto pos = std::find(v.begin(), v.end(), c.rdatas.front());
            if (pos == v.end()) return std::nullopt;
            if (apex && type == kNs && v.size() == 1) return std::nullopt;  // the last apex NS stays
            v.erase(pos);
            if (v.empty()) node->rrsets.erase(it);
        }
        if (was_cut && node->rrsets.count(kNs) == 0) {
            if (has_children(key))
                return invalid("removing the NS at " + c.owner.to_text() +
                               " would expose the names below that delegation; delete them first");
            node->flags &= static_cast<std::uint8_t>(~node_flags::kDelegation);
        }
        save(key, *node);
        if (!apex && !node->has_records()) prune(key);
        return std::nullopt;
    }

    Outcome add_rr(const Change& c, const std::string& key, std::optional<EditNode>& node, bool apex) {
        const auto type = static_cast<std::uint16_t>(c.type);
        if (c.rdatas.empty()) return invalid("no rdata to add");
        const auto& rd = c.rdatas.front();
        std::uint32_t ttl = c.ttl.value_or(info ? info->default_ttl : 3600);
        if (ttl > kMaxTtl) return invalid("TTL " + std::to_string(ttl) + " is above 2^31-1 (RFC 2181 §8)");
        if (c.type == dns::RrType::NAPTR) {
            auto n = decode_naptr(rd);
            if (!n) return invalid(c.owner.to_text() + ": malformed NAPTR rdata");
            auto problems = check_naptr(*n);
            if (!problems.empty()) return invalid(c.owner.to_text() + ": " + problems.front());
        }
        if (type == kSoa) {
            // §3.4.2.2: an SOA replaces the zone's when its serial is newer; elsewhere it is ignored.
            if (!apex || !node) return std::nullopt;
            auto soa = dns::read_soa(rd);
            if (!soa) return invalid("malformed SOA rdata");
            auto cur = node->rrsets.find(kSoa);
            if (cur == node->rrsets.end() || cur->second.rdatas.empty()) return std::nullopt;
            auto old = dns::read_soa(cur->second.rdatas.front());
            if (!old || !dns::serial_gt(soa->serial, old->serial)) return std::nullopt;
            cur->second.rdatas = {rd};
            cur->second.ttl = ttl;
            soa_serial_given = soa->serial;
            save(key, *node);
            return std::nullopt;
        }
        // §3.4.2.2: a CNAME is not added beside other data, other data not beside a CNAME.
        if (node) {
            bool others = node->instance.has_value();
            for (const auto& [t, rs] : node->rrsets) others = others || t != kCname;
            if (type == kCname && others) return std::nullopt;
            if (type != kCname && node->rrsets.count(kCname) != 0) return std::nullopt;
        }
        EditNode n = node ? *node : open_node(key, false);
        if (type == kNaptr) materialise(n);
        auto& rs = n.rrsets[type];
        insert_sorted(rs.rdatas, rd);
        rs.ttl = ttl;  // RFC 2181 §5.2: the RRset takes the new record's TTL
        if (type == kNs && !apex && (n.flags & node_flags::kDelegation) == 0) {
            if (has_children(key))
                return invalid("an NS at " + c.owner.to_text() + " would hide the names below it; delete them first");
            n.flags |= node_flags::kDelegation;
        }
        save(key, n);
        return std::nullopt;
    }

    MDB_txn* t_;
    MDB_dbi nodes_;
    const dns::Name& origin_;
    std::string origin_key_;
    std::string prefix_;
};

/// The route set a routed node's instance came from, by its records (for overrides).
const Route* route_of(const RouteInstance& inst, const std::vector<Route>& routes) {
    for (const Route& r : routes) {
        if (r.records.size() != inst.records.size()) continue;
        bool all = true;
        for (const RouteNaptr& a : inst.records) {
            bool found = false;
            for (const RouteNaptr& b : r.records) found = found || same_naptr(a, b);
            all = all && found;
        }
        if (all) return &r;
    }
    return nullptr;
}

/// The override value ('O' key, encode_override) of an owner as a change set left it (no node: none of its own).
template <typename RouteOf>
std::string override_of(const std::optional<EditNode>& node, const RouteTable& routes, RouteOf&& route_of_instance) {
    LiveOverride o;  // its owner is the key, not the value
    if (!node) return encode_override(o);
    EditNode n = *node;
    if (n.instance && *n.instance < routes.instances.size()) {
        const RouteInstance& inst = routes.instances[*n.instance];
        if (const Route* r = route_of_instance(*n.instance)) {
            o.route = r->name;
            o.rn = n.rn;
            o.route_ttl = inst.ttl;
            n.instance.reset();
        }
    }
    for (const auto& [type, rs] : expanded(n, routes)) {
        if (type == kSoa) continue;  // the SOA is the file's and the serial's
        o.rrsets.push_back({static_cast<dns::RrType>(type), rs.ttl, rs.rdatas});
    }
    return encode_override(o);
}

/// Journal records of one RRset of `owner`: old → new (a TTL change replaces the RRset); either side may be
/// absent.
void diff_rrset(const dns::Name& owner, std::uint16_t t, const EditRrset* o, const EditRrset* n, std::string& removed,
                std::string& added, std::size_t& n_removed, std::size_t& n_added) {
    const bool ttl_changed = o != nullptr && n != nullptr && o->ttl != n->ttl;
    // The records of `from` that `other` does not keep, into `out`.
    auto gone = [&](const EditRrset* from, const EditRrset* other, std::string& out, std::size_t& count) {
        if (from == nullptr) return;
        for (const auto& rd : from->rdatas) {
            bool kept = !ttl_changed && other != nullptr &&
                        std::binary_search(other->rdatas.begin(), other->rdatas.end(), rd,
                                           [](const auto& a, const auto& b) { return rdata_less(a, b); });
            if (!kept) {
                detail::put_journal_record(out, owner, t, from->ttl, rd);
                ++count;
            }
        }
    };
    gone(o, n, removed, n_removed);
    gone(n, o, added, n_added);
}

/// Journal records of one owner: old → new, RRset by RRset (SOA excluded).
void diff_owner(const dns::Name& owner, const std::map<std::uint16_t, EditRrset>& olds,
                const std::map<std::uint16_t, EditRrset>& news, std::string& removed, std::string& added,
                std::size_t& n_removed, std::size_t& n_added) {
    std::map<std::uint16_t, std::pair<const EditRrset*, const EditRrset*>> types;
    for (const auto& [t, rs] : olds) types[t].first = &rs;
    for (const auto& [t, rs] : news) types[t].second = &rs;
    for (const auto& [t, p] : types) {
        if (t == kSoa) continue;
        diff_rrset(owner, t, p.first, p.second, removed, added, n_removed, n_added);
    }
}

std::uint64_t read_u64(MDB_txn* t, MDB_dbi meta, const char* key) {
    MDB_val k{std::strlen(key), const_cast<char*>(key)};
    MDB_val v;
    std::uint64_t out = 0;
    if (mdb_get(t, meta, &k, &v) == 0 && v.mv_size == 8) std::memcpy(&out, v.mv_data, 8);
    return out;
}

using detail::Txn;

}  // namespace

// ------------------------------------------------------------------ Store::apply

namespace {

struct ApplyDbis {
    MDB_dbi meta, zones, nodes, journal, live;
    std::size_t journal_depth, journal_max_records;
};

std::uint64_t ns_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

/// One attempt of Store::apply inside one write transaction. A Result error
/// is an LMDB failure (run again in a grown map when it was MDB_MAP_FULL);
/// refused items come back in the ApplyResult.

dns::Result<ApplyResult> apply_once(MDB_env* env, const ApplyDbis& d, const dns::Name& origin,
                                    const std::vector<Change>& changes, const ApplyOptions& options,
                                    detail::ApplyCache& cache) {
    const auto started = std::chrono::steady_clock::now();
    ApplyResult out;
    Txn txn;
    if (int rc = txn.begin(env); rc != 0) return make_error(detail::lmdb_error("mdb_txn_begin", rc));
    MDB_txn* t = txn.get();
    const std::string origin_key = origin.to_lookup_key();
    const std::string zkey = detail::zone_db_key(origin_key);
    ZoneMeta meta;
    {
        MDB_val k = val(zkey);
        MDB_val v;
        if (mdb_get(t, d.zones, &k, &v) != 0 || !detail::decode_meta(as_span(v), meta)) {
            out.issues.push_back(
                {std::nullopt, {}, ApplyFailure::NoZone, "zone " + origin.to_text() + " is not served here"});
            return out;
        }
    }
    Editor ed(t, d.nodes, origin, origin_key, meta);
    ed.reserve(changes.size());
    // The route sets and the zone file's facts: as the last committed set left them when the stored bytes are
    // the same (decoding them was a sixth of a single API PUT's CPU), else decoded.
    const bool cached = cache.valid;
    cache.valid = false;  // taken: back only after this set commits
    std::string routes_blob;
    {
        std::string rk = detail::routes_key(meta.id);
        MDB_val k = val(rk);
        MDB_val v;
        if (mdb_get(t, d.meta, &k, &v) == 0) {
            routes_blob.assign(static_cast<const char*>(v.mv_data), v.mv_size);
            if (cached && cache.zone_id == meta.id && cache.routes_blob == routes_blob) {
                ed.routes = std::move(cache.routes);
            } else if (auto table = decode_route_table(as_span(v))) {
                ed.routes = std::move(*table);
            }
        }
        ed.routes_stored = ed.routes.instances.size();
    }
    std::string info_blob;
    const std::string ik = info_key(origin_key);
    if (d.live != 0) {
        MDB_val k = val(ik);
        MDB_val v;
        if (mdb_get(t, d.live, &k, &v) == 0) {
            info_blob.assign(static_cast<const char*>(v.mv_data), v.mv_size);
            if (cached && cache.has_info && cache.info_key == ik && cache.info_blob == info_blob)
                ed.info = LiveInfo{cache.info_ttl, std::move(cache.info_routes)};
            else
                ed.info = decode_info(as_span(v));
        }
    }
    std::optional<std::string> apex_soa_before;
    if (auto apex = ed.load(""); apex && apex->rrsets.count(kSoa) != 0 && !apex->rrsets[kSoa].rdatas.empty()) {
        const auto& rd = apex->rrsets[kSoa].rdatas.front();
        apex_soa_before = std::string(rd.begin(), rd.end());
    }

    for (std::size_t i = 0; i < changes.size() && out.issues.size() < kMaxIssues; ++i) {
        if (auto f = ed.apply(changes[i]))
            out.issues.push_back({i, changes[i].where, f->reason, std::move(f->message)});
        if (ed.lmdb_rc != 0) return make_error(detail::lmdb_error("applying changes", ed.lmdb_rc));
    }
    if (!out.issues.empty()) return out;  // the transaction is aborted: nothing changed

    // The journal entry (RFC 1995 §4 order), owners in canonical order.
    std::string removed;
    std::string added;
    // A number's two NAPTRs are about 200 octets of journal records a side: room for that, so a 100,000-change
    // set does not copy its journal a dozen times as it grows.
    removed.reserve(changes.size() * 128);
    added.reserve(changes.size() * 128);
    std::size_t n_removed = 0;
    std::size_t n_added = 0;
    std::int64_t records_delta = 0;
    std::vector<std::pair<std::string, std::string>> overrides;  // relative key, encoded override
    if (options.record_overrides) overrides.reserve(ed.touched_count());
    RoutedRrsets routed_rrsets(ed.routes);
    for (const auto* entry : ed.sorted_touched()) {
        const std::string& key = entry->first;
        const std::optional<std::string>& original = entry->second.original;
        std::optional<EditNode> before = original ? decode_node(as_span(*original)) : std::nullopt;
        std::optional<EditNode> after = ed.load(key);
        const bool routed = route_only(before, ed.routes) && route_only(after, ed.routes);
        if (routed && before->instance == after->instance && before->rn == after->rn) continue;  // same records
        std::string full = origin_key + key;
        auto owner = dns::Name::from_lookup_key(as_span(full));
        std::size_t r0 = n_removed;
        std::size_t a0 = n_added;
        if (routed) {  // a number moved between routes: one NAPTR RRset a side, from the set's expansions
            const EditRrset& o = routed_rrsets.of(*before);
            const EditRrset& n = routed_rrsets.of(*after);
            records_delta += static_cast<std::int64_t>(n.rdatas.size()) - static_cast<std::int64_t>(o.rdatas.size());
            if (!owner) continue;
            diff_rrset(*owner, kNaptr, &o, &n, removed, added, n_removed, n_added);
        } else {
            auto olds = before ? expanded(*before, ed.routes) : std::map<std::uint16_t, EditRrset>{};
            auto news = after ? expanded(*after, ed.routes) : std::map<std::uint16_t, EditRrset>{};
            records_delta +=
                static_cast<std::int64_t>(record_count(news)) - static_cast<std::int64_t>(record_count(olds));
            if (!owner) continue;
            diff_owner(*owner, olds, news, removed, added, n_removed, n_added);
        }
        if ((n_removed != r0 || n_added != a0) && options.record_overrides)
            overrides.emplace_back(key, override_of(after, ed.routes, [&ed](std::size_t i) {
                                       return ed.route_of_instance(i);
                                   }));
    }
    if (ed.lmdb_rc != 0) return make_error(detail::lmdb_error("applying changes", ed.lmdb_rc));

    auto apex = ed.load("");
    if (!apex || apex->rrsets.count(kSoa) == 0 || apex->rrsets[kSoa].rdatas.empty())
        return make_error("zone " + origin.to_text() + " has no SOA in the database");
    EditRrset& soa_rs = apex->rrsets[kSoa];
    std::string soa_now(soa_rs.rdatas.front().begin(), soa_rs.rdatas.front().end());
    bool soa_changed = apex_soa_before != soa_now;
    ApplyReport report;
    report.old_serial = meta.serial;
    report.serial = meta.serial;
    report.records_removed = n_removed;
    report.records_added = n_added;
    report.owners_changed = overrides.size();
    if (n_removed == 0 && n_added == 0 && !soa_changed) {
        out.report = report;  // RFC 2136 §3.7 spirit: no change, no new serial; the transaction is dropped
        return out;
    }
    report.changed = true;

    // RFC 1982 serial arithmetic: +1 wraps; an SOA added with a newer serial (RFC 2136 §3.4.2.2) is kept.
    auto soa = dns::read_soa(soa_rs.rdatas.front());
    if (!soa) return make_error("zone " + origin.to_text() + ": malformed SOA in the database");
    std::uint32_t next = meta.serial + 1;
    if (ed.soa_serial_given && dns::serial_gt(*ed.soa_serial_given, next)) next = *ed.soa_serial_given;
    soa->serial = next;
    std::vector<std::uint8_t> old_soa(apex_soa_before ? apex_soa_before->begin() : soa_now.begin(),
                                      apex_soa_before ? apex_soa_before->end() : soa_now.end());
    std::uint32_t old_soa_ttl = soa_rs.ttl;
    if (const auto* orig = ed.original_of(""); orig != nullptr && *orig) {
        if (auto b = decode_node(as_span(**orig)); b && b->rrsets.count(kSoa) != 0)
            old_soa_ttl = b->rrsets[kSoa].ttl;
    }
    soa_rs.rdatas.front() = dns::write_soa(*soa);
    ed.save("", *apex);
    if (ed.lmdb_rc != 0) return make_error(detail::lmdb_error("writing the SOA", ed.lmdb_rc));
    report.serial = next;

    std::uint64_t generation = read_u64(t, d.meta, detail::generation_key());
    if (d.journal != 0 && d.journal_depth > 0) {
        std::string jprefix = detail::journal_prefix(origin_key);
        // Kept up to the larger of journal_max_records and the zone's own size: only a difference larger
        // than the zone makes a full transfer cheaper (RFC 1995 §4 allows either). A 100,000-number batch
        // on a 1M-number zone (200,000–400,000 records) stays an IXFR instead of a re-AXFR of everything.
        const std::size_t limit = std::max<std::size_t>(d.journal_max_records, meta.records);
        if (n_removed + n_added > limit) {
            // Too big for IXFR to be worth it: the history no longer chains, secondaries take AXFR.
            if (int rc = detail::delete_prefix(t, d.journal, jprefix); rc != 0)
                return make_error(detail::lmdb_error("journal", rc));
            report.history_cut = "the change set's difference (" + std::to_string(n_removed + n_added) +
                                 " records) is larger than the zone; secondaries take a full transfer (AXFR)";
        } else {
            // The header and the two SOA records are small; the removed and added records go straight from their
            // strings into the page LMDB reserves (MDB_RESERVE): no third copy of a large set's journal.
            std::string head;
            put_le(head, meta.serial);
            put_le(head, next);
            put_le(head, static_cast<std::uint32_t>(n_removed + 1));
            put_le(head, static_cast<std::uint32_t>(n_added + 1));
            detail::put_journal_record(head, origin, kSoa, old_soa_ttl, old_soa);
            std::string mid;
            detail::put_journal_record(mid, origin, kSoa, soa_rs.ttl, soa_rs.rdatas.front());
            std::uint64_t seq = generation + 1;
            std::string jk = jprefix;
            for (int sh = 56; sh >= 0; sh -= 8) jk.push_back(static_cast<char>(seq >> sh));
            MDB_val mk = val(jk);
            MDB_val mv{head.size() + removed.size() + mid.size() + added.size(), nullptr};
            if (int rc = mdb_put(t, d.journal, &mk, &mv, MDB_RESERVE); rc != 0)
                return make_error(detail::lmdb_error("journal", rc));
            char* at = static_cast<char*>(mv.mv_data);
            for (const std::string* part : {&head, &removed, &mid, &added}) {
                std::memcpy(at, part->data(), part->size());
                at += part->size();
            }
            if (int rc = detail::trim_journal(t, d.journal, jprefix, d.journal_depth, limit); rc != 0)
                return make_error(detail::lmdb_error("journal", rc));
        }
    }
    if (ed.routes.instances.size() != ed.routes_stored) {
        std::string rk = detail::routes_key(meta.id);
        routes_blob = encode_route_table(ed.routes);
        MDB_val k = val(rk);
        MDB_val v = val(routes_blob);
        if (int rc = mdb_put(t, d.meta, &k, &v, 0); rc != 0) return make_error(detail::lmdb_error("route sets", rc));
    }
    if (d.live != 0 && !overrides.empty()) {
        // One log entry for the set, not a record per owner (live_log.hpp).
        if (int rc = live_log::append(t, d.live, origin_key, overrides); rc != 0)
            return make_error(detail::lmdb_error("live overrides", rc));
    }
    if (ed.special) {
        // Conservative: the mark goes with the first such node and only a compile that finds none writes it again.
        std::string pk = detail::plain_key(meta.id);
        MDB_val k = val(pk);
        if (int rc = mdb_del(t, d.meta, &k, nullptr); rc != 0 && rc != MDB_NOTFOUND)
            return make_error(detail::lmdb_error("zone plain mark", rc));
    }
    meta.serial = next;
    // The zone no longer is what its last compile wrote: the next compile (a file edit, dropped
    // overrides) must count as a change and move the serial, whatever it hashes to.
    meta.content_hash = 0;
    meta.records =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, static_cast<std::int64_t>(meta.records) + records_delta));
    meta.nodes =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, static_cast<std::int64_t>(meta.nodes) + ed.nodes_delta));
    {
        std::string mv = detail::encode_meta(meta);
        MDB_val k = val(zkey);
        MDB_val v = val(mv);
        if (int rc = mdb_put(t, d.zones, &k, &v, 0); rc != 0) return make_error(detail::lmdb_error("zone meta", rc));
    }
    {
        // Readers reload the zone table (serial, route sets) when the generation moves.
        std::uint64_t g = generation + 1;
        MDB_val k{std::strlen(detail::generation_key()), const_cast<char*>(detail::generation_key())};
        MDB_val v{8, &g};
        if (int rc = mdb_put(t, d.meta, &k, &v, 0); rc != 0) return make_error(detail::lmdb_error("generation", rc));
    }
    // Durable before the caller acknowledges: the environment is opened without MDB_NOSYNC; with
    // defer_sync the caller syncs (Store::sync) before it does.
    const auto committing = std::chrono::steady_clock::now();
    if (int rc = txn.commit(!options.defer_sync); rc != 0) return make_error(detail::lmdb_error("commit", rc));
    report.edit_ns = ns_between(started, committing);
    report.commit_ns = ns_between(committing, std::chrono::steady_clock::now());
    out.report = report;
    // Committed: what the editor holds is what is stored now. (route_by_name_ points into ed.info's routes,
    // which move with their vector.)
    cache.zone_id = meta.id;
    cache.routes_blob = std::move(routes_blob);  // as stored: encoded above when the set added instances
    cache.routes = std::move(ed.routes);
    cache.info_key = ik;
    cache.info_blob = std::move(info_blob);
    cache.has_info = ed.info.has_value();
    if (ed.info) {
        cache.info_ttl = ed.info->default_ttl;
        cache.info_routes = std::move(ed.info->routes);
    }
    cache.valid = true;
    return out;
}

}  // namespace

ApplyResult Store::apply(const dns::Name& origin, const std::vector<Change>& changes, const ApplyOptions& options) {
    ApplyResult result;
    if (changes.size() > options.max_changes) {
        result.issues.push_back({std::nullopt,
                                 {},
                                 ApplyFailure::TooLarge,
                                 std::to_string(changes.size()) + " changes in one set; at most " +
                                     std::to_string(options.max_changes) + " are applied as one transaction"});
        return result;
    }
    const ApplyDbis d{meta_dbi_, zones_dbi_, nodes_dbi_, journal_dbi_, live_dbi_, journal_depth_, journal_max_records_};
    // Generous: a node, its overrides and its journal records per change, and new empty non-terminals.
    std::size_t estimate = (std::size_t{1} << 20) + changes.size() * 2048;
    auto written = write_growing(estimate, [&]() -> dns::Result<WriteReport> {
        auto once = apply_once(env_, d, origin, changes, options, *apply_cache_);
        if (!once) return make_error(once.error());
        result = std::move(*once);
        return WriteReport{};
    });
    if (!written) {
        result = ApplyResult{};
        result.issues.push_back({std::nullopt, {}, ApplyFailure::Storage, written.error()});
    }
    return result;
}

namespace {

/// Visits the overrides of a zone in canonical order: f(relative key, value) (live_log.hpp).
template <typename F>
int for_each_override(MDB_txn* t, MDB_dbi live, const std::string& origin_key, F&& f) {
    return live_log::for_each(t, live, origin_key, [&f](std::string_view key, std::span<const std::uint8_t> v) {
        f(std::string(key), v);
    });
}

/// Every live override of the zone, decoded, with its owner; `emit(key, override)` per entry, in key order.
template <typename F>
dns::Result<bool> read_overrides(MDB_txn* t, unsigned dbi, const dns::Name& origin, F&& emit) {
    const std::string origin_key = origin.to_lookup_key();
    bool bad = false;
    int rc = for_each_override(t, dbi, origin_key, [&](const std::string& key, std::span<const std::uint8_t> v) {
        auto o = decode_override(v);
        std::string full = origin_key + key;
        auto owner = dns::Name::from_lookup_key(as_span(full));
        if (!o || !owner) {
            bad = true;
            return;
        }
        o->owner = *owner;
        emit(key, std::move(*o));
    });
    if (rc != 0) return make_error(detail::lmdb_error("reading live overrides", rc));
    if (bad) return make_error("a live override of zone " + origin.to_text() + " is damaged");
    return true;
}

}  // namespace

std::uint64_t detail::live_fingerprint(MDB_txn* t, unsigned live_dbi, const std::string& origin_key) {
    if (live_dbi == 0) return 0;
    // Unreadable: the write that compares fails anyway, reading the overrides (prepare_live).
    return live_log::fingerprint(t, live_dbi, origin_key);
}

dns::Result<std::optional<Store::FileInfo>> Store::file_info(const dns::Name& origin) {
    std::optional<FileInfo> out;
    if (live_dbi_ == 0) return out;
    MDB_txn* t = nullptr;
    if (int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &t); rc != 0)
        return make_error(detail::lmdb_error("mdb_txn_begin", rc));
    std::string k = info_key(origin.to_lookup_key());
    MDB_val mk = val(k);
    MDB_val mv;
    int rc = mdb_get(t, live_dbi_, &mk, &mv);
    std::optional<LiveInfo> info;
    if (rc == 0) info = decode_info(as_span(mv));
    mdb_txn_abort(t);
    if (rc != 0 && rc != MDB_NOTFOUND) return make_error(detail::lmdb_error("reading the zone's file info", rc));
    if (rc == 0 && !info) return make_error("the stored file info of zone " + origin.to_text() + " is damaged");
    if (info) out = FileInfo{info->default_ttl, std::move(info->routes)};
    return out;
}

dns::Result<std::vector<LiveOverride>> Store::overrides(const dns::Name& origin) {
    std::vector<LiveOverride> out;
    if (live_dbi_ == 0) return out;
    MDB_txn* t = nullptr;
    if (int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &t); rc != 0)
        return make_error(detail::lmdb_error("mdb_txn_begin", rc));
    auto read = read_overrides(t, live_dbi_, origin,
                               [&](const std::string&, LiveOverride&& o) { out.push_back(std::move(o)); });
    mdb_txn_abort(t);
    if (!read) return make_error(read.error());
    return out;
}

dns::Result<std::size_t> Store::drop_overrides(const dns::Name& origin) {
    std::size_t count = 0;
    if (live_dbi_ == 0) return count;
    auto written = write_growing(0, [&]() -> dns::Result<WriteReport> {
        Txn txn;
        if (int rc = txn.begin(env_); rc != 0) return make_error(detail::lmdb_error("mdb_txn_begin", rc));
        std::string origin_key = origin.to_lookup_key();
        count = 0;
        if (int rc = for_each_override(txn.get(), live_dbi_, origin_key,
                                       [&](const std::string&, std::span<const std::uint8_t>) { ++count; });
            rc != 0)
            return make_error(detail::lmdb_error("reading live overrides", rc));
        if (int rc = live_log::drop(txn.get(), live_dbi_, origin_key, false); rc != 0)
            return make_error(detail::lmdb_error("dropping live overrides", rc));
        {
            // The file alone is served from the next compile on: forget the fingerprint, or a reload of
            // unchanged files would skip the zone and keep serving the dropped overrides (source_hash.hpp).
            std::string zkey = detail::zone_db_key(origin_key);
            MDB_val k = val(zkey);
            MDB_val v;
            ZoneMeta meta;
            if (mdb_get(txn.get(), zones_dbi_, &k, &v) == 0 && detail::decode_meta(as_span(v), meta) &&
                meta.source_hash != 0) {
                meta.source_hash = 0;
                std::string mv = detail::encode_meta(meta);
                MDB_val nv = val(mv);
                if (int rc = mdb_put(txn.get(), zones_dbi_, &k, &nv, 0); rc != 0)
                    return make_error(detail::lmdb_error("zone meta", rc));
            }
        }
        if (int rc = txn.commit(); rc != 0) return make_error(detail::lmdb_error("commit", rc));
        return WriteReport{};
    });
    if (!written) return make_error(written.error());
    return count;
}

// ------------------------------------------------------------------ the compile path's hooks

namespace detail {

dns::Result<const Zone*> prepare_live(MDB_txn* t, unsigned live_dbi, const Zone& zone, Zone& merged) {
    if (live_dbi == 0) return &zone;
    const std::string origin_key = zone.origin.to_lookup_key();
    LiveInfo info;
    info.default_ttl = default_ttl_of(zone);
    info.routes = zone.routes;
    {
        std::string k = info_key(origin_key);
        std::string v = encode_info(info);
        MDB_val mk = val(k);
        MDB_val mv = val(v);
        if (int rc = mdb_put(t, live_dbi, &mk, &mv, 0); rc != 0) return make_error(lmdb_error("live info", rc));
    }
    std::map<std::string, LiveOverride> overrides;
    auto read = read_overrides(t, live_dbi, zone.origin,
                               [&](const std::string& key, LiveOverride&& o) { overrides.emplace(key, std::move(o)); });
    if (!read) return make_error(read.error());
    if (overrides.empty()) return &zone;
    if (zone.streamed)
        return make_error("zone " + zone.origin.to_text() +
                          " has live overrides and transferred records: a secondary zone takes no live changes");

    merged.origin = zone.origin;
    merged.routes = zone.routes;
    merged.loc = zone.loc;
    // Bulk numbers (numbers_csv) stay on disk; the overridden ones are skipped by the store.
    merged.bulk = zone.bulk;
    for (const auto& [key, o] : overrides) merged.bulk_masked.push_back(key);
    // The serial moves forward from the served one, whatever the file says (RFC 1982).
    merged.auto_serial = true;
    merged.records.reserve(zone.records.size() + overrides.size());
    for (const Record& r : zone.records) {
        if (r.type != dns::RrType::SOA && overrides.count(r.owner.to_lookup_key().substr(origin_key.size())) != 0)
            continue;  // the live override replaces the file's records at this owner
        merged.records.push_back(r);
    }
    SourceLoc live_loc{"live change", 0, 0};
    for (const auto& [key, o] : overrides) {
        for (const auto& rs : o.rrsets) {
            for (const auto& rd : rs.rdatas)
                merged.records.push_back(Record{o.owner, rs.type, rs.ttl, rd, live_loc, false, RouteRef{}});
        }
        if (o.route.empty()) continue;
        std::size_t index = merged.routes.size();
        for (std::size_t i = 0; i < merged.routes.size(); ++i) {
            if (merged.routes[i].name == o.route) index = i;
        }
        if (index == merged.routes.size())
            return make_error(zone.loc.to_text() + ": a live change gives " + o.owner.to_text() + " route '" + o.route +
                              "', which the file no longer defines; keep the route in the file or drop the live "
                              "overrides (enumctl drop-overrides)");
        const Route& route = merged.routes[index];
        RouteRef ref;
        ref.route = static_cast<std::uint16_t>(index + 1);
        ref.rn_length = static_cast<std::uint8_t>(std::min(o.rn.size(), kMaxRnDigits));
        std::memcpy(ref.rn.data(), o.rn.data(), ref.rn_length);
        if (route.uses_rn() == o.rn.empty())
            return make_error(zone.loc.to_text() + ": a live change gives " + o.owner.to_text() + " route '" + o.route +
                              "', whose use of {rn} changed in the file; fix the number or drop the live overrides");
        for (const RouteNaptr& tmpl : route.records) {
            auto rd = expand_route_naptr(tmpl, ref.rn_digits());
            if (!rd) return make_error(zone.loc.to_text() + ": " + o.owner.to_text() + ": " + rd.error());
            merged.records.push_back(Record{o.owner, dns::RrType::NAPTR, tmpl.ttl.value_or(o.route_ttl), std::move(*rd),
                                            live_loc, false, ref});
        }
    }
    return &merged;
}

int drop_live(MDB_txn* t, unsigned live_dbi, const std::string& origin_key) {
    if (live_dbi == 0) return 0;
    std::string k = info_key(origin_key);
    MDB_val mk = val(k);
    int rc = mdb_del(t, live_dbi, &mk, nullptr);
    if (rc != 0 && rc != MDB_NOTFOUND) return rc;
    return live_log::drop(t, live_dbi, origin_key, true);
}

}  // namespace detail

}  // namespace enumd::zones
