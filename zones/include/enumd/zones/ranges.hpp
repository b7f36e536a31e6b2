#pragma once
/// Prefix-range routing with longest-prefix meaning, expressed as standard
/// records (see zones/README.md "Prefix ranges").
///
/// RFC 4592 wildcards never match across an existing name, so an exception
/// inside a range would turn every other number below the exception's empty
/// non-terminals into NXDOMAIN. The expansion keeps the prefix meaning:
///  1. `*.<range>` carries the range's records;
///  2. every name inside a range that exists because of something more
///     specific (the exception and each empty non-terminal between it and the
///     range) gets a `*` child carrying the innermost enclosing range's records;
///  3. each such name without records of its own (empty non-terminal, or a
///     nested range's node) also carries those records at the name itself.
/// A delegation (NS) inside a range ends it: nothing is generated at or
/// below the cut, which the child zone answers.

#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

struct PrefixRange {
    dns::Name node;               ///< the range's name, e.g. 2.0.5.5.5.2.1.6.e164.arpa.
    std::vector<Record> records;  ///< templates: type, ttl, rdata, loc (owner ignored)
    SourceLoc loc;
};

/// Appends the generated records (marked generated) to `records`. A range
/// whose `*` child is also written as a raw wildcard is reported as an error.
void expand_ranges(std::vector<Record>& records, const std::vector<PrefixRange>& ranges, Diagnostics& diags);

}  // namespace enumd::zones
