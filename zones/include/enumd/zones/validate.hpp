#pragma once
/// Zone-level checks that apply to every input format (YAML and RFC 1035):
/// the errors and warnings `enumctl check` reports. See zones/README.md.

#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// Checks `zone` and appends diagnostics. Errors: owners outside the zone,
/// SOA (exactly one, at the apex) and apex NS, TTLs above 2^31-1, duplicate
/// records, CNAME beside other data, SRV/MX/NS targets that are CNAMEs in
/// the zone, records hidden under a delegation, every NAPTR check
/// (naptr.hpp). Warnings: raw wildcards shadowed by names below their
/// parent, numbers under e164.arpa that start with 0 (a dial prefix, not a
/// country code), NAPTR preferences used like weights. Each message is
/// reported once per source location.
void validate_zone(const Zone& zone, Diagnostics& diags);

/// validate_zone in two halves that may run at once on two threads (each
/// message is then reported once per location within its half, and the
/// halves report different things): the checks of each record on its own —
/// owner inside the zone, TTL, SOA placement, NAPTR, dial prefixes — and
/// those of the zone's structure — everything else. validate_zone's
/// diagnostics are the first's followed by the second's.
void validate_records(const Zone& zone, Diagnostics& diags);
void validate_structure(const Zone& zone, Diagnostics& diags);

/// RFC 2181 §8: TTLs are 0 .. 2^31-1.
inline constexpr std::uint32_t kMaxTtl = 0x7fffffffU;

}  // namespace enumd::zones
