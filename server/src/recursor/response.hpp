#pragma once
/// An upstream response as the recursor uses it: sections grouped into
/// RRsets, rdata decompressed, duplicates dropped.

#include <cstdint>
#include <span>
#include <vector>

#include "cache.hpp"

namespace enumd::server::recursor {

struct Response {
    std::uint8_t rcode = 0;
    bool aa = false;
    bool tc = false;
    std::vector<RRset> an, ns, ar;
};

/// Parses `packet` in work linear in its size: RRsets are found through a
/// hash index and duplicate rdata through a hash set (a 4,000-record RRset
/// used to cost 8 million rdata comparisons). OPT and non-IN records are
/// skipped; TTLs of an RRset are the minimum of its records (RFC 2181 §5.2).
bool parse_response(std::span<const std::uint8_t> packet, Response& out);

/// The RRset of `owner`/`type` in a section, or null.
const RRset* find(const std::vector<RRset>& section, const dns::Name& owner, dns::RrType type);

}  // namespace enumd::server::recursor
