#include "enumd/resolver/gpp.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace enumd::resolver {

using dns::make_error;
using dns::Result;

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string hex2(unsigned v) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", v & 0xffU);
    return buf;
}

std::string ops(const Plmn& p) { return "mnc" + p.mnc3() + ".mcc" + p.mcc(); }

}  // namespace

Result<Plmn> Plmn::make(std::string_view mcc, std::string_view mnc) {
    if (mcc.size() != 3 || !all_digits(mcc)) return make_error("MCC must be 3 digits: '" + std::string(mcc) + "'");
    if ((mnc.size() != 2 && mnc.size() != 3) || !all_digits(mnc)) {
        return make_error("MNC must be 2 or 3 digits: '" + std::string(mnc) + "'");
    }
    Plmn p;
    p.mcc_ = std::string(mcc);
    p.mnc_ = std::string(mnc);
    return p;
}

Result<Plmn> Plmn::parse(std::string_view text) {
    auto sep = text.find_first_of("-/ ");
    if (sep != std::string_view::npos) return make(text.substr(0, sep), text.substr(sep + 1));
    if (text.size() == 5 || text.size() == 6) return make(text.substr(0, 3), text.substr(3));
    return make_error("PLMN '" + std::string(text) + "' is not MCC-MNC");
}

MncLengthTable MncLengthTable::builtin() {
    MncLengthTable t;
    // ITU-T E.212 assignments where every network uses a 3-digit MNC.
    for (const char* mcc : {"302", "310", "311", "312", "313", "314", "315", "316", "334", "338", "342", "344", "346",
                            "348", "352", "354", "356", "358", "360", "365", "366", "376", "708", "722", "732"}) {
        t.set_mcc(mcc, 3);
    }
    // Countries known to mix 2- and 3-digit MNCs under one MCC.
    for (const char* mcc : {"405"}) t.mark_mixed(mcc);
    return t;
}

Result<bool> MncLengthTable::load(std::string_view text) {
    std::size_t line_no = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string line(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::vector<std::string> words;
        std::string w;
        for (char c : line + " ") {
            if (c == ' ' || c == '\t' || c == '\r') {
                if (!w.empty()) words.push_back(w);
                w.clear();
            } else {
                w += c;
            }
        }
        auto fail = [&](const std::string& why) { return make_error("line " + std::to_string(line_no) + ": " + why); };
        if (words.empty()) continue;
        if (words.size() == 1) {
            auto p = Plmn::parse(words[0]);
            if (!p) return fail(p.error());
            add_plmn(*p);
        } else if (words.size() == 2 && words[0].size() == 3 && all_digits(words[0])) {
            if (words[1] == "2" || words[1] == "3") {
                set_mcc(words[0], words[1][0] - '0');
            } else if (words[1] == "mixed") {
                mark_mixed(words[0]);
            } else {
                return fail("MNC length must be 2, 3 or mixed, not '" + words[1] + "'");
            }
        } else {
            return fail("expected \"MCC 2|3|mixed\" or \"MCC-MNC\"");
        }
    }
    return true;
}

std::optional<int> MncLengthTable::mcc_length(const std::string& mcc) const {
    auto it = mcc_.find(mcc);
    if (it == mcc_.end()) return std::nullopt;
    return it->second;
}

Result<Plmn> imsi_to_plmn(std::string_view imsi, int mnc_length) {
    if (!all_digits(imsi) || imsi.size() < 6 || imsi.size() > 15) return make_error("IMSI must be 6-15 digits");
    if (mnc_length != 2 && mnc_length != 3) return make_error("MNC length must be 2 or 3");
    return Plmn::make(imsi.substr(0, 3), imsi.substr(3, static_cast<std::size_t>(mnc_length)));
}

Result<ImsiPlmn> imsi_to_plmn(std::string_view imsi, const MncLengthTable& table) {
    auto two = imsi_to_plmn(imsi, 2);
    if (!two) return make_error(two.error());
    auto three = imsi_to_plmn(imsi, 3);
    if (!three) return make_error(three.error());
    ImsiPlmn out{*two, *three, std::nullopt, ImsiPlmn::Basis::Ambiguous};
    // Configured PLMNs win: a 3-digit one is checked first so that "505-571"
    // beats "505-57" when both are configured (the longer match).
    const Plmn* found = nullptr;
    for (const auto& p : table.plmns()) {
        if (p == *three) found = &p;
    }
    if (found == nullptr) {
        for (const auto& p : table.plmns()) {
            if (p == *two) found = &p;
        }
    }
    if (found != nullptr) {
        out.plmn = *found;
        out.basis = ImsiPlmn::Basis::PlmnOverride;
        return out;
    }
    if (auto len = table.mcc_length(two->mcc()); len && *len != 0) {
        out.plmn = *len == 3 ? *three : *two;
        out.basis = ImsiPlmn::Basis::MccConfig;
    }
    return out;
}

std::string epdg_fqdn(const Plmn& plmn) { return "epdg.epc." + ops(plmn) + ".pub.3gppnetwork.org"; }

Result<std::string> epdg_visited_country_fqdn(std::string_view mcc) {
    if (mcc.size() != 3 || !all_digits(mcc)) return make_error("MCC must be 3 digits");
    return "epdg.epc.mcc" + std::string(mcc) + ".visited-country.pub.3gppnetwork.org";
}

std::string epdg_tai_fqdn(const Plmn& plmn, std::uint16_t tac) {
    return "tac-lb" + hex2(tac) + ".tac-hb" + hex2(tac >> 8U) + ".tac.epdg.epc." + ops(plmn) + ".pub.3gppnetwork.org";
}

std::string epdg_lai_fqdn(const Plmn& plmn, std::uint16_t lac) {
    return "lac" + hex2(lac >> 8U) + hex2(lac) + ".epdg.epc." + ops(plmn) + ".pub.3gppnetwork.org";
}

std::string ims_domain(const Plmn& plmn) { return "ims." + ops(plmn) + ".3gppnetwork.org"; }

Result<std::string> cscf_fqdn(std::string_view role, const Plmn& plmn, bool under_ims) {
    if (role.empty() || role.size() > 63 ||
        !std::all_of(role.begin(), role.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; })) {
        return make_error("bad host label '" + std::string(role) + "'");
    }
    return std::string(role) + "." + (under_ims ? ims_domain(plmn) : ops(plmn) + ".3gppnetwork.org");
}

std::string apn_operator_identifier(const Plmn& plmn) { return ops(plmn) + ".gprs"; }

Result<std::string> apn_fqdn(std::string_view apn_ni, const Plmn& plmn) {
    if (apn_ni.empty() || apn_ni.size() > 63) return make_error("APN-NI must be 1-63 octets");
    return std::string(apn_ni) + ".apn." + epc_domain(plmn);
}

std::string epc_domain(const Plmn& plmn) { return "epc." + ops(plmn) + ".3gppnetwork.org"; }

std::string tai_fqdn(const Plmn& plmn, std::uint16_t tac) {
    return "tac-lb" + hex2(tac) + ".tac-hb" + hex2(tac >> 8U) + ".tac." + epc_domain(plmn);
}

}  // namespace enumd::resolver
