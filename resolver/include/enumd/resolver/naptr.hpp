#pragma once
/// NAPTR records as a client receives them (RFC 3403 §4.1). Their services
/// field and regexp are read by numbering/ (enumservice.hpp, subst_expr.hpp).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

namespace enumd::resolver {

/// One NAPTR record as received (RFC 3403 §4.1 field order).
struct NaptrRecord {
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
    std::string flags;
    std::string services;
    std::string regexp;
    dns::Name replacement;  ///< root when unused
    std::uint32_t ttl = 0;
};

/// Parses uncompressed NAPTR rdata (RFC 3403 §4.1: two 16-bit integers,
/// three <character-string>s, a domain name). Trailing octets are an error.
dns::Result<NaptrRecord> parse_naptr_rdata(std::span<const std::uint8_t> rdata);

/// Uncompressed rdata for `rr` (for fakes, tests and caches).
std::vector<std::uint8_t> to_rdata(const NaptrRecord& rr);

/// Presentation form as dig prints it, for logs and enumq.
std::string to_text(const NaptrRecord& rr);

/// How ENUM treats a record's flags field (RFC 3403 §4.1, RFC 6116 §3.4.1).
enum class FlagKind {
    Terminal,     ///< "u": the regexp yields a URI, processing stops
    NonTerminal,  ///< empty: the output is a new key to query
    Unknown,      ///< anything else ("s", "a", "p", junk): the record is ignored
};
FlagKind classify_enum_flags(std::string_view flags) noexcept;

}  // namespace enumd::resolver
