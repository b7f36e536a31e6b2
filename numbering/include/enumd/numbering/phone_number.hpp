#pragma once
/// What the numbering plans say about an E.164 number: its country, its
/// usual grouping, and whether it can exist at all — from Google's
/// libphonenumber (Debian libphonenumber-dev), the metadata every Android
/// phone uses. A separate library (enumd_phone) linked by the tools only:
/// the server and the client library never need it, and ENUM prefixes and
/// ranges keep working for any digit string whatever the plans say.

#include <optional>
#include <string>
#include <string_view>

namespace enumd::numbering {

struct PhoneNumberInfo {
    bool parsed = false;        ///< false: not digits libphonenumber can read (nothing else is set)
    int country_code = 0;       ///< 61; 0 when no country has the digits' code
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

/// The number in one line, as enumq and `enumctl export` name it: the international grouping and what the plans
/// say — "+61 3 5550 0911 (AU fixed-line)", "+882 13 45 6789 (non-geographic voip)", "+61 255502 (not in the
/// numbering plan of +61)", "+999123 (cannot exist: no country has this country code)"; "+" and the digits when
/// `info` was not parsed.
std::string number_label(std::string_view digits, const PhoneNumberInfo& info);

/// The numbering-plan warning of `enumctl check` and enumq: "number +999123 cannot exist: no country has this
/// country code"; nullopt when the number is possible (or was not parsed).
std::optional<std::string> impossible_number_warning(std::string_view digits, const PhoneNumberInfo& info);
/// The same warning without the rest of describe_e164 (formats, validity, type: the regular expressions of the
/// plans), for checking many numbers: `enumctl check` of a million numbers.
std::optional<std::string> impossible_number_warning(std::string_view digits);

/// enumq's warning for a number of a possible length in no range its plan assigns: "number +61255502 is not in
/// the numbering plan of +61 (a possible length, in no range the plan assigns)"; nullopt for a valid number, and
/// for one that cannot exist (impossible_number_warning says that).
std::optional<std::string> unassigned_number_warning(std::string_view digits, const PhoneNumberInfo& info);

/// The number as YAML zones write it (`enumctl import`): the international grouping when the plans know the number
/// ("+61 3 5550 0911": a valid number), else "+" and the digits.
std::string grouped_e164(std::string_view digits, const PhoneNumberInfo& info);

}  // namespace enumd::numbering
