#include "enumd/numbering/plmn.hpp"

#include <algorithm>

#include "mnc_table.hpp"
#include "text.hpp"

namespace enumd::numbering {

using detail::cat;
using dns::make_error;
using dns::Result;

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The blank-separated words of a line.
std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (i < line.size()) {
        while (i < line.size() && blank(line[i])) ++i;
        std::size_t start = i;
        while (i < line.size() && !blank(line[i])) ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

}  // namespace

bool is_mcc(std::string_view mcc) {
    return mcc.size() == 3 && all_digits(mcc);
}

std::optional<std::string> check_mcc(std::string_view mcc) {
    if (is_mcc(mcc)) return std::nullopt;
    return cat("MCC '", mcc, "' must be exactly 3 digits (ITU-T E.212)");
}

Result<Plmn> Plmn::make(std::string_view mcc, std::string_view mnc) {
    if (auto bad = check_mcc(mcc)) return make_error(std::move(*bad));
    if ((mnc.size() != 2 && mnc.size() != 3) || !all_digits(mnc))
        return make_error(
            cat("MNC '", mnc, "' must be 2 or 3 digits (ITU-T E.212); quote it so YAML keeps leading zeros"));
    return Plmn(std::string(mcc), std::string(mnc));
}

Result<Plmn> Plmn::parse(std::string_view text) {
    auto sep = text.find_first_of("-/ ");
    if (sep != std::string_view::npos) return make(text.substr(0, sep), text.substr(sep + 1));
    if (text.size() == 5 || text.size() == 6) return make(text.substr(0, 3), text.substr(3));
    return make_error(cat("PLMN '", text, "' is not MCC-MNC"));
}

std::string Plmn::mnc3() const {
    // TS 23.003 §19.4.2.4: "If there are only 2 significant digits in the
    // MNC, one "0" digit shall be inserted at the left side".
    std::string padded(3 - mnc_.size(), '0');
    padded.append(mnc_);
    return padded;
}

std::string Plmn::label_pair() const {
    std::string s = "mnc";
    s.append(mnc3()).append(".mcc").append(mcc_);
    return s;
}

std::string Plmn::to_text() const {
    std::string s = mcc_;
    s.append(1, '-').append(mnc_);
    return s;
}

MncLengthTable MncLengthTable::builtin() {
    // The MCC lengths and PLMNs of tools/gen_mnc_table.py's output
    // (src/mnc_table.cpp): mobile-broadband-provider-info, corrected and
    // completed from ITU-T E.212 (3-digit NANP and Latin American MCCs,
    // mixed MCCs such as India 405).
    MncLengthTable t;
    t.shipped_ = true;
    return t;
}

std::vector<KnownOperator> known_operators(std::string_view mcc) {
    std::vector<KnownOperator> out;
    auto rows = detail::known_plmn_rows();
    auto first = std::lower_bound(rows.begin(), rows.end(), mcc,
                                  [](const detail::KnownPlmnRow& r, std::string_view m) { return r.mcc < m; });
    for (auto it = first; it != rows.end() && it->mcc == mcc; ++it) {
        auto p = Plmn::make(it->mcc, it->mnc);
        if (p) out.push_back({*p, std::string(it->name)});
    }
    return out;
}

std::string_view known_operators_version() noexcept {
    return detail::mnc_table_version();
}

namespace {

std::optional<int> shipped_mcc_length(std::string_view mcc) {
    auto rows = detail::mcc_length_rows();
    auto it = std::lower_bound(rows.begin(), rows.end(), mcc,
                               [](const detail::MccLengthRow& r, std::string_view m) { return r.mcc < m; });
    if (it == rows.end() || it->mcc != mcc) return std::nullopt;
    return it->length;
}

bool shipped_plmn(const Plmn& p) {
    auto rows = detail::known_plmn_rows();
    auto key = std::make_pair(std::string_view(p.mcc()), std::string_view(p.mnc()));
    auto it = std::lower_bound(rows.begin(), rows.end(), key, [](const detail::KnownPlmnRow& r, const auto& k) {
        return std::make_pair(r.mcc, r.mnc) < k;
    });
    return it != rows.end() && it->mcc == key.first && it->mnc == key.second;
}

}  // namespace

Result<bool> MncLengthTable::load(std::string_view text) {
    std::size_t line_no = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        auto r = load_line(line);
        if (!r) return make_error(cat("line ", std::to_string(line_no), ": ", r.error()));
    }
    return true;
}

Result<bool> MncLengthTable::load_line(std::string_view line) {
    auto words = words_of(line);
    if (words.empty()) return true;
    if (words.size() == 1) {
        auto p = Plmn::parse(words[0]);
        if (!p) return make_error(p.error());
        add_plmn(*p);
        return true;
    }
    if (words.size() != 2 || !is_mcc(words[0])) return make_error("expected \"MCC 2|3|mixed\" or \"MCC-MNC\"");
    std::string mcc(words[0]);
    if (words[1] == "2" || words[1] == "3") {
        set_mcc(mcc, words[1][0] - '0');
    } else if (words[1] == "mixed") {
        mark_mixed(mcc);
    } else {
        return make_error(cat("MNC length must be 2, 3 or mixed, not '", words[1], "'"));
    }
    return true;
}

std::optional<int> MncLengthTable::configured_mcc_length(const std::string& mcc) const {
    auto it = mcc_.find(mcc);
    if (it == mcc_.end()) return std::nullopt;
    return it->second;
}

std::optional<int> MncLengthTable::mcc_length(const std::string& mcc) const {
    if (auto c = configured_mcc_length(mcc)) return c;
    if (shipped_) return shipped_mcc_length(mcc);
    return std::nullopt;
}

const char* to_string(ImsiPlmn::Basis basis) noexcept {
    switch (basis) {
    case ImsiPlmn::Basis::PlmnOverride: return "known PLMN (configured)";
    case ImsiPlmn::Basis::MccConfig: return "MCC length (configured)";
    case ImsiPlmn::Basis::KnownPlmn: return "known PLMN (shipped table; the MCC mixes 2- and 3-digit MNCs)";
    case ImsiPlmn::Basis::KnownMcc: return "MCC length (shipped table: every known operator of the MCC)";
    case ImsiPlmn::Basis::Ambiguous: return "ambiguous: the IMSI alone does not give the MNC length";
    }
    return "?";
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
    const auto& known = table.plmns();
    for (const Plmn* reading : {&*three, &*two}) {
        if (std::find(known.begin(), known.end(), *reading) != known.end()) {
            out.plmn = *reading;
            out.basis = ImsiPlmn::Basis::PlmnOverride;
            return out;
        }
    }
    auto decide = [&](int len, ImsiPlmn::Basis basis) {
        out.plmn = len == 3 ? *three : *two;
        out.basis = basis;
    };
    auto configured = table.configured_mcc_length(two->mcc());
    if (configured && *configured != 0) {
        decide(*configured, ImsiPlmn::Basis::MccConfig);
        return out;
    }
    if (!table.uses_shipped_table()) return out;
    // An MCC whose known operators all use one length decides (unless
    // configuration marked it mixed); a mixed one decides only on a known
    // PLMN, the 3-digit reading first (the longer match).
    auto shipped = shipped_mcc_length(two->mcc());
    if (!configured && shipped && *shipped != 0) {
        decide(*shipped, ImsiPlmn::Basis::KnownMcc);
        return out;
    }
    for (const Plmn* reading : {&*three, &*two}) {
        if (shipped_plmn(*reading)) {
            decide(static_cast<int>(reading->mnc().size()), ImsiPlmn::Basis::KnownPlmn);
            return out;
        }
    }
    return out;
}

}  // namespace enumd::numbering
