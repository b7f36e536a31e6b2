#pragma once
/// Live changes (issue 11): one write path for every door — RFC 2136 UPDATE,
/// the HTTP/JSON API and `enumctl set|delete|apply`. A change set is a list of
/// Change items applied by Store::apply to one zone in ONE LMDB write
/// transaction: all of them or none (zones/README.md "Live changes").
///
/// Two levels of item:
///  - number level (provisioning): a number gets a route set (route R [+ rn X]),
///    an explicit NAPTR list, or is deleted. Numbers are written as people
///    write them ("+61 3 5550 0911") and must lie inside the zone. A number set
///    inside a prefix range keeps the range's meaning for every other number
///    (the same expansion the YAML compiler does, zones/ranges.hpp).
///  - RRset level (RFC 2136 §2.5 update section and §2.4 prerequisites):
///    literal record edits at any owner of the zone, with RFC 2136 §3.4.2's
///    rules (SOA/apex NS protected, CNAME exclusivity). Prerequisite items
///    are checked against the zone as it is at their position in the list;
///    the UPDATE door puts them first (RFC 2136 §3.2 before §3.4).
///
/// Every item is validated (unknown route, number outside the zone, malformed
/// NAPTR, a regexp that does not compile, a name at or below a delegation);
/// one failing item means nothing is changed, and every failing item is
/// reported with its index and `where`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/zones/naptr.hpp"

namespace enumd::zones {

/// The most items one change set may hold (one transaction; the HTTP batch
/// endpoint and `enumctl apply` have the same bound). Beyond it a provisioning
/// system splits its batch: one transaction's dirty pages stay bounded.
inline constexpr std::size_t kMaxChangeSet = 100000;

enum class ChangeKind : std::uint8_t {
    // ---- number level
    SetRoute,      ///< number → route set `route` (+ routing number `rn`), replacing its NAPTRs
    SetNaptr,      ///< number → exactly `naptrs`
    DeleteNumber,  ///< the number's records go (it must have some)
    // ---- RRset level (RFC 2136 §2.5)
    AddRr,        ///< §2.5.1: add `rdatas[0]` of `type` at `owner` (TTL `ttl`)
    DeleteRrset,  ///< §2.5.2: delete the RRset `type` at `owner`
    DeleteName,   ///< §2.5.3: delete every RRset at `owner`
    DeleteRr,     ///< §2.5.4: delete `rdatas[0]` from the RRset `type` at `owner`
    // ---- RFC 2136 §2.4 prerequisites (checked, never change anything)
    RequireRrset,       ///< §2.4.1: an RRset `type` exists at `owner` (value independent)
    RequireRrsetValue,  ///< §2.4.2: the RRset `type` at `owner` is exactly `rdatas`
    RequireNoRrset,     ///< §2.4.3: no RRset `type` at `owner`
    RequireName,        ///< §2.4.4: `owner` owns at least one RR
    RequireNoName,      ///< §2.4.5: `owner` owns no RR
};

struct Change {
    ChangeKind kind = ChangeKind::SetRoute;
    /// Number level: the number as written ("+61 3 5550 0911"; '+' optional).
    std::string number;
    /// RRset level: the owner (absolute, inside the zone).
    dns::Name owner;
    /// SetRoute: the route set's name (YAML `routes:`) and the routing number
    /// (RFC 4694 `rn`, written as a number; empty: none).
    std::string route;
    std::string rn;
    /// SetNaptr: the records (checked as `enumctl check` does, naptr.hpp).
    std::vector<Naptr> naptrs;
    /// SetRoute/SetNaptr: the TTL (default: the zone's default TTL, its apex
    /// NS TTL); AddRr: the record's TTL.
    std::optional<std::uint32_t> ttl;
    /// RRset level: the type (AddRr/DeleteRr/DeleteRrset/Require*Rrset*).
    dns::RrType type = dns::RrType::NAPTR;
    /// Uncompressed wire rdata: one for AddRr/DeleteRr, the whole set for RequireRrsetValue.
    std::vector<std::vector<std::uint8_t>> rdatas;
    /// Where the item came from, for messages: "changes.csv:12", "update RR 3".
    std::string where;

    static Change set_route(std::string number, std::string route, std::string rn = {});
    static Change set_naptr(std::string number, std::vector<Naptr> naptrs);
    static Change delete_number(std::string number);
    static Change add_rr(dns::Name owner, dns::RrType type, std::uint32_t ttl, std::vector<std::uint8_t> rdata);
    static Change delete_rr(dns::Name owner, dns::RrType type, std::vector<std::uint8_t> rdata);
    static Change delete_rrset(dns::Name owner, dns::RrType type);
    static Change delete_name(dns::Name owner);
};

/// Why an item (or the whole set) was refused. The prerequisite outcomes map
/// one to one onto RFC 2136 §3.2 rcodes.
enum class ApplyFailure : std::uint8_t {
    Invalid,   ///< a malformed or impossible item (FORMERR/REFUSED at the DNS door, 400 at HTTP)
    NotFound,  ///< DeleteNumber of a number that has no records (404 at HTTP)
    NotZone,   ///< owner or number outside the zone (RFC 2136 NOTZONE)
    NoZone,    ///< the zone is not in the database (RFC 2136 NOTAUTH)
    TooLarge,  ///< more than ApplyOptions::max_changes items
    YxDomain,  ///< RequireNoName failed (RFC 2136 YXDOMAIN)
    NxDomain,  ///< RequireName failed (NXDOMAIN)
    YxRrset,   ///< RequireNoRrset failed (YXRRSET)
    NxRrset,   ///< RequireRrset / RequireRrsetValue failed (NXRRSET)
    Storage,   ///< LMDB failed (SERVFAIL, 500)
};

struct ApplyIssue {
    std::optional<std::size_t> item;  ///< index into the change set (none: the set as a whole)
    std::string where;                ///< the item's `where`
    ApplyFailure reason = ApplyFailure::Invalid;
    std::string message;
    /// "changes.csv:12: unknown route 'telstar'" / "item 3: ..." / the message.
    [[nodiscard]] std::string to_text() const;
};

struct ApplyOptions {
    std::size_t max_changes = kMaxChangeSet;
    /// Keep the touched owners as live overrides that survive recompiles of
    /// the zone file (zones/README.md "Live changes"). Secondary zones filled
    /// by transfers pass false.
    bool record_overrides = true;
    /// The commit is visible but not yet durable when apply returns: the caller calls Store::sync()
    /// before it acknowledges (the server's ChangeWriter, which then starts the next transaction while
    /// the last one's meta page is synced). False: apply returns after the commit is on disk.
    bool defer_sync = false;
};

struct ApplyReport {
    std::uint32_t old_serial = 0;
    std::uint32_t serial = 0;         ///< the new serial (== old_serial when nothing changed)
    bool changed = false;             ///< false: the set changed no record (no serial, no journal)
    std::size_t owners_changed = 0;   ///< owners whose records differ
    std::size_t records_removed = 0;  ///< journal: records removed / added (SOA excluded)
    std::size_t records_added = 0;
    std::string history_cut;          ///< set when this set cut the zone's IXFR history: why
    /// Time spent before the commit (reading, editing, the journal) and in it (page writes, data sync), for the
    /// writer's metrics.
    std::uint64_t edit_ns = 0;
    std::uint64_t commit_ns = 0;
};

struct ApplyResult {
    std::optional<ApplyReport> report;  ///< set when committed (durably) or when nothing needed changing
    std::vector<ApplyIssue> issues;     ///< why nothing was applied
    [[nodiscard]] bool ok() const noexcept { return report.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    /// Every issue, one per line.
    [[nodiscard]] std::string error_text() const;
};

/// A live override as kept in the database (enumctl diff/export list them):
/// the owner's own records after the last live change at it (SOA excluded).
struct LiveOverride {
    dns::Name owner;
    std::string route;  ///< the NAPTRs are route set `route` (with `rn`); empty: none
    std::string rn;     ///< digits of the routing number
    std::uint32_t route_ttl = 0;
    struct Rrset {
        dns::RrType type = dns::RrType::A;
        std::uint32_t ttl = 0;
        std::vector<std::vector<std::uint8_t>> rdatas;
    };
    std::vector<Rrset> rrsets;  ///< empty and no route: the owner has no records of its own
};

/// One NAPTR as `enumctl set --naptr` takes it: a URI (the YAML shorthand:
/// service from its scheme, `{number}` for the dialled number) or the
/// presentation form `ORDER PREF "FLAGS" "SERVICE" "REGEXP" REPLACEMENT`.
dns::Result<Naptr> naptr_from_text(std::string_view text);

/// A change set read from a CSV file (`enumctl apply`): every row as a
/// Change with `where` = "file:line", or every problem found.
struct ChangeFile {
    std::vector<Change> changes;
    std::vector<std::string> errors;  ///< "file:line: sentence"; any error: apply nothing
};
/// The header names the columns, in any order: `action` (set | delete;
/// default set), `number`, `route`, `rn`, `naptr` (one NAPTR as
/// naptr_from_text) — issue 10's `number,route[,rn]` files are `set` rows.
/// RFC 4180 quotes, a BOM, CRLF, empty lines and # comments are accepted.
/// At most kMaxChangeSet rows (one transaction).
ChangeFile read_change_csv(const std::string& path);

}  // namespace enumd::zones
