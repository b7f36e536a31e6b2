#pragma once
/// PLMN identities (MCC + MNC, 3GPP TS 23.003 §2.2, ITU-T E.212) and the
/// PLMN of an IMSI. The DNS names built from a PLMN are in gpp_names.hpp.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::numbering {

/// A PLMN identity: MCC and MNC as written (TS 23.003 §2.2 — the MNC is 2
/// or 3 digits). "505-57" and "505-057" are different PLMNs: they compare
/// unequal, though both become "mnc057" in DNS names (TS 23.003 §19.4.2.4: a
/// 2-digit MNC gets a leading zero in FQDNs).
class Plmn {
   public:
    /// MCC: exactly 3 digits; MNC: 2 or 3 digits. The error is a sentence
    /// that starts with "MCC" or "MNC", naming the field at fault.
    static dns::Result<Plmn> make(std::string_view mcc, std::string_view mnc);
    /// "505-01", "505 01", "505/001", or "50501" (5 digits: 2-digit MNC) /
    /// "505001" (6 digits: 3-digit MNC).
    static dns::Result<Plmn> parse(std::string_view text);
    [[nodiscard]] const std::string& mcc() const noexcept { return mcc_; }
    [[nodiscard]] const std::string& mnc() const noexcept { return mnc_; }
    /// The MNC padded to 3 digits, as FQDNs spell it: "001" for "01".
    [[nodiscard]] std::string mnc3() const;
    /// "mnc001.mcc505": the labels every TS 23.003 name carries.
    [[nodiscard]] std::string label_pair() const;
    /// "505-01" (as written, for messages and output).
    [[nodiscard]] std::string to_text() const;
    friend bool operator==(const Plmn&, const Plmn&) = default;

   private:
    Plmn(std::string mcc, std::string mnc) : mcc_(std::move(mcc)), mnc_(std::move(mnc)) {}
    std::string mcc_, mnc_;
};

/// True when `mcc` is three digits (ITU-T E.212).
bool is_mcc(std::string_view mcc);
/// The problem with `mcc` as a sentence starting "MCC", if any.
std::optional<std::string> check_mcc(std::string_view mcc);

/// Which MCCs use 3-digit MNCs. The built-in table lists the MCCs whose
/// operators all use 3 digits (North America and Caribbean, some of Latin
/// America) and MCCs known to mix both lengths; anything else is
/// ambiguous unless configured. Per-MCC and per-PLMN overrides come from
/// configuration and win over the table.
class MncLengthTable {
   public:
    /// The built-in table.
    static MncLengthTable builtin();
    /// Every operator under `mcc` uses `length` (2 or 3) digits.
    void set_mcc(const std::string& mcc, int length) { mcc_[mcc] = length; }
    /// This PLMN (as written, e.g. "505-57" or "405-854") exists: an IMSI
    /// starting with its digits belongs to it.
    void add_plmn(const Plmn& plmn) { plmns_.push_back(plmn); }
    void mark_mixed(const std::string& mcc) { mcc_[mcc] = 0; }
    /// Adds configuration from text, one entry a line ("#" starts a comment):
    ///   "505 2" / "310 3" / "405 mixed"  — MNC length for a whole MCC
    ///   "505-571"                         — a PLMN as written
    /// Errors name the line ("line 3: ...").
    dns::Result<bool> load(std::string_view text);
    /// 2 or 3 when known, 0 when the MCC mixes lengths, nothing when unlisted.
    [[nodiscard]] std::optional<int> mcc_length(const std::string& mcc) const;
    [[nodiscard]] const std::vector<Plmn>& plmns() const noexcept { return plmns_; }

   private:
    dns::Result<bool> load_line(std::string_view line);
    std::map<std::string, int> mcc_;
    std::vector<Plmn> plmns_;
};

/// The PLMN of an IMSI (TS 23.003 §2.2: IMSI = MCC(3) + MNC(2|3) + MSIN,
/// at most 15 digits). An IMSI alone does not say how long the MNC is
/// (TS 31.102 §4.2.18: the SIM's EF_AD does), so both readings are given
/// and `plmn` is set only when configuration or the table decides.
struct ImsiPlmn {
    Plmn two;                  ///< reading with a 2-digit MNC
    Plmn three;                ///< reading with a 3-digit MNC
    std::optional<Plmn> plmn;  ///< the decided PLMN, if any
    enum class Basis { PlmnOverride, MccConfig, Ambiguous } basis = Basis::Ambiguous;
    [[nodiscard]] bool ambiguous() const noexcept { return !plmn.has_value(); }
};
dns::Result<ImsiPlmn> imsi_to_plmn(std::string_view imsi, const MncLengthTable& table);
/// When the MNC length is known (EF_AD): the one reading.
dns::Result<Plmn> imsi_to_plmn(std::string_view imsi, int mnc_length);

}  // namespace enumd::numbering
