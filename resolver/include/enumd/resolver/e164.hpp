#pragma once
/// E.164 numbers and their ENUM domains (RFC 6116 §2.4).

#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

namespace enumd::resolver {

/// Longest E.164 number: 15 digits including the country code (ITU-T E.164 §6).
inline constexpr std::size_t kMaxE164Digits = 15;

/// Strips visual separators (space, '-', '.', '(', ')', '/') and the leading
/// '+', and returns the bare digits. Refuses letters, any other character,
/// an empty number and more than 15 digits, with a reason.
dns::Result<std::string> normalise_e164(std::string_view text);

/// The application unique string of RFC 3402 §3.2 for ENUM: "+" and the digits.
std::string application_unique_string(std::string_view digits);

/// The ENUM domain for `digits` under `suffix` (RFC 6116 §2.4): the digits
/// reversed, one per label, followed by the suffix ("e164.arpa." by default).
dns::Result<dns::Name> enum_domain(std::string_view digits, const dns::Name& suffix);

/// The public ENUM suffix.
dns::Name default_enum_suffix();

}  // namespace enumd::resolver
