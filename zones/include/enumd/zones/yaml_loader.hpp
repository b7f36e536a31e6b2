#pragma once
/// The YAML zone format (zones/README.md) into the zone model, and the one
/// entry point that loads and validates a list of zone files of either
/// format (used by `enumctl check/compile` and by enumd at startup).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// The loader reads an included file whole and builds its node tree, several
/// times the text's size, before a single entry is checked. 64 MiB is about
/// 900,000 numbers in the one-line form tools/bench/gen_yaml.py writes (it
/// splits a zone into includes of 100,000 numbers, about 7 MB each), so no
/// real fragment comes near it, while /dev/zero-like or runaway files stop
/// there instead of exhausting the memory of an enumd that is reloading.
inline constexpr std::uint64_t kMaxIncludeBytes = std::uint64_t{64} << 20;

/// Where a YAML zone's includes may come from (zones/README.md, "Includes").
struct YamlLoadOptions {
    /// Every include must resolve, symlinks followed, to a file under this
    /// directory. Empty (the default, and what enumd and enumctl use): the
    /// directory of the top-level zone file, its real path.
    std::string include_root;
    /// An included file larger than this is an error (kMaxIncludeBytes: why).
    std::uint64_t max_include_bytes = kMaxIncludeBytes;
    /// False: every include is an error and no path it names is looked at
    /// (the fuzz target, and callers that load text from a client).
    bool follow_includes = true;
    /// Bulk numbers (`numbers_csv`) sorted per run before a run is spilled to a
    /// temporary file (bulk_numbers.hpp; tests make it small to reach the merge).
    std::size_t bulk_run_entries = kBulkRunEntries;
    /// Where the runs go ("": the system's temporary directory, TMPDIR).
    std::string bulk_temp_dir;
};

/// Reads the YAML zone at `path` with its includes: numbers become owner
/// names, shorthands become records, prefix ranges and 3GPP blocks are
/// expanded (generated records are marked). Every problem goes to `diags`
/// with file:line:column; the zone is returned whenever an origin could be
/// read, even with errors, so that validation can report more at once.
/// Does not run validate_zone. Included files are read under the rules of
/// `options`; a diagnostic never quotes an included file that is not a
/// mapping of zone entries (it may be some other file's secrets).
std::optional<Zone> load_yaml_zone(const std::string& path, Diagnostics& diags, const YamlLoadOptions& options = {});

/// Same, from text; `file_name` is used in diagnostics and includes are
/// resolved relative to its directory (the working directory when it has
/// none), which is also the default include root.
std::optional<Zone> load_yaml_zone_text(const std::string& text, const std::string& file_name, Diagnostics& diags,
                                        const YamlLoadOptions& options = {});

/// True for names ending in .yaml or .yml.
bool is_yaml_path(const std::string& path);

/// Loads every file (YAML by extension, anything else as an RFC 1035 zone
/// file), validates each zone (validate.hpp) and reports an origin defined
/// twice. Returns the zones read; callers must not use them when
/// `diags.has_errors()`. (zone_source.hpp: load_zone_sources without origins.)
std::vector<Zone> load_zone_files(const std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace enumd::zones
