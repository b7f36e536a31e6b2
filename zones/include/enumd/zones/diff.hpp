#pragma once
/// What a change would do before it goes live: the difference between two
/// versions of a set of zones, RRset by RRset (RFC 2181 §5: the RRset is the
/// unit DNS answers with), with TTLs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// One RRset: all records of one owner and type.
struct Rrset {
    dns::Name owner;
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;                        ///< the smallest TTL of its records
    std::vector<std::vector<std::uint8_t>> rdatas;  ///< sorted, unique
};

struct RrsetChange {
    enum class Kind { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    std::optional<Rrset> before;  ///< absent for Added
    std::optional<Rrset> after;   ///< absent for Removed
};

struct ZoneDiff {
    dns::Name origin;
    enum class Kind { Added, Removed, Changed } kind = Kind::Changed;
    std::vector<RrsetChange> changes;  ///< canonical order of owner, then type
};

/// The RRsets of a zone in canonical order (owner, type), duplicates merged.
std::vector<Rrset> rrsets_of(const Zone& zone);

/// Zones are matched by origin; a zone present on one side only is Added or
/// Removed with all its RRsets. Unchanged zones are not listed.
std::vector<ZoneDiff> diff_zones(const std::vector<Zone>& before, const std::vector<Zone>& after);

struct DiffCounts {
    std::size_t added = 0, removed = 0, changed = 0;
};
DiffCounts count_changes(const ZoneDiff& diff);

/// Human-readable report, one block per zone:
///   zone e164.arpa.: 1 RRset added, 0 removed, 1 changed
///   + 7.4.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (added, TTL 3600)
///   +     10 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .
///   ~ 5.4.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (changed, TTL 3600 -> 300)
///   -     50 100 "u" "E2U+sip" "!^.*$!sip:info@server2.example.net!" .
///   +     50 100 "u" "E2U+sip" "!^.*$!sip:info@server3.example.net!" .
///         (unchanged records are shown with two spaces)
/// Empty when there is no difference.
std::string diff_to_text(const std::vector<ZoneDiff>& diffs);

}  // namespace enumd::zones
