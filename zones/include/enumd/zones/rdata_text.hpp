#pragma once
/// RDATA presentation format ⇄ wire, through ldns so every type ldns knows works.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"
#include "enumd/dns/types.hpp"

namespace enumd::zones {

/// Parses RFC 1035 presentation rdata ("10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" .")
/// for `type`; relative names are completed with `origin`.
dns::Result<std::vector<std::uint8_t>> rdata_from_text(dns::RrType type, std::string_view text,
                                                        const dns::Name& origin);

/// Presentation form of uncompressed wire rdata (as dig shows it).
std::string rdata_to_text(dns::RrType type, std::span<const std::uint8_t> rdata);

/// A whole record line: "owner TTL IN TYPE rdata".
std::string record_to_text(const dns::Name& owner, std::uint32_t ttl, dns::RrType type,
                           std::span<const std::uint8_t> rdata);

}  // namespace enumd::zones
