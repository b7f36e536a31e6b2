#pragma once
/// One zone file as `enumd --zone`, `enumctl compile` and `enumctl check`
/// take it: "[ORIGIN=]FILE" (ORIGIN for RFC 1035 files without $ORIGIN), and
/// the one loader of a list of them (YAML by extension, RFC 1035 otherwise).

#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

struct ZoneSource {
    std::optional<dns::Name> origin;  ///< for RFC 1035 files without $ORIGIN
    std::string file;
};

/// Parses "[ORIGIN=]FILE": text up to the first '=' is the origin (a domain
/// name, else nullopt); without '=' the whole text is the file. An empty file
/// name is nullopt.
std::optional<ZoneSource> parse_zone_source(const std::string& text);

/// Loads every source (YAML by extension, anything else as an RFC 1035 zone
/// file with the source's origin), validates each zone (validate.hpp) and
/// reports an origin defined twice. Returns the zones read; callers must not
/// use them when `diags.has_errors()`.
std::vector<Zone> load_zone_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags);

}  // namespace enumd::zones
