#pragma once
/// NAPTR records of a zone (RFC 3403, RFC 6116, RFC 3263): fields ⇄ wire, and
/// the checks `enumctl check` applies to every NAPTR. The regexp and the
/// enumservice are checked by numbering/ (subst_expr.hpp, enumservice.hpp),
/// exactly as a resolver reads them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

namespace enumd::numbering {
class SubstExprChecker;
}

namespace enumd::zones {

/// NAPTR rdata fields (RFC 3403 §4.1).
struct Naptr {
    std::uint16_t order = 10;
    std::uint16_t preference = 100;
    std::string flags = "u";
    std::string service;
    std::string regexp;
    dns::Name replacement;  ///< root "." when unused
};

/// Uncompressed wire rdata; fails when a character-string exceeds 255 octets.
dns::Result<std::vector<std::uint8_t>> encode_naptr(const Naptr& naptr);
std::optional<Naptr> decode_naptr(std::span<const std::uint8_t> rdata);

/// Every check on one NAPTR: flags (S, A, U, P or empty, RFC 3403 §4.1;
/// mutually exclusive), regexp syntax, regexp and replacement not both set,
/// a "u" record has a regexp, service syntax (RFC 6116 for E2U, RFC 3403
/// characters otherwise). One sentence per problem.
std::vector<std::string> check_naptr(const Naptr& naptr);
/// The same, with the regexps checked by `regexps` (numbering::SubstExprChecker: each distinct ERE compiled once).
std::vector<std::string> check_naptr(const Naptr& naptr, numbering::SubstExprChecker& regexps);

/// The warning for a NAPTR whose regexp may match only part of the application unique string, so that its
/// result depends on the reading (RFC 3402 §3.2 "sed-style": the unmatched rest is kept — enumd; Kamailio's enum
/// module and Asterisk use the replacement alone): none when the ERE spans the whole string
/// (numbering::SubstExpr::matches_whole_string), when there is no regexp, or when it does not parse (an error).
std::optional<std::string> naptr_reading_warning(const Naptr& naptr);
std::optional<std::string> naptr_reading_warning(const Naptr& naptr, numbering::SubstExprChecker& regexps);

}  // namespace enumd::zones
