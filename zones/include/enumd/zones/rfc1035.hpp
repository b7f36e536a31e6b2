#pragma once
/// RFC 1035 master files (BIND/Knot/NSD zone files) into the zone model,
/// parsed with ldns so that every record type ldns knows works. Plain
/// one-line records of the common types take a faster reader of our own
/// that gives the same records and leaves everything else to ldns
/// (zones/src/rfc1035_fast.hpp; tests/fuzz/fuzz_rfc1035.cpp compares them).
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

/// How load_rfc1035 reads; the defaults are what a zone compile wants.
struct Rfc1035Options {
    /// Read every record with ldns, without the hand-written reader of plain
    /// one-line records (zones/src/rfc1035_fast.hpp), which gives the same
    /// records faster: for the tests and the fuzzer that check the two agree.
    bool ldns_only = false;
    /// Read $INCLUDE files. Off, an $INCLUDE is an error: a fuzzer's input
    /// must not choose files to read.
    bool follow_includes = true;
};

/// Reads the zone file at `path`. The origin is `origin` when given, else the
/// file's first $ORIGIN, else the owner of its SOA record. Errors (syntax,
/// records outside the origin, a class other than IN, a missing or second
/// SOA, $INCLUDE loops) go to `diags`; the returned vector holds the zone
/// (one per file) even when there are errors, so callers can report
/// everything at once, and is empty only when nothing could be read.
std::vector<Zone> load_rfc1035(const std::string& path, const std::optional<dns::Name>& origin, Diagnostics& diags,
                               const Rfc1035Options& options = {});

/// The same for zone text in memory; `path` names it in diagnostics and is
/// the directory relative $INCLUDEs start from. Not in Zone::source_files.
std::vector<Zone> load_rfc1035_text(std::string text, const std::string& path, const std::optional<dns::Name>& origin,
                                    Diagnostics& diags, const Rfc1035Options& options = {});

/// True when `path` is taken for an RFC 1035 zone file rather than YAML:
/// every name not ending in .yaml or .yml. Used by the CLI to pick a reader.
bool looks_like_rfc1035(const std::string& path);

}  // namespace enumd::zones
