#pragma once
/// The zone model as RFC 1035 master-file text that BIND, Knot and NSD load:
/// $ORIGIN and $TTL, the SOA first, then every record in canonical order
/// (RFC 4034 §6.1 for owners, then type, then rdata octets), one record per
/// line with its TTL written out. Rdata text comes from zones::rdata_to_text
/// (ldns), so backslashes and quotes in NAPTR regexps are escaped as the
/// presentation format needs.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

struct ExportOptions {
    /// Owners relative to $ORIGIN ("1.1.9", "@"), as people write zone
    /// files; absolute owners when false.
    bool relative_owners = true;
    /// A "; zone <origin>, N records" header line.
    bool header = true;
    /// Comments naming the numbers, on the line before an owner's first record, when set: a number owner (digit
    /// labels below the origin holding NAPTRs) gets "; " and what this returns for its full digits (empty: no
    /// comment) — enumctl passes libphonenumber's "+61 3 5550 0911 (AU fixed-line)", which this library does
    /// not link; a wildcard over digit labels holding NAPTRs gets "; +61255502* (range)"; the range expansion's
    /// copies (the NAPTRs of the innermost range above, at a wildcard or at a name with names below it, as
    /// import tells them) get "; +612555023 (copy of a range)". Unset: no comments.
    std::function<std::string(std::string_view digits)> number_comment;
};

/// The records of `zone` sorted as export writes them: SOA first, then
/// canonical owner order, type, rdata; exact duplicates removed.
std::vector<Record> canonical_records(const Zone& zone);

/// RFC 1035 text of one zone.
std::string export_rfc1035(const Zone& zone, const ExportOptions& options = {});

/// Owner relative to `origin` in presentation form ("@" for the origin
/// itself); the absolute form when `owner` is not below `origin`.
std::string relative_owner_text(const dns::Name& owner, const dns::Name& origin);

/// Zones read back from a compiled LMDB database (store.hpp): all of them,
/// or only `origin`. Problems (no database, unknown zone) go to `diags`.
std::vector<Zone> load_zones_from_db(const std::string& dir, const std::optional<dns::Name>& origin,
                                     Diagnostics& diags);

/// The zones of one source as the CLI names it: a database directory when
/// `from_db`, else a file (YAML by extension, otherwise RFC 1035) loaded and
/// validated like `enumctl check` does (load_zone_files). With `origin` only
/// that zone is kept (and an RFC 1035 file is read with that origin); it is
/// an error when the source does not hold it.
std::vector<Zone> load_zone_source(const std::string& path, bool from_db, const std::optional<dns::Name>& origin,
                                   Diagnostics& diags);

}  // namespace enumd::zones
