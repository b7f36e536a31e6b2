#pragma once
/// RFC 1035 master files (BIND/Knot/NSD zone files) into the zone model,
/// parsed with ldns so that every record type ldns knows works.
///
/// Handles $ORIGIN, $TTL and $INCLUDE (RFC 1035 §5.1); every record keeps the
/// file and line it starts on, and every ldns parse error becomes a
/// "file:line: error: ..." diagnostic. All errors of a file are reported, not
/// only the first.

#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// Reads the zone file at `path`. The origin is `origin` when given, else the
/// file's first $ORIGIN, else the owner of its SOA record. Errors (syntax,
/// records outside the origin, a class other than IN, a missing or second
/// SOA, $INCLUDE loops) go to `diags`; the returned vector holds the zone
/// (one per file) even when there are errors, so callers can report
/// everything at once, and is empty only when nothing could be read.
std::vector<Zone> load_rfc1035(const std::string& path, const std::optional<dns::Name>& origin, Diagnostics& diags);

/// True when `path` is taken for an RFC 1035 zone file rather than YAML:
/// every name not ending in .yaml or .yml. Used by the CLI to pick a reader.
bool looks_like_rfc1035(const std::string& path);

}  // namespace enumd::zones
