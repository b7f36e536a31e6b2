#pragma once
/// E.164 numbers as people write them ⇄ ENUM owner names (RFC 6116 §2.4).
///
/// "+61 3 5550 0911", "+61355500911" and "61-3-5550-0911" are the same
/// number; under the zone 1.6.e164.arpa its owner is 1.1.9.0.0.5.5.5.3.1.
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

namespace enumd::zones {

/// E.164 allows at most 15 digits (ITU-T E.164 §6.1).
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

/// Parses a number as people write it: an optional leading '+', digits, and
/// the separators space, '-', '.', '(' and ')' — a bracketed trunk prefix
/// "(0)" after the country code is dropped ("+44 (0)20 ..." is +4420...,
/// ITU-T E.123 §2.7); a trailing '*' makes it a
/// prefix range. Refuses letters and other characters (pointing at the first
/// one), an empty number, more than 15 digits, and a '*' anywhere but last.
/// A prefix may be empty only as "+*" / "*" (the whole zone).
std::optional<NumberError> parse_number(std::string_view text, NumberText& out);

/// Digits implied by `origin` (see the file comment); "" when none.
std::string implied_digits(const dns::Name& origin);

/// The ENUM suffix of `origin`: the origin without its leading digit labels
/// ("1.6.e164.arpa." → "e164.arpa.").
dns::Name enum_suffix(const dns::Name& origin);

/// True when the origin is e164.arpa or below it (the public ENUM tree,
/// where digits are real E.164 numbers and country codes never start with 0).
bool is_public_enum(const dns::Name& origin);

/// Owner name of `digits` (full number, country code first) under `origin`:
/// the digits the origin implies are dropped, the rest reversed, one per
/// label. Fails with a sentence when the number does not start with the
/// implied digits ("number +4420... is outside zone 1.6.e164.arpa. (its numbers start with +61)").
dns::Result<dns::Name> owner_from_digits(std::string_view digits, const dns::Name& origin);

/// Inverse of owner_from_digits, for import: the full digits of `owner`
/// under `origin`, or nullopt when a label between them is not one digit
/// (including a leading "*" label).
std::optional<std::string> digits_from_owner(const dns::Name& owner, const dns::Name& origin);

/// "+61355500911" from "61355500911" (for messages and import output).
std::string format_number(std::string_view digits, bool prefix = false);

}  // namespace enumd::zones
