#include "enumd/numbering/phone_number.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace enumd::numbering {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const char* type_name(PhoneNumberUtil::PhoneNumberType t) {
    switch (t) {
        case PhoneNumberUtil::FIXED_LINE: return "fixed-line";
        case PhoneNumberUtil::MOBILE: return "mobile";
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return "fixed-line-or-mobile";
        case PhoneNumberUtil::TOLL_FREE: return "toll-free";
        case PhoneNumberUtil::PREMIUM_RATE: return "premium-rate";
        case PhoneNumberUtil::SHARED_COST: return "shared-cost";
        case PhoneNumberUtil::VOIP: return "voip";
        case PhoneNumberUtil::PERSONAL_NUMBER: return "personal";
        case PhoneNumberUtil::PAGER: return "pager";
        case PhoneNumberUtil::UAN: return "uan";
        case PhoneNumberUtil::VOICEMAIL: return "voicemail";
        case PhoneNumberUtil::UNKNOWN: break;
    }
    return "unknown";
}

/// Why a number cannot exist, in the words of PhoneNumberUtil::ValidationResult.
std::string impossible_because(PhoneNumberUtil::ValidationResult r, const std::string& where, std::size_t digits) {
    const std::string len = " (" + std::to_string(digits) + " digits with the country code)";
    switch (r) {
        case PhoneNumberUtil::INVALID_COUNTRY_CODE: return "no country has this country code";
        case PhoneNumberUtil::TOO_SHORT: return "too short for " + where + len;
        case PhoneNumberUtil::TOO_LONG: return "too long for " + where + len;
        case PhoneNumberUtil::INVALID_LENGTH: return "no number of " + where + " has this length" + len;
        case PhoneNumberUtil::IS_POSSIBLE:
        case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY: break;
    }
    return {};
}

/// Where a number belongs in a sentence: its region ("AU"), else its country code ("+61", the region of a
/// number that is not valid is unknown when the code is shared: +61 is AU, CC and CX).
std::string plan_of(const PhoneNumberInfo& info) {
    if (!info.region.empty() && info.region != "001") return info.region;
    return "+" + std::to_string(info.country_code);
}

std::string plus_digits(std::string_view digits) {
    std::string s = "+";
    s.append(digits);
    return s;
}

}  // namespace

namespace {

/// describe_e164 up to the possibility: parsed, country code, region, possible and why. With `full` false the
/// region is looked up only for a number that cannot exist (the message names it): for a shared country code
/// (+1, +7, +44) GetRegionCodeForNumber matches the number against each region's patterns.
bool describe_possibility(std::string_view digits, bool full, PhoneNumberInfo& info, PhoneNumber& n) {
    if (digits.empty() || digits.size() > 17 || digits.find_first_not_of("0123456789") != std::string_view::npos)
        return false;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    // "ZZ": no default region; the '+' makes the country code part of the text (E.164).
    if (const auto err = util.Parse(plus_digits(digits), "ZZ", &n); err != PhoneNumberUtil::NO_PARSING_ERROR) {
        // Digits that Parse refuses cannot be a number either; say which way.
        info.parsed = true;
        info.international = plus_digits(digits);
        info.type = "unknown";
        switch (err) {
            case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: info.why = "no country has this country code"; break;
            case PhoneNumberUtil::TOO_LONG_NSN: info.why = "too long for any numbering plan"; break;
            default: info.why = "too short to be a number after its country code"; break;
        }
        return false;
    }
    info.parsed = true;
    info.country_code = n.country_code();
    const auto possible = util.IsPossibleNumberWithReason(n);
    info.possible = possible == PhoneNumberUtil::IS_POSSIBLE;
    if (full || !info.possible) {
        util.GetRegionCodeForNumber(n, &info.region);
        if (info.region == "ZZ") info.region.clear();
    }
    if (!info.possible) info.why = impossible_because(possible, plan_of(info), digits.size());
    if (possible == PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY) info.why = "only the local part of a number (too short)";
    return true;
}

}  // namespace

PhoneNumberInfo describe_e164(std::string_view digits) {
    PhoneNumberInfo info;
    PhoneNumber n;
    if (!describe_possibility(digits, true, info, n)) return info;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    util.Format(n, PhoneNumberUtil::INTERNATIONAL, &info.international);
    util.Format(n, PhoneNumberUtil::NATIONAL, &info.national);
    info.valid = util.IsValidNumber(n);
    info.type = type_name(util.GetNumberType(n));
    return info;
}

std::string number_label(std::string_view digits, const PhoneNumberInfo& info) {
    if (!info.parsed) return plus_digits(digits);
    const std::string shown = info.international.empty() ? plus_digits(digits) : info.international;
    if (!info.possible) return shown + " (cannot exist: " + info.why + ")";
    if (!info.valid) return shown + " (not in the numbering plan of " + plan_of(info) + ")";
    std::string where = info.region == "001" ? "non-geographic" : info.region;
    if (info.type != "unknown") where += (where.empty() ? "" : " ") + info.type;
    return where.empty() ? shown : shown + " (" + where + ")";
}

std::optional<std::string> impossible_number_warning(std::string_view digits, const PhoneNumberInfo& info) {
    if (!info.parsed || info.possible) return std::nullopt;
    return "number " + plus_digits(digits) + " cannot exist: " + info.why;
}

std::optional<std::string> impossible_number_warning(std::string_view digits) {
    PhoneNumberInfo info;
    PhoneNumber n;
    describe_possibility(digits, false, info, n);
    return impossible_number_warning(digits, info);
}

std::optional<std::string> unassigned_number_warning(std::string_view digits, const PhoneNumberInfo& info) {
    if (!info.parsed || !info.possible || info.valid) return std::nullopt;
    return "number " + plus_digits(digits) + " is not in the numbering plan of " + plan_of(info) +
           " (a possible length, in no range the plan assigns)";
}

std::string grouped_e164(std::string_view digits, const PhoneNumberInfo& info) {
    return info.parsed && info.valid && !info.international.empty() ? info.international : plus_digits(digits);
}

}  // namespace enumd::numbering
