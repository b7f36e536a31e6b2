#pragma once
/// 3GPP PLMN names (TS 23.003): MCC and MNC as written, and the DNS names
/// built from them. The MNC keeps its original text: "01" and "001" are
/// different PLMNs, yet both are spelled "mnc001" in names because names
/// always pad the MNC to three digits (TS 23.003 §19.4.2.4).

#include <optional>
#include <string>
#include <string_view>

#include "enumd/dns/name.hpp"

namespace enumd::zones {

struct Plmn {
    std::string mcc;  ///< three digits
    std::string mnc;  ///< two or three digits, as written

    /// "001" for "01", "571" for "571".
    [[nodiscard]] std::string mnc3() const;
    /// "mnc001.mcc505"
    [[nodiscard]] std::string label_pair() const;
    /// "505-01" (as written, for messages)
    [[nodiscard]] std::string to_text() const { return mcc + "-" + mnc; }
};

/// Checks the digits; returns the problem as a sentence.
std::optional<std::string> check_plmn(std::string_view mcc, std::string_view mnc);

/// epdg.epc.mncXXX.mccYYY.pub.3gppnetwork.org. (TS 23.003 §19.4.2.9)
dns::Name epdg_name(const Plmn& plmn);
/// ims.mncXXX.mccYYY.3gppnetwork.org. (TS 23.003 §13.2, IMS home network domain)
dns::Name ims_domain(const Plmn& plmn);

}  // namespace enumd::zones
