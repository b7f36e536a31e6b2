#pragma once
/// The compiled zone database in LMDB: many zones in one environment, every
/// node (owner name) one key whose value is all its RRsets packed in wire
/// form, keys in canonical order so closest-encloser and wildcard lookups are
/// one cursor seek (Knot's reversed-label keys, Unbound's packed RRsets).
///
/// Layout (named databases):
///  - "meta":  "generation" → u64, bumped by every write; "routes" + u32 zone
///             id (BE) → the zone's route sets (RouteTable, route.hpp), when
///             it has any; "key_format" → dns::kLookupKeyFormat as text (a
///             database without it, or of another format, is refused at open).
///  - "zones": origin lookup key → ZoneMeta (id, serial, content hash, counts).
///  - "nodes": u32 zone id (big-endian) + owner lookup key relative to the
///             origin → packed node (see NodeView). Empty non-terminals are
///             stored as nodes without RRsets.
///  - "journal": u16 length (BE) + origin lookup key + u64 sequence (BE) →
///             the difference between two versions (JournalView), written in
///             the same transaction as the new version; bounded per zone.
///             The prefix alone (no sequence) → the zone's tally: u64 entries,
///             u64 records, key of the newest entry counted (trim_journal).
///  - "live": 'D' + origin lookup key → what live changes need of the zone
///             file (default TTL, named route sets); 'O' + u16 length (BE) +
///             origin lookup key + owner lookup key relative to the origin →
///             a live override (store_update.cpp, zones/README.md "Live changes").
///
/// One compile switches all its zones in one write transaction: readers see
/// the whole old set of zones or the whole new set, never a mix; a kill -9
/// mid-compile leaves the previous data (LMDB's copy-on-write commit). A
/// large zone's new version is written before that transaction, under a
/// fresh id no zone entry names yet, in transactions of Options::stage_bytes
/// (zones/README.md "Memory of a compile"); what a crash leaves of it, and
/// old versions, are deleted by the next write.
///
/// The map has no fixed ceiling (PowerDNS's LMDB backend stops at its fixed
/// size, its issues 11243 and 12901): a new database starts at
/// Options::map_size, a write that will not fit grows the map first (from an
/// estimate of its size) and, when LMDB still reports MDB_MAP_FULL, doubles
/// it and runs the write again. A process whose map another process grew
/// (MDB_MAP_RESIZED) adopts the new size. Remapping moves the map, so it
/// happens only while no read snapshot or write of this process is live
/// (MapGate in store.cpp): readers never see it.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/route.hpp"
#include "enumd/zones/views.hpp"

struct MDB_env;
struct MDB_txn;
struct MDB_cursor;

namespace enumd::zones {

namespace detail {
struct ApplyCache;  ///< Store::apply's decoded route sets and zone-file facts (store_update.cpp)
ApplyCache* new_apply_cache();
void free_apply_cache(ApplyCache* c) noexcept;
}  // namespace detail

class MapGate;
struct MapSlot;

/// Node flags in the packed value.
namespace node_flags {
inline constexpr std::uint8_t kApex = 0x01;
inline constexpr std::uint8_t kDelegation = 0x02;  ///< NS below the apex: a zone cut
inline constexpr std::uint8_t kOccluded = 0x04;    ///< below a zone cut (glue only)
inline constexpr std::uint8_t kWildcardChild = 0x08;  ///< "*.<this>" exists
inline constexpr std::uint8_t kRouted = 0x10;         ///< the NAPTR RRset is a route set reference
inline constexpr std::uint8_t kRouteRn = 0x20;        ///< ... with a routing number
/// The flags that make a name's closest encloser matter to a name that does not exist (a wildcard to
/// synthesise from, a zone cut to refer to); with a DNAME, what a "plain" zone has none of (ZoneInfo::plain).
inline constexpr std::uint8_t kEncloserMatters = kDelegation | kOccluded | kWildcardChild;
}  // namespace node_flags

/// Room for one rdata expanded from a route set (one per Reader).
using RouteScratch = std::array<std::uint8_t, kMaxNaptrRdata>;

/// One RRset inside a packed node. Iterate rdatas with `next`.
struct RrsetView {
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;
    std::uint16_t count = 0;
    std::span<const std::uint8_t> body;  ///< count × (u16 rdlen LE, rdata); empty for a route set
    /// A route set: its records are built from these templates with `rn`,
    /// one at a time, into `scratch` — such an rdata stays valid until the
    /// next `next` on any route set read through the same Reader.
    const RouteInstance* route = nullptr;
    std::string_view rn;
    RouteScratch* scratch = nullptr;

    /// Iterates the rdatas: `offset` starts at 0; returns false at the end.
    bool next(std::size_t& offset, std::span<const std::uint8_t>& rdata) const noexcept;
};

/// A packed node: u8 flags, u8 count of stored RRsets; when flags has
/// kRouted, u16 route instance (index into the zone's RouteTable) and, with
/// kRouteRn, u8 length + the routing number's digits; then per stored RRset:
/// u16 type, u16 count, u32 ttl, u32 body length, body (all little-endian).
/// The route set is the node's NAPTR RRset: iteration yields it in type
/// order among the stored ones, so readers see the node as if expanded.
class NodeView {
public:
    NodeView() = default;
    explicit NodeView(std::span<const std::uint8_t> blob) noexcept : blob_(blob) {}
    /// A node of a zone with route sets: `routes` and `scratch` outlive the view.
    NodeView(std::span<const std::uint8_t> blob, const RouteTable* routes, RouteScratch* scratch) noexcept
        : blob_(blob), routes_(routes), scratch_(scratch) {}
    [[nodiscard]] bool valid() const noexcept { return blob_.size() >= 2 && blob_.size() >= header_size(); }
    [[nodiscard]] std::uint8_t flags() const noexcept { return valid() ? blob_[0] : 0; }
    [[nodiscard]] std::size_t rrset_count() const noexcept {
        return valid() ? blob_[1] + ((blob_[0] & node_flags::kRouted) != 0 ? 1 : 0) : 0;
    }
    [[nodiscard]] bool empty() const noexcept { return rrset_count() == 0; }
    [[nodiscard]] std::optional<RrsetView> find(dns::RrType type) const noexcept;
    /// Iterates RRsets in type order: `offset` starts at 0. With a view's override,
    /// the default's RRsets come first (each replaced by the view's of its type), then
    /// the view's types the default does not have.
    bool next(std::size_t& offset, RrsetView& out) const noexcept;
    /// Lays a view's override node (views.hpp, packed like a node, no route set) over
    /// this one: its RRsets replace this node's of the same type. Empty: none.
    void set_override(std::span<const std::uint8_t> over) noexcept { over_ = over; }
    [[nodiscard]] bool has_override() const noexcept { return !over_.empty(); }

private:
    bool next_own(std::size_t& offset, RrsetView& out) const noexcept;
    [[nodiscard]] std::optional<RrsetView> find_own(dns::RrType type) const noexcept;
    [[nodiscard]] std::size_t header_size() const noexcept;
    bool route_rrset(RrsetView& out) const noexcept;

    std::span<const std::uint8_t> blob_;
    const RouteTable* routes_ = nullptr;
    RouteScratch* scratch_ = nullptr;
    std::span<const std::uint8_t> over_;  ///< a view's override node (set_override)
};

/// Appends the records of `node` (route sets expanded) at `owner` to `out`, each placed in `file`: a stored
/// zone read back into the model (Store::load_zone, backup.hpp).
void append_node_records(const dns::Name& owner, NodeView node, const SourceFile& file, std::vector<Record>& out);

struct ZoneMeta {
    std::uint32_t id = 0;
    std::uint32_t serial = 0;
    std::uint64_t content_hash = 0;  ///< over all RRsets except the SOA serial
    std::uint64_t records = 0;
    std::uint64_t nodes = 0;
    std::int64_t compiled_at = 0;  ///< unix seconds
    std::string source;            ///< file the zone came from
    /// The fingerprint of the files the zone was compiled from (Zone::source_hash; 0: none) and
    /// those files: a reload of unchanged files leaves the zone alone (source_hash.hpp).
    std::uint64_t source_hash = 0;
    std::vector<std::string> source_files;
};

struct ZoneInfo {
    dns::Name origin;
    std::string origin_key;  ///< lookup key of the origin
    ZoneMeta meta;
    std::shared_ptr<const RouteTable> routes;  ///< the zone's route sets (none: null)
    std::shared_ptr<const ViewTable> views;    ///< the zone's views (none: null, the common case)
    /// The zone has no wildcard, no zone cut below its apex and no DNAME, and no views: a name that does
    /// not exist is NXDOMAIN whatever its closest encloser, so Reader::lookup does not read the encloser
    /// (a second B-tree descent per miss). Written by the compile that found none; the first live change
    /// that adds any of them deletes it (store_update.cpp), and only a compile writes it again.
    bool plain = false;
    /// The stored bytes `routes` and `views` were decoded from: a Reader's refresh after a live change (each
    /// commit moves the generation) decodes them again only when these differ.
    std::string routes_bytes;
    std::string views_bytes;
};

struct WriteOptions {
    /// Remove zones from the database that are not in this write.
    bool prune_others = false;
    /// Zones never pruned by `prune_others` (e.g. secondary zones filled by transfers).
    std::vector<dns::Name> keep;
    /// The serial guard (zones/README.md "Serial guard"): refuse the whole write when a zone with an
    /// explicit serial (not `serial: auto`, no live overrides) changes content under the stored serial,
    /// or when its serial does not move forward from the stored one in RFC 1982 terms — secondaries
    /// would keep the old data without a word. On for file compiles (enumctl compile, enumd); off
    /// for zones taken from a primary by transfer, whose serial is the primary's business.
    bool serial_guard = false;
    /// Tests: called after the large zones were staged (Store::Options::stage_bytes), before the
    /// transaction that switches to them.
    std::function<void()> after_staging;
    /// Called once the new versions are written, just before the transaction that makes them visible
    /// commits (again if the write starts over): false abandons the write — nothing is switched, a staged
    /// version is deleted as an orphan — and it fails with kWriteWithheld. write_checked (zone_source.hpp)
    /// waits here for the checks running beside the write.
    std::function<bool()> proceed;
};

/// Store::write's error when WriteOptions::proceed said no.
inline constexpr const char* kWriteWithheld = "the write was withheld before its commit";

/// One record of a journal entry (uncompressed wire owner and rdata).
struct JournalRecord {
    dns::Name owner;
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;
};

/// A journal entry: the difference between two consecutive compiled
/// versions of a zone (RFC 1995 §4 order: old SOA, deletions, new SOA,
/// additions). Views into the read transaction that produced it.
class JournalView {
public:
    JournalView() = default;
    explicit JournalView(std::span<const std::uint8_t> blob) noexcept : blob_(blob) {}
    [[nodiscard]] bool valid() const noexcept { return blob_.size() >= 16; }
    [[nodiscard]] std::uint32_t from_serial() const noexcept;
    [[nodiscard]] std::uint32_t to_serial() const noexcept;
    [[nodiscard]] std::uint32_t removed_count() const noexcept;  ///< includes the old SOA
    [[nodiscard]] std::uint32_t added_count() const noexcept;    ///< includes the new SOA
    /// Iterates removed records then added ones: `offset` starts at 0; the
    /// first removed_count() records are the removed ones.
    bool next(std::size_t& offset, JournalRecord& out) const noexcept;

private:
    std::span<const std::uint8_t> blob_;
};

struct WriteReport {
    struct PerZone {
        dns::Name origin;
        std::uint32_t serial = 0;
        bool changed = false;
        std::uint64_t records = 0;
        std::uint64_t nodes = 0;
        std::optional<std::uint32_t> previous_serial;  ///< serial before this write, if the zone existed
        /// Set when this write cut the zone's IXFR history (secondaries take AXFR next): why.
        std::string history_cut;
    };
    std::vector<PerZone> zones;
    std::vector<dns::Name> removed;
    /// Zones whose new version was staged (Store::Options::stage_bytes).
    std::uint64_t staged = 0;
    /// The staged versions were dropped and the write done in one transaction: live changes to a
    /// staged zone came in from another process meanwhile.
    bool restaged = false;
};

/// Lookup outcome inside one zone (RFC 1034 §4.3.2 step 3 inputs).
struct Lookup {
    enum class Kind {
        Exact,         ///< the name exists (node may be an empty non-terminal)
        Nonexistent,   ///< it does not; `encloser` is the closest encloser
        Delegation,    ///< a zone cut at or above the name: `node` is the cut
    };
    Kind kind = Kind::Nonexistent;
    NodeView node;                 ///< exact node, or the cut for Delegation
    dns::Name node_name;           ///< owner of `node` (Delegation) — exact: the qname
    /// Closest encloser node (Nonexistent). In a plain zone (ZoneInfo::plain) it is not read: empty, with
    /// `encloser_labels` the origin's — nothing in such a zone depends on it.
    NodeView encloser;
    std::size_t encloser_labels = 0;  ///< label count of the closest encloser (absolute)
};

class Store;

/// A read transaction, reusable across queries (reset/renew, no allocation).
/// One per thread. Holds a snapshot: a reload never blocks it and never
/// changes what it sees until `refresh`.
class Reader {
public:
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    Reader(Reader&&) noexcept;
    Reader& operator=(Reader&&) noexcept;

    /// Starts a fresh snapshot (mdb_txn_renew); reloads the zone table when
    /// the database generation changed. Returns false on LMDB errors.
    bool refresh() noexcept;
    /// Ends the snapshot so writers can reclaim pages (mdb_txn_reset).
    void release() noexcept;

    /// The zone whose origin is the longest suffix of `qname`, if any.
    [[nodiscard]] const ZoneInfo* find_zone(const dns::Name& qname) const noexcept;
    [[nodiscard]] const std::vector<ZoneInfo>& zones() const noexcept { return zones_; }
    /// True when a zone of the snapshot has views (views.hpp): only then does the client matter.
    [[nodiscard]] bool has_views() const noexcept { return has_views_; }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }

    /// Looks `qname` up inside `zone` (qname must be at or below its origin).
    [[nodiscard]] Lookup lookup(const ZoneInfo& zone, const dns::Name& qname) noexcept;
    /// Exact node for `name` in `zone`, if it exists.
    [[nodiscard]] std::optional<NodeView> get(const ZoneInfo& zone, const dns::Name& name) noexcept;

    /// The client that lookup() and get() answer for from now on (views.hpp): in zones
    /// with views, nodes come with the RRsets of the first view matching it. nullptr (the
    /// start): the default view, as transfers, export and diff read the zone.
    void set_view_client(const ViewClient* client) noexcept;

    /// Visits every node of a zone in canonical order (export, diff, AXFR).
    /// The callback returns false to stop.
    template <typename F>
    void for_each_node(const ZoneInfo& zone, F&& f);

    /// A resumable walk over a zone's nodes in canonical order inside this
    /// reader's snapshot (AXFR streams message by message). Valid until the
    /// reader is released or refreshed.
    class NodeIterator {
    public:
        NodeIterator() = default;
        ~NodeIterator();
        NodeIterator(const NodeIterator&) = delete;
        NodeIterator& operator=(const NodeIterator&) = delete;
        NodeIterator(NodeIterator&& o) noexcept;
        NodeIterator& operator=(NodeIterator&& o) noexcept;
        /// The next node; false at the end of the zone or on an LMDB error.
        bool next(dns::Name& owner, NodeView& node) noexcept;

    private:
        friend class Reader;
        MDB_cursor* cursor_ = nullptr;
        std::uint32_t id_ = 0;
        std::string origin_key_;
        std::shared_ptr<const RouteTable> routes_;
        RouteScratch* scratch_ = nullptr;
        bool started_ = false;
        bool done_ = false;
    };
    [[nodiscard]] NodeIterator iterate(const ZoneInfo& zone);

    /// The journal entry of `zone` that starts at `from_serial`, if kept
    /// (IXFR, RFC 1995). Entries chain: follow to_serial() to the next one.
    [[nodiscard]] std::optional<JournalView> journal(const ZoneInfo& zone, std::uint32_t from_serial) noexcept;

private:
    friend class Store;
    Reader() = default;
    bool load_zones() noexcept;
    void walk(const ZoneInfo& zone, bool (*cb)(void*, const dns::Name&, NodeView), void* ctx);
    /// Starts the snapshot inside the map gate, adopting a map grown by another process.
    int renew() noexcept;

    MapGate* gate_ = nullptr;
    std::unique_ptr<MapSlot> slot_;  ///< this reader's "snapshot live" flag in the gate (stable across moves)
    Store* store_ = nullptr;
    MDB_env* env_ = nullptr;
    MDB_txn* txn_ = nullptr;
    MDB_cursor* cursor_ = nullptr;
    unsigned nodes_dbi_ = 0;
    unsigned zones_dbi_ = 0;
    unsigned meta_dbi_ = 0;
    unsigned journal_dbi_ = 0;
    /// Lays the selected view's override for `rel_key` over `node` (zones with views only).
    void overlay(const ZoneInfo& zone, std::span<const std::uint8_t> rel_key, NodeView& node) const noexcept;

    std::uint64_t generation_ = ~0ULL;
    bool has_client_ = false;  ///< set_view_client
    bool has_views_ = false;   ///< has_views
    ViewClient client_{};
    std::vector<ZoneInfo> zones_;  // longest origin first
    /// Where route sets are expanded (heap-held so views survive a move of the Reader).
    std::unique_ptr<RouteScratch> scratch_ = std::make_unique<RouteScratch>();
};

template <typename F>
void Reader::for_each_node(const ZoneInfo& zone, F&& f) {
    auto thunk = [](void* ctx, const dns::Name& n, NodeView v) -> bool { return (*static_cast<F*>(ctx))(n, v); };
    walk(zone, thunk, &f);
}

/// One remap of a store's map (Store::Options::on_remap): its size before and after, whether it took the
/// size another process had grown the map to (else this process grew it for a write), how long the remapper
/// waited for this process's snapshots and writes to step aside, and how long the remap took.
struct Remap {
    std::size_t from = 0;
    std::size_t to = 0;
    bool adopted = false;
    std::chrono::nanoseconds waited{0};
    std::chrono::nanoseconds took{0};
};

class Store {
public:
    struct Options {
        bool read_only = false;
        /// The map a new database starts with (address space, not memory or disk); an
        /// existing database keeps its own size when larger. Grows on demand.
        std::size_t map_size = std::size_t{64} << 20;
        /// Grow the map before a write from an estimate of the write's size (false: only on
        /// MDB_MAP_FULL, then doubled and the write run again — tests use it to reach that path).
        bool grow_ahead = true;
        unsigned max_readers = 256;
        /// Journal entries kept per zone for IXFR (0 = no journal), as long as they hold no more
        /// records together than the zone itself (or journal_max_records, when larger). Live changes
        /// commit many times a second while NOTIFY goes out at most once a second: 16 entries covered
        /// a fraction of a second, and a secondary asking a second later got the whole zone by AXFR.
        unsigned journal_depth = 1024;
        /// A difference larger than this many records and than the zone itself
        /// is not journaled (a full transfer is cheaper); the zone's journal is
        /// cleared and the write reports why (history_cut).
        std::size_t journal_max_records = 200000;
        /// A zone whose new version is larger than this (bytes, roughly) is written in transactions of
        /// about this size before one transaction switches every zone of the write to its new version
        /// ("staged"; zones/README.md "Memory of a compile"): LMDB keeps a transaction's changed pages
        /// in memory, up to 512 MiB, so one transaction for 100 million numbers peaked at 536 MiB. The
        /// old version of such a zone is deleted after the switch, in transactions of the same size.
        /// 0: every write is one transaction.
        std::size_t stage_bytes = std::size_t{64} << 20;
        /// Called after every remap of this store's map (grown for a write, or adopting the size another
        /// process grew it to), outside the gate; on the thread that remapped. Empty: not reported.
        std::function<void(const Remap&)> on_remap{};
    };
    /// Opens (creating when writable) the environment in directory `path`.
    static dns::Result<std::unique_ptr<Store>> open(const std::string& path, const Options& options);
    static dns::Result<std::unique_ptr<Store>> open(const std::string& path) { return open(path, Options{}); }
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Writes `zones` in one transaction, replacing each zone of the same
    /// origin. Auto-serial zones get serial = stored + 1 when their content
    /// changed (and the stored serial when it did not). Records are expected
    /// validated; ENT nodes, cut and wildcard flags are derived here.
    dns::Result<WriteReport> write(const std::vector<Zone>& zones, const WriteOptions& options);
    dns::Result<WriteReport> write(const std::vector<Zone>& zones) { return write(zones, WriteOptions{}); }
    /// Removes the named zones in one transaction.
    dns::Result<WriteReport> remove(const std::vector<dns::Name>& origins);

    /// Applies one change set to zone `origin` (change.hpp) in one write
    /// transaction: only the touched nodes are rewritten, the SOA serial is
    /// bumped (RFC 1982) and an IXFR journal entry written when a record
    /// changed, and the generation bumped so readers refresh. Returns after
    /// the commit is durable. Any failing item: nothing changes.
    ApplyResult apply(const dns::Name& origin, const std::vector<Change>& changes, const ApplyOptions& options);
    ApplyResult apply(const dns::Name& origin, const std::vector<Change>& changes) {
        return apply(origin, changes, ApplyOptions{});
    }
    /// Makes every commit so far durable (fdatasync: the meta page of an apply with defer_sync). Safe
    /// beside a running write: it touches the file, not the map. 0 or an errno.
    int sync() noexcept;
    /// The live overrides of zone `origin` in canonical order (none: empty).
    dns::Result<std::vector<LiveOverride>> overrides(const dns::Name& origin);
    /// What live changes know of zone `origin`'s file, as its last compile stored it: the default TTL
    /// and the named route sets (nullopt: nothing stored, e.g. a database from before live changes).
    struct FileInfo {
        std::uint32_t default_ttl = 3600;
        std::vector<Route> routes;
    };
    dns::Result<std::optional<FileInfo>> file_info(const dns::Name& origin);
    /// Forgets the live overrides of `origin` (the next recompile serves the
    /// file alone); returns how many there were.
    dns::Result<std::size_t> drop_overrides(const dns::Name& origin);

    /// A new reader (each thread needs its own). Starts released.
    dns::Result<std::unique_ptr<Reader>> reader();

    /// Reads a whole zone back into the model (export, diff, tests).
    dns::Result<Zone> load_zone(const dns::Name& origin);
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// The current map size in bytes (grows with the data).
    [[nodiscard]] std::size_t map_size() const noexcept;

private:
    friend class Reader;
    Store();
    /// Runs `attempt` (one write transaction) until it fits the map: grows ahead by
    /// `estimate` bytes, then doubles the map on MDB_MAP_FULL and runs it again.
    dns::Result<WriteReport> write_growing(std::size_t estimate, const std::function<dns::Result<WriteReport>()>& attempt);
    dns::Result<WriteReport> write_once(const std::vector<Zone>& zones, const WriteOptions& options);
    /// One try of write_once, which holds the write lock: stages the large zones when `may_stage`.
    dns::Result<WriteReport> write_attempt(const std::vector<Zone>& zones, const WriteOptions& options,
                                           bool may_stage);
    dns::Result<WriteReport> remove_once(const std::vector<dns::Name>& origins);
    /// mdb_env_set_mapsize(size) (0: adopt the size another process set) with no snapshot live.
    int remap(std::size_t size, bool patient);

    std::unique_ptr<MapGate> gate_;
    bool grow_ahead_ = true;
    std::function<void(const Remap&)> on_remap_;
    MDB_env* env_ = nullptr;
    unsigned nodes_dbi_ = 0;
    unsigned zones_dbi_ = 0;
    unsigned meta_dbi_ = 0;
    unsigned journal_dbi_ = 0;
    unsigned live_dbi_ = 0;  ///< 0: opened read-only on a database without live changes
    /// What the last committed change set decoded (route sets, zone-file facts), kept for the next one when
    /// the stored bytes are still the same; used inside the write transaction only.
    std::unique_ptr<detail::ApplyCache, void (*)(detail::ApplyCache*) noexcept> apply_cache_{nullptr,
                                                                                           &detail::free_apply_cache};
    unsigned journal_depth_ = 1024;
    std::size_t journal_max_records_ = 200000;
    std::size_t stage_bytes_ = 0;
    std::string path_;
};

}  // namespace enumd::zones
