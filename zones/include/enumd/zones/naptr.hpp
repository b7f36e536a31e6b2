#pragma once
/// NAPTR records for ENUM (RFC 3403, RFC 6116) and SIP (RFC 3263): fields ⇄
/// wire, the URI shorthand, and the checks `enumctl check` applies to every
/// NAPTR (regexp per RFC 3402 §3.2 and PCRE2, flags, enumservice syntax).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

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

/// The enumservice for a URI by its scheme: sip/sips → "E2U+sip",
/// tel → "E2U+pstn:tel", mailto → "E2U+email:mailto", http(s) → "E2U+web:http(s)",
/// h323 → "E2U+h323", ... nullopt for schemes without a registered mapping.
std::optional<std::string> service_for_uri(std::string_view uri);

/// The RFC 3402 substitution expression for a URI written in the
/// shorthand: "sip:a@b" → "!^.*$!sip:a@b!"; the placeholders "{number}"
/// (the application unique string "+61...") and "{digits}" (without '+')
/// insert the dialled number with a back-reference:
/// "sip:{number}@b" → "!^(.*)$!sip:\1@b!", "sip:{digits}@b" → "!^\+(.*)$!sip:\1@b!".
/// The delimiter is the first of ! # | ~ % , ; = absent from the URI
/// ('!' escaped otherwise); backslashes in the URI are escaped.
/// Fails on a text that is not a URI (no "scheme:") or more than one placeholder.
dns::Result<std::string> regexp_for_uri(std::string_view uri);

/// A parsed RFC 3402 substitution expression.
struct SubstExpr {
    char delimiter = '!';
    std::string pattern;      ///< the ERE, as written (escaped delimiters kept)
    std::string replacement;  ///< the repl part, as written
    bool case_insensitive = false;
    int groups = 0;  ///< capture groups in the pattern
};

/// Parses and checks an RFC 3402 §3.2 substitution expression: the
/// delimiter (not a digit, 'i' or '\'), exactly three unescaped
/// delimiters, only the flag 'i', back-references \1..\9 within the
/// pattern's groups, and the pattern compiling with PCRE2. Returns the
/// sentence describing the first problem.
dns::Result<SubstExpr> parse_subst_expr(std::string_view regexp);

/// RFC 6116 §3.4.3 service field: "E2U" 1*("+" type *(":" subtype)),
/// each type/subtype 1..32 of ALPHA / DIGIT / "-". Returns the problem, if any.
std::optional<std::string> check_enumservice(std::string_view service);

/// Every check on one NAPTR: flags (S, A, U, P or empty, RFC 3403 §4.1;
/// mutually exclusive), regexp syntax, regexp and replacement not both set,
/// a "u" record has a regexp, service syntax (RFC 6116 for E2U, RFC 3403
/// characters otherwise). One sentence per problem.
std::vector<std::string> check_naptr(const Naptr& naptr);

}  // namespace enumd::zones
