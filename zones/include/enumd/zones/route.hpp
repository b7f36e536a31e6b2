#pragma once
/// Route sets (zones/README.md "Route sets"): most numbers of a portability
/// or carrier database share one of a few hundred NAPTR sets. The store keeps
/// each set once per zone (a RouteTable) and per number only a reference and
/// the number's routing number (RFC 4694 §4 `rn`); the answer path and every
/// reader of the store expand the set here, into a caller's buffer, without
/// allocation. Expansion is the one definition of what a route means: the
/// YAML reader builds a number's records with it and the store checks that a
/// stored reference gives back exactly those records.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::zones {

/// Largest NAPTR rdata: order, preference, three character-strings and a
/// name (RFC 3403 §4.1, RFC 1035 §3.3).
inline constexpr std::size_t kMaxNaptrRdata = 4 + 3 * 256 + dns::kMaxNameLength;

/// Writes the uncompressed wire rdata of `naptr` with the routing number
/// `rn_digits` (digits only; written as "+digits") in place of each
/// kRnMarker. Returns its size, or 0 when a character-string would exceed 255
/// octets. Never allocates.
std::size_t expand_route_naptr(const RouteNaptr& naptr, std::string_view rn_digits,
                               std::span<std::uint8_t, kMaxNaptrRdata> out) noexcept;
/// The same into a vector, with a sentence when it does not fit.
dns::Result<std::vector<std::uint8_t>> expand_route_naptr(const RouteNaptr& naptr, std::string_view rn_digits);

/// A route set as the store serves it: its NAPTRs in the order the RRset is
/// stored (RFC 2181 §5: a set; the store's canonical order is by rdata) at one TTL.
struct RouteInstance {
    std::uint32_t ttl = 0;
    std::vector<RouteNaptr> records;
};

/// A zone's route sets in the store, referenced by index from its nodes.
struct RouteTable {
    std::vector<RouteInstance> instances;
};

/// u16 instance count, then per instance: u32 ttl, u16 record count, per
/// record: u16 order, u16 preference, u8 length + flags, u8 length + service,
/// u8 length + regexp (kRnMarker where the rn goes), replacement name wire
/// (all little-endian).
std::string encode_route_table(const RouteTable& table);
std::optional<RouteTable> decode_route_table(std::span<const std::uint8_t> blob);

}  // namespace enumd::zones
