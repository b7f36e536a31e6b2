#pragma once
/// One zone file as `enumd --zone`, `enumctl compile` and `enumctl check`
/// take it: "[ORIGIN=]FILE" (ORIGIN for RFC 1035 files without $ORIGIN), and
/// the one loader of a list of them (YAML by extension, RFC 1035 otherwise).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/store.hpp"

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

/// The checks (validate_zone) a load left for later, and where in `Diagnostics::items` each zone's findings
/// go so that they come out in the order an undeferred load gives.
struct DeferredChecks {
    std::vector<std::size_t> at;  ///< per zone loaded: the index its validation diagnostics are inserted at
};

/// load_zone_sources without validate_zone: `deferred` says where each zone's findings belong. Run the checks
/// with run_checks, or beside the write with write_checked.
std::vector<Zone> load_zone_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags,
                                    DeferredChecks& deferred);

/// The deferred checks of `zones`, their diagnostics put where load_zone_sources would have put them.
void run_checks(const std::vector<Zone>& zones, Diagnostics& diags, const DeferredChecks& deferred);

/// Store::write of zones loaded with deferred checks, the checks running on a second thread meanwhile (a
/// large zone file: the write's build and the checks take about as long each). The new versions are made
/// visible only when the checks found no error (WriteOptions::proceed); otherwise nothing is switched —
/// a staged version is deleted before this returns — and the answer is kChecksFailed. The checks' diagnostics are in `diags` when this returns, whatever happened.
dns::Result<WriteReport> write_checked(Store& store, const std::vector<Zone>& zones, Diagnostics& diags,
                                       const DeferredChecks& deferred, WriteOptions options);

/// write_checked's error when the checks found errors (they are in its `diags`).
inline constexpr const char* kChecksFailed = "the zones have errors; nothing was written";

}  // namespace enumd::zones
