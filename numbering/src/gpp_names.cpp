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

/// A 5GS TAC is 3 octets (TS 23.003 §28.6).
constexpr std::uint32_t kMax5gsTac = 0xffffffU;

/// "tac-lb<low>.tac-mb<middle>.tac-hb<high>.5gstac" (TS 23.003 §19.4.2.9,
/// §28.3.2.2.3, §28.3.2.6).
Result<std::string> tac5gs_labels(std::uint32_t tac) {
    if (tac > kMax5gsTac) return make_error("a 5GS TAC is 3 octets (at most ffffff)");
    std::string s = "tac-lb";
    s.append(hex2(tac)).append(".tac-mb").append(hex2(tac >> 8U)).append(".tac-hb").append(hex2(tac >> 16U));
    s.append(".5gstac");
    return s;
}

/// RFC 1123 §2.1 host label: letters, digits and hyphens, not starting or ending with a hyphen.
bool is_host_label(std::string_view label) {
    return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
           std::all_of(label.begin(), label.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; });
}

/// "epdg.epc" or "sos.epdg.epc" (TS 23.003 §19.4.2.9).
std::string_view epdg_labels(EpdgUse use) {
    return use == EpdgUse::Emergency ? "sos.epdg.epc" : "epdg.epc";
}

constexpr std::string_view k3gppNetwork = "3gppnetwork.org";
constexpr std::string_view kPub3gppNetwork = "pub.3gppnetwork.org";

}  // namespace

std::string epdg_fqdn(const Plmn& plmn, EpdgUse use) {
    return operator_name(epdg_labels(use), plmn, kPub3gppNetwork);
}

Result<std::string> epdg_visited_country_fqdn(std::string_view mcc, EpdgUse use) {
    if (auto bad = check_mcc(mcc)) return make_error(std::move(*bad));
    std::string s(epdg_labels(use));
    s.append(".mcc").append(mcc).append(".visited-country.").append(kPub3gppNetwork);
    return s;
}

std::string epdg_tai_fqdn(const Plmn& plmn, std::uint16_t tac, EpdgUse use) {
    return operator_name(tac_labels(tac).append(1, '.').append(epdg_labels(use)), plmn, kPub3gppNetwork);
}

Result<std::string> epdg_5gs_tai_fqdn(const Plmn& plmn, std::uint32_t tac, EpdgUse use) {
    auto labels = tac5gs_labels(tac);
    if (!labels) return make_error(labels.error());
    return operator_name(labels->append(1, '.').append(epdg_labels(use)), plmn, kPub3gppNetwork);
}

std::string epdg_lai_fqdn(const Plmn& plmn, std::uint16_t lac, EpdgUse use) {
    std::string first = "lac";
    first.append(hex2(lac >> 8U)).append(hex2(lac)).append(1, '.').append(epdg_labels(use));
    return operator_name(first, plmn, kPub3gppNetwork);
}

std::string n3iwf_fqdn(const Plmn& plmn) {
    return operator_name("n3iwf.5gc", plmn, kPub3gppNetwork);
}

std::string n3iwf_tai_fqdn(const Plmn& plmn, std::uint16_t tac) {
    return operator_name(tac_labels(tac).append(".n3iwf.5gc"), plmn, kPub3gppNetwork);
}

Result<std::string> n3iwf_5gs_tai_fqdn(const Plmn& plmn, std::uint32_t tac) {
    auto labels = tac5gs_labels(tac);
    if (!labels) return make_error(labels.error());
    return operator_name(labels->append(".n3iwf.5gc"), plmn, kPub3gppNetwork);
}

Result<std::string> n3iwf_visited_country_fqdn(std::string_view mcc) {
    if (auto bad = check_mcc(mcc)) return make_error(std::move(*bad));
    std::string s = "n3iwf.5gc.mcc";
    s.append(mcc).append(".visited-country.").append(kPub3gppNetwork);
    return s;
}

std::string fivegc_domain(const Plmn& plmn) {
    return operator_name("5gc", plmn, k3gppNetwork);
}

std::string nrf_fqdn(const Plmn& plmn) {
    return operator_name("nrf.5gc", plmn, k3gppNetwork);
}

std::string nssf_fqdn(const Plmn& plmn) {
    return operator_name("nssf.5gc", plmn, k3gppNetwork);
}

Result<std::string> fivegs_tai_fqdn(const Plmn& plmn, std::uint32_t tac) {
    auto labels = tac5gs_labels(tac);
    if (!labels) return make_error(labels.error());
    return operator_name(labels->append(".5gc"), plmn, k3gppNetwork);
}

namespace {

/// "set<Set Id>.region<Region Id>" with the widths of TS 23.003 §28.3.2.7.
Result<std::string> amf_set_labels(std::uint8_t region, std::uint16_t set) {
    // TS 23.003 §2.10.1: the AMF Set ID is 10 bits.
    if (set > 0x3ffU) return make_error("an AMF Set ID is 10 bits (at most 3ff)");
    std::string s = "set";
    s.append(1, "0123456789abcdef"[(set >> 8U) & 0xfU]).append(hex2(set)).append(".region").append(hex2(region));
    return s;
}

}  // namespace

Result<std::string> amf_set_fqdn(const Plmn& plmn, std::uint8_t region, std::uint16_t set) {
    auto labels = amf_set_labels(region, set);
    if (!labels) return make_error(labels.error());
    return operator_name(labels->append(".amfset.5gc"), plmn, k3gppNetwork);
}

Result<std::string> amf_instance_fqdn(const Plmn& plmn, std::uint8_t region, std::uint16_t set, std::uint8_t pointer) {
    // TS 23.003 §2.10.1: the AMF Pointer is 6 bits.
    if (pointer > 0x3fU) return make_error("an AMF Pointer is 6 bits (at most 3f)");
    auto labels = amf_set_labels(region, set);
    if (!labels) return make_error(labels.error());
    std::string first = "pt";
    first.append(hex2(pointer)).append(1, '.').append(*labels).append(".amfi.5gc");
    return operator_name(first, plmn, k3gppNetwork);
}

Result<std::string> amf_name_fqdn(const Plmn& plmn, std::string_view amf_id) {
    // TS 23.003 §28.3.2.5: "<AMF-id>.amf.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org", the AMF-id
    // an operator-chosen label naming one AMF.
    if (!is_host_label(amf_id)) return make_error(cat("bad AMF id '", amf_id, "' (one host label)"));
    std::string first(amf_id);
    return operator_name(first.append(".amf.5gc"), plmn, k3gppNetwork);
}

Result<std::string> smf_set_fqdn(const Plmn& plmn, std::string_view set_id) {
    std::string first = "set";
    first.append(set_id);
    if (set_id.empty() || !is_host_label(first)) return make_error(cat("bad SMF Set ID '", set_id, "'"));
    return operator_name(first.append(".smfset.5gc"), plmn, k3gppNetwork);
}

Result<std::string> sepp_fqdn(const Plmn& plmn, std::string_view id) {
    std::string first = "sepp";
    first.append(id);
    if (!is_host_label(first)) return make_error(cat("bad SEPP id '", id, "'"));
    return operator_name(first.append(".5gc"), plmn, k3gppNetwork);
}

Result<std::string> sepp_telescopic_fqdn(std::string_view label, std::string_view sepp) {
    if (!is_host_label(label)) return make_error(cat("bad telescopic label '", label, "'"));
    std::string s(label);
    s.append(1, '.').append(sepp);
    if (s.size() > 253) return make_error("telescopic FQDN longer than 253 octets");
    return s;
}

std::string ims_domain(const Plmn& plmn) {
    return operator_name("ims", plmn, k3gppNetwork);
}

Result<std::string> cscf_fqdn(std::string_view role, const Plmn& plmn, bool under_ims) {
    if (!is_host_label(role)) return make_error(cat("bad host label '", role, "'"));
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

Result<std::vector<GppName>> gpp_names_for(const Plmn& plmn, const GppNameInputs& in) {
    std::vector<GppName> out;
    std::string error;
    auto add = [&](std::string key, Result<std::string> fqdn, std::string clause) {
        if (!fqdn) {
            if (error.empty()) error = key + ": " + fqdn.error();
            return;
        }
        out.push_back({std::move(key), std::move(*fqdn), std::move(clause)});
    };
    auto ok = [](std::string s) { return Result<std::string>(std::move(s)); };
    constexpr auto sos = EpdgUse::Emergency;
    const std::string& mcc = plmn.mcc();

    add("epdg", ok(epdg_fqdn(plmn)), "TS 23.003 19.4.2.9");
    add("epdg.sos", ok(epdg_fqdn(plmn, sos)), "TS 23.003 19.4.2.9");
    add("epdg.visited-country", epdg_visited_country_fqdn(mcc), "TS 23.003 19.4.2.9");
    add("epdg.visited-country.sos", epdg_visited_country_fqdn(mcc, sos), "TS 23.003 19.4.2.9");
    if (in.tac) {
        add("epdg.tai", ok(epdg_tai_fqdn(plmn, *in.tac)), "TS 23.003 19.4.2.9");
        add("epdg.tai.sos", ok(epdg_tai_fqdn(plmn, *in.tac, sos)), "TS 23.003 19.4.2.9");
    }
    if (in.tac_5gs) {
        add("epdg.5gs-tai", epdg_5gs_tai_fqdn(plmn, *in.tac_5gs), "TS 23.003 19.4.2.9");
        add("epdg.5gs-tai.sos", epdg_5gs_tai_fqdn(plmn, *in.tac_5gs, sos), "TS 23.003 19.4.2.9");
    }
    if (in.lac) {
        add("epdg.lai", ok(epdg_lai_fqdn(plmn, *in.lac)), "TS 23.003 19.4.2.9");
        add("epdg.lai.sos", ok(epdg_lai_fqdn(plmn, *in.lac, sos)), "TS 23.003 19.4.2.9");
    }
    add("n3iwf", ok(n3iwf_fqdn(plmn)), "TS 23.003 28.3.2.2.2");
    if (in.tac) add("n3iwf.tai", ok(n3iwf_tai_fqdn(plmn, *in.tac)), "TS 23.003 28.3.2.2.3");
    if (in.tac_5gs) add("n3iwf.5gs-tai", n3iwf_5gs_tai_fqdn(plmn, *in.tac_5gs), "TS 23.003 28.3.2.2.3");
    add("n3iwf.visited-country", n3iwf_visited_country_fqdn(mcc), "TS 23.003 28.3.2.2.4");
    add("5gc", ok(fivegc_domain(plmn)), "TS 23.003 28.2");
    add("nrf", ok(nrf_fqdn(plmn)), "TS 23.003 28.3.2.3.2");
    add("nssf", ok(nssf_fqdn(plmn)), "TS 23.003 28.3.2.4");
    add("sepp", sepp_fqdn(plmn), "TS 23.003 28.2 (host label: convention)");
    if (in.tac_5gs) add("5gs-tai", fivegs_tai_fqdn(plmn, *in.tac_5gs), "TS 23.003 28.3.2.6");
    if (!in.amf_id.empty()) add("amf.name", amf_name_fqdn(plmn, in.amf_id), "TS 23.003 28.3.2.5");
    if (in.amf) {
        add("amf.set", amf_set_fqdn(plmn, in.amf->region, in.amf->set), "TS 23.003 28.3.2.7");
        if (in.amf->pointer) {
            add("amf.instance", amf_instance_fqdn(plmn, in.amf->region, in.amf->set, *in.amf->pointer),
                "TS 23.003 28.3.2.8");
        }
    }
    add("epc", ok(epc_domain(plmn)), "TS 23.003 19.2");
    if (in.tac) add("tai", ok(tai_fqdn(plmn, *in.tac)), "TS 23.003 19.4.2.3");
    if (!in.apn_ni.empty()) add("apn", apn_fqdn(in.apn_ni, plmn), "TS 23.003 19.4.2.2");
    add("apn-oi", ok(apn_operator_identifier(plmn)), "TS 23.003 9.1.2");
    add("ims", ok(ims_domain(plmn)), "TS 23.003 13.2");
    for (const char* role : {"pcscf", "icscf", "scscf"}) {
        add(role, cscf_fqdn(role, plmn), "TS 23.003 13.2 (host label: convention)");
    }
    if (!error.empty()) return make_error(std::move(error));
    return out;
}

}  // namespace enumd::numbering
