#include "enumd/zones/plmn.hpp"

namespace enumd::zones {
namespace {

bool all_digits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

std::string Plmn::mnc3() const {
    return mnc.size() == 2 ? "0" + mnc : mnc;
}

std::string Plmn::label_pair() const {
    return "mnc" + mnc3() + ".mcc" + mcc;
}

std::optional<std::string> check_plmn(std::string_view mcc, std::string_view mnc) {
    if (mcc.size() != 3 || !all_digits(mcc))
        return "MCC '" + std::string(mcc) + "' must be exactly 3 digits (ITU-T E.212)";
    if ((mnc.size() != 2 && mnc.size() != 3) || !all_digits(mnc))
        return "MNC '" + std::string(mnc) +
               "' must be 2 or 3 digits (ITU-T E.212); quote it so YAML keeps leading zeros";
    return std::nullopt;
}

dns::Name epdg_name(const Plmn& plmn) {
    return *dns::Name::from_text("epdg.epc." + plmn.label_pair() + ".pub.3gppnetwork.org.");
}

dns::Name ims_domain(const Plmn& plmn) {
    return *dns::Name::from_text("ims." + plmn.label_pair() + ".3gppnetwork.org.");
}

}  // namespace enumd::zones
