#pragma once
/// What the numbering plans say about an E.164 number: its country, its
/// usual grouping, and whether it can exist at all — from Google's
/// libphonenumber (Debian libphonenumber-dev), the metadata every Android
/// phone uses. A separate library (enumd_phone) linked by the tools only:
/// the server and the client library never need it, and ENUM prefixes and
/// ranges keep working for any digit string whatever the plans say.

#include <string>
#include <string_view>

namespace enumd::numbering {

struct PhoneNumberInfo {
    bool parsed = false;        ///< false: not digits libphonenumber can read (nothing else is set)
    std::string region;         ///< ISO 3166-1 alpha-2 ("AU"), "001" for non-geographic, empty when unknown
    std::string international;  ///< "+61 3 5550 0911" (E.164 digits as given when the plan has no format)
    std::string national;       ///< "(03) 5550 0911"
    std::string type;           ///< "fixed-line", "mobile", "toll-free", …, "unknown"
    bool possible = false;      ///< the length fits the country's plan (IsPossibleNumberWithReason)
    bool valid = false;         ///< a number range the country's plan assigns (IsValidNumber)
    std::string why;            ///< when !possible: "too short for AU (…)", "no country has code +999"
};

/// `digits`: the E.164 number without '+', as ENUM owners carry it (reversed back).
PhoneNumberInfo describe_e164(std::string_view digits);

}  // namespace enumd::numbering
