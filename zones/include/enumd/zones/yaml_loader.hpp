#pragma once
/// The YAML zone format (zones/README.md) into the zone model, and the one
/// entry point that loads and validates a list of zone files of either
/// format (used by `enumctl check/compile` and by enumd at startup).

#include <optional>
#include <string>
#include <vector>

#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// Reads the YAML zone at `path` with its includes: numbers become owner
/// names, shorthands become records, prefix ranges and 3GPP blocks are
/// expanded (generated records are marked). Every problem goes to `diags`
/// with file:line:column; the zone is returned whenever an origin could be
/// read, even with errors, so that validation can report more at once.
/// Does not run validate_zone.
std::optional<Zone> load_yaml_zone(const std::string& path, Diagnostics& diags);

/// Same, from text; `file_name` is used in diagnostics and includes are
/// resolved relative to its directory.
std::optional<Zone> load_yaml_zone_text(const std::string& text, const std::string& file_name, Diagnostics& diags);

/// True for names ending in .yaml or .yml.
bool is_yaml_path(const std::string& path);

/// Loads every file (YAML by extension, anything else as an RFC 1035 zone
/// file), validates each zone (validate.hpp) and reports an origin defined
/// twice. Returns the zones read; callers must not use them when
/// `diags.has_errors()`.
std::vector<Zone> load_zone_files(const std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace enumd::zones
