#pragma once
/// E.164 numbers as people write them, the application unique string, and
/// their ENUM domains (RFC 6116 §2.4) — for zone files and lookups alike.
///
/// "+61 3 5550 0911", "+61355500911" and "61-3-5550-0911" are the same
/// number; under e164.arpa. its domain is 1.1.9.0.0.5.5.5.3.1.6.e164.arpa.
/// A zone's origin implies the leading digits of every number in it: the
/// run of single-digit labels at the left of the origin, read right to left
/// ("1.6.e164.arpa." implies "61", "e164.arpa." implies nothing,
/// "4.4.enum.example.net." implies "44").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

namespace enumd::numbering {

/// E.164 allows at most 15 digits, country code included (ITU-T E.164 §6.1).
inline constexpr std::size_t kMaxE164Digits = 15;

/// A number (or a prefix range, "+61255502*") parsed from text.
struct NumberText {
    std::string digits;   ///< the digits only, country code first
    bool prefix = false;  ///< written with a trailing '*': every number starting with `digits`
};

/// Why a number text was refused, and where (0-based offset into the text,
/// so callers can turn it into a column).
struct NumberError {
    std::size_t offset = 0;
    std::string message;
};

/// Parses a number as people write it: leading blanks, an optional '+',
/// digits and the visual separators space, tab, '-', '.', '(', ')' and '/';
/// a bracketed trunk prefix "(0)" after the country code is dropped
/// ("+44 (0)20 ..." is +4420..., ITU-T E.123 §2.7); a trailing '*' makes it
/// a prefix range. Refuses letters and other characters (pointing at the
/// first one), an empty number, more than 15 digits, and a '*' anywhere but
/// last. A prefix may be empty only as "+*" / "*" (the whole zone).
std::optional<NumberError> parse_number(std::string_view text, NumberText& out);

/// One number to look up, as people write it (parse_number's syntax
/// without the range '*'): its bare digits, or the reason it is refused.
dns::Result<std::string> normalise_e164(std::string_view text);

/// The warning for E.164 `digits` that begin with 0: no country code does, so a national form ("03 5550 0911")
/// or a dial prefix ("0011 61 ...") was written where the country code belongs. `where` follows the number in
/// the sentence (" under e164.arpa"). The one text of `enumctl check`'s dial-prefix warning and of enumq's.
std::optional<std::string> dial_prefix_warning(std::string_view digits, std::string_view where = {});

/// The application unique string of RFC 3402 §3.2 for ENUM (RFC 6116 §2.4):
/// "+" and the digits — what a NAPTR regexp is applied to.
std::string application_unique_string(std::string_view digits);

/// "+61355500911" from "61355500911", "+61255502*" for a prefix range
/// (for messages and zone file output).
std::string format_number(std::string_view digits, bool prefix = false);

/// The public ENUM suffix "e164.arpa." (RFC 6116 §2.4).
const dns::Name& default_enum_suffix();

/// The ENUM domain for `digits` under `suffix` (RFC 6116 §2.4): the digits
/// reversed, one per label, followed by the suffix. Fails on a non-digit or
/// a name over 255 octets.
dns::Result<dns::Name> enum_domain(std::string_view digits, const dns::Name& suffix);

/// Digits implied by a zone `origin` (see the file comment); "" when none.
std::string implied_digits(const dns::Name& origin);

/// The ENUM suffix of `origin`: the origin without its leading digit labels
/// ("1.6.e164.arpa." → "e164.arpa.").
dns::Name enum_suffix(const dns::Name& origin);

/// True when the origin is e164.arpa or below it (the public ENUM tree,
/// where digits are real E.164 numbers and country codes never start with 0).
bool is_public_enum(const dns::Name& origin);

/// Owner name of `digits` (full number, country code first) under the zone
/// `origin`: the digits the origin implies are dropped, the rest become its
/// ENUM domain. Fails with a sentence when the number does not start with the
/// implied digits ("number +4420... is outside zone 1.6.e164.arpa. (its
/// numbers start with +61)").
dns::Result<dns::Name> owner_from_digits(std::string_view digits, const dns::Name& origin);

/// Inverse of owner_from_digits, for import: the full digits of `owner`
/// under `origin`, or nullopt when a label between them is not one digit
/// (including a leading "*" label).
std::optional<std::string> digits_from_owner(const dns::Name& owner, const dns::Name& origin);

}  // namespace enumd::numbering
