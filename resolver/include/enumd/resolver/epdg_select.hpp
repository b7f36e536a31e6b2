#pragma once
/// ePDG selection as an Android phone does it over Wi-Fi (TS 23.402 §4.5.4,
/// TS 24.302 §7.2.1; the order of names follows AOSP
/// packages/services/Iwlan src/com/google/android/iwlan/epdg/EpdgSelector.java,
/// AOSP main as of 2024, methods getValidatedServerList, resolutionMethodPlmn,
/// resolutionMethodCellularLoc, resolutionMethodVisitedCountry and
/// processNaptrResponse). The names come from numbering/gpp_names.hpp; all
/// DNS goes through a DnsLookup, so the order is unit-testable.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enumd/numbering/plmn.hpp"
#include "enumd/resolver/budget.hpp"
#include "enumd/resolver/lookup.hpp"

namespace enumd::resolver {

/// The address resolution methods of carrier config
/// KEY_EPDG_ADDRESS_PRIORITY_INT_ARRAY that build names from PLMNs
/// (STATIC and PCO take no DNS name of TS 23.003 and are left out).
enum class EpdgMethod { Plmn, CellularLoc, VisitedCountry };
const char* to_string(EpdgMethod m) noexcept;

/// The PLMN list entries of KEY_EPDG_PLMN_PRIORITY_INT_ARRAY.
enum class EpdgPlmnSource { Rplmn, Hplmn, EhplmnAll, EhplmnFirst };

/// What the phone knows when it selects.
struct EpdgSelectInput {
    std::optional<numbering::Plmn> home;                ///< HPLMN, from the IMSI
    std::vector<numbering::Plmn> ehplmns;               ///< EF_EHPLMN
    std::optional<numbering::Plmn> registered;          ///< RPLMN when registered over 3GPP access
    std::vector<numbering::Plmn> selection_info;        ///< ePDG selection information (KEY_MCC_MNCS_STRING_ARRAY)
    std::optional<std::string> visited_mcc;             ///< MCC of the country the phone is in, when not the home one
    std::optional<std::uint16_t> tac;                   ///< E-UTRAN cell: 2-octet TAC
    std::optional<std::uint32_t> tac_5gs;               ///< NR cell: 3-octet TAC
    std::optional<std::uint16_t> lac;                   ///< GSM/WCDMA cell: LAC
    bool emergency = false;
    /// AOSP's default address priority is PLMN, then STATIC; CELLULAR_LOC
    /// and VISITED_COUNTRY are carrier options.
    std::vector<EpdgMethod> methods = {EpdgMethod::Plmn};
    /// AOSP's default PLMN priority.
    std::vector<EpdgPlmnSource> plmn_priority = {EpdgPlmnSource::Rplmn, EpdgPlmnSource::Hplmn,
                                                 EpdgPlmnSource::EhplmnAll};
    bool ipv6 = true;
    LookupBudget budget;
};

/// One name the phone asks for, in the order it asks.
struct EpdgCandidate {
    EpdgMethod method = EpdgMethod::Plmn;
    std::string fqdn;   ///< without the final dot
    std::string qtype;  ///< "A/AAAA" or "NAPTR"
    std::string why;
    LookupStatus status = LookupStatus::NxDomain;  ///< A's status (AAAA's when A failed to answer)
    std::vector<std::string> addresses;            ///< A then AAAA; NAPTR: the "a" replacements
};

struct EpdgSelectResult {
    std::vector<EpdgCandidate> tried;
    std::vector<std::string> addresses;  ///< what IKE tries, in order, duplicates removed
    std::vector<std::string> trace;
};

/// The PLMN list of AOSP getPlmnList(): in `plmn_priority` order, RPLMN only
/// when it is in the selection information, duplicates removed.
std::vector<numbering::Plmn> epdg_plmn_list(const EpdgSelectInput& in);

boost::asio::awaitable<EpdgSelectResult> select_epdg(DnsLookup& dns, EpdgSelectInput in);

}  // namespace enumd::resolver
