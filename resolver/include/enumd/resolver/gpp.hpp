#pragma once
/// 3GPP identifiers and DNS names (3GPP TS 23.003). Every builder cites the
/// clause that defines the name.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::resolver {

/// A PLMN identity: MCC and MNC as written (TS 23.003 §2.2 — the MNC is 2
/// or 3 digits). "505-57" and "505-057" are different PLMNs: they compare
/// unequal, though both become "mnc057" in DNS names (TS 23.003 §19.2: a
/// 2-digit MNC gets a leading zero in FQDNs).
class Plmn {
public:
    /// MCC: 3 digits; MNC: 2 or 3 digits.
    static dns::Result<Plmn> make(std::string_view mcc, std::string_view mnc);
    /// "505-01", "505 01", "505/001", or "50501" (5 digits: 2-digit MNC) /
    /// "505001" (6 digits: 3-digit MNC).
    static dns::Result<Plmn> parse(std::string_view text);
    [[nodiscard]] const std::string& mcc() const noexcept { return mcc_; }
    [[nodiscard]] const std::string& mnc() const noexcept { return mnc_; }
    /// The MNC padded to 3 digits, as FQDNs use it.
    [[nodiscard]] std::string mnc3() const { return mnc_.size() == 2 ? "0" + mnc_ : mnc_; }
    /// "505-57"
    [[nodiscard]] std::string to_string() const { return mcc_ + "-" + mnc_; }
    friend bool operator==(const Plmn&, const Plmn&) = default;

private:
    std::string mcc_, mnc_;
};

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
    std::map<std::string, int> mcc_;
    std::vector<Plmn> plmns_;
};

/// The PLMN of an IMSI (TS 23.003 §2.2: IMSI = MCC(3) + MNC(2|3) + MSIN,
/// at most 15 digits). An IMSI alone does not say how long the MNC is
/// (TS 31.102 §4.2.18: the SIM's EF_AD does), so both readings are given
/// and `plmn` is set only when configuration or the table decides.
struct ImsiPlmn {
    Plmn two;    ///< reading with a 2-digit MNC
    Plmn three;  ///< reading with a 3-digit MNC
    std::optional<Plmn> plmn;  ///< the decided PLMN, if any
    enum class Basis { PlmnOverride, MccConfig, Ambiguous } basis = Basis::Ambiguous;
    [[nodiscard]] bool ambiguous() const noexcept { return !plmn.has_value(); }
};
dns::Result<ImsiPlmn> imsi_to_plmn(std::string_view imsi, const MncLengthTable& table);
/// When the MNC length is known (EF_AD): the one reading.
dns::Result<Plmn> imsi_to_plmn(std::string_view imsi, int mnc_length);

/// TS 23.003 §19.4.2.9 (Operator Identifier FQDN for ePDG selection):
/// "epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org".
std::string epdg_fqdn(const Plmn& plmn);
/// TS 23.003 §19.4.2.9 (Visited Country FQDN):
/// "epdg.epc.mcc<MCC>.visited-country.pub.3gppnetwork.org".
dns::Result<std::string> epdg_visited_country_fqdn(std::string_view mcc);
/// TS 23.003 §19.4.2.9 (Tracking Area Identity based ePDG FQDN):
/// "tac-lb<TAC-low-byte>.tac-hb<TAC-high-byte>.tac.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org",
/// the bytes as two hex digits each.
std::string epdg_tai_fqdn(const Plmn& plmn, std::uint16_t tac);
/// TS 23.003 §19.4.2.9 (Location Area Identity based ePDG FQDN):
/// "lac<LAC>.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org", LAC as 4 hex digits.
std::string epdg_lai_fqdn(const Plmn& plmn, std::uint16_t lac);

/// TS 23.003 §13.2 (home network domain for IMS):
/// "ims.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string ims_domain(const Plmn& plmn);
/// A CSCF host under the IMS home network domain of TS 23.003 §13.2, e.g.
/// "pcscf.ims.mnc001.mcc001.3gppnetwork.org". TS 23.003 defines the
/// domain, not the host label: `role` ("pcscf", "scscf", "icscf") is the
/// common operator convention. With `under_ims` false the label goes under
/// "mnc<MNC>.mcc<MCC>.3gppnetwork.org" (as the seed's S-CSCF pool does).
dns::Result<std::string> cscf_fqdn(std::string_view role, const Plmn& plmn, bool under_ims = true);
/// TS 23.003 §9.1.2 (APN Operator Identifier): "mnc<MNC>.mcc<MCC>.gprs".
std::string apn_operator_identifier(const Plmn& plmn);
/// TS 23.003 §19.4.2.2 (APN-FQDN): "<APN-NI>.apn.epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
dns::Result<std::string> apn_fqdn(std::string_view apn_ni, const Plmn& plmn);
/// TS 23.003 §19.2 (EPC home network domain): "epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string epc_domain(const Plmn& plmn);
/// TS 23.003 §19.4.2.3 (Tracking Area Identity FQDN):
/// "tac-lb<TAC-low-byte>.tac-hb<TAC-high-byte>.tac.epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string tai_fqdn(const Plmn& plmn, std::uint16_t tac);

}  // namespace enumd::resolver
