#pragma once
/// A zone of a compiled database as zone files it compiles back from, live
/// changes included (zones/README.md "Backups"): a YAML zone file and, for
/// the numbers that use a route set, a CSV file beside it (`numbers_csv:`,
/// header number,route,rn). Routed numbers stream from the database to the
/// CSV one node at a time, so a 100-million-number zone is written without
/// holding it in memory and compiles back at CSV speed; everything else
/// (apex, ranges, numbers with their own records, 3GPP names, generic
/// records) is written by the importer's YAML writer (import.hpp), which
/// checks that its YAML gives back exactly those records.
///
/// A node goes to the CSV when its NAPTR RRset is a route set reference
/// (node_flags::kRouted) that the file's named route sets give back — the
/// same NAPTRs at the TTL a CSV number of that route gets — and it holds
/// nothing else; otherwise its records are written out in the YAML.

#include <cstdint>
#include <string>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/zones/import.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::zones {

struct BackupReport {
    std::uint64_t csv_numbers = 0;   ///< rows of the CSV file
    std::uint64_t yaml_records = 0;  ///< records written out in the YAML (before its friendly forms)
    std::size_t routes = 0;          ///< named route sets written
    std::uint32_t serial = 0;        ///< the served serial (the YAML's min_serial, or its serial)
    std::string csv_path;            ///< empty when no number went to a CSV
    ImportReport yaml;
};

/// Writes zone `origin` of `store` as `yaml_path` and, when some numbers use a
/// route set, `yaml_path` with ".csv" for its extension. `options` as for
/// `enumctl import` (number_text, keep_serial; source_name is set here).
dns::Result<BackupReport> write_backup(Store& store, const dns::Name& origin, const std::string& yaml_path,
                                       const ImportOptions& options);

}  // namespace enumd::zones
