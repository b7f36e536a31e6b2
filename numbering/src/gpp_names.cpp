#include "enumd/numbering/gpp_names.hpp"

#include <algorithm>
#include <cctype>

#include "text.hpp"

namespace enumd::numbering {

using detail::cat;
using dns::make_error;
using dns::Result;

namespace {

/// Two lower-case hex digits of the low byte of `v`.
std::string hex2(unsigned v) {
    constexpr std::string_view kHex = "0123456789abcdef";
    return {kHex[(v >> 4U) & 0xfU], kHex[v & 0xfU]};
}

/// "<first>.mnc<MNC>.mcc<MCC>.<rest>"; the one place that assembles a TS 23.003 name.
std::string operator_name(std::string_view first, const Plmn& plmn, std::string_view rest) {
    std::string s(first);
    if (!s.empty()) s.push_back('.');
    s.append(plmn.label_pair());
    if (!rest.empty()) s.append(1, '.').append(rest);
    return s;
}

/// "tac-lb<low>.tac-hb<high>.tac" (TS 23.003 §19.4.2.3 and §19.4.2.9).
std::string tac_labels(std::uint16_t tac) {
    std::string s = "tac-lb";
    s.append(hex2(tac)).append(".tac-hb").append(hex2(tac >> 8U)).append(".tac");
    return s;
}

constexpr std::string_view k3gppNetwork = "3gppnetwork.org";
constexpr std::string_view kPub3gppNetwork = "pub.3gppnetwork.org";

}  // namespace

std::string epdg_fqdn(const Plmn& plmn) {
    return operator_name("epdg.epc", plmn, kPub3gppNetwork);
}

Result<std::string> epdg_visited_country_fqdn(std::string_view mcc) {
    if (auto bad = check_mcc(mcc)) return make_error(std::move(*bad));
    std::string s = "epdg.epc.mcc";
    s.append(mcc).append(".visited-country.").append(kPub3gppNetwork);
    return s;
}

std::string epdg_tai_fqdn(const Plmn& plmn, std::uint16_t tac) {
    return operator_name(tac_labels(tac).append(".epdg.epc"), plmn, kPub3gppNetwork);
}

std::string epdg_lai_fqdn(const Plmn& plmn, std::uint16_t lac) {
    std::string first = "lac";
    first.append(hex2(lac >> 8U)).append(hex2(lac)).append(".epdg.epc");
    return operator_name(first, plmn, kPub3gppNetwork);
}

std::string ims_domain(const Plmn& plmn) {
    return operator_name("ims", plmn, k3gppNetwork);
}

Result<std::string> cscf_fqdn(std::string_view role, const Plmn& plmn, bool under_ims) {
    // A host label (RFC 1123 §2.1): letters, digits and '-', at most 63 octets.
    if (role.empty() || role.size() > 63 || !std::all_of(role.begin(), role.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
        })) {
        return make_error(cat("bad host label '", role, "'"));
    }
    std::string first(role);
    if (under_ims) first.append(".ims");
    return operator_name(first, plmn, k3gppNetwork);
}

std::string apn_operator_identifier(const Plmn& plmn) {
    return operator_name("", plmn, "gprs");
}

Result<std::string> apn_fqdn(std::string_view apn_ni, const Plmn& plmn) {
    if (apn_ni.empty() || apn_ni.size() > 63) return make_error("APN-NI must be 1-63 octets");
    std::string first(apn_ni);
    first.append(".apn.epc");
    return operator_name(first, plmn, k3gppNetwork);
}

std::string epc_domain(const Plmn& plmn) {
    return operator_name("epc", plmn, k3gppNetwork);
}

std::string tai_fqdn(const Plmn& plmn, std::uint16_t tac) {
    return operator_name(tac_labels(tac).append(".epc"), plmn, k3gppNetwork);
}

}  // namespace enumd::numbering
