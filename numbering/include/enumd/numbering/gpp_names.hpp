#pragma once
/// The DNS names of 3GPP TS 23.003, built from a PLMN. Every builder cites
/// the clause that defines the name. Names are returned as TS 23.003 writes
/// them, without the trailing dot ("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org");
/// dns::Name::from_text takes them as absolute names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"
#include "enumd/numbering/plmn.hpp"

namespace enumd::numbering {

/// Which ePDG name to build: the ordinary one, or the emergency ("sos")
/// form a UE uses for emergency bearer services (TS 23.003 §19.4.2.9; the
/// label order is the one AOSP EpdgSelector builds: "sos." prefixes
/// "epdg.epc", below the TAC/LAC labels).
enum class EpdgUse { Normal, Emergency };

/// TS 23.003 §19.4.2.9 (Operator Identifier FQDN for ePDG selection):
/// "epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org";
/// emergency: "sos.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org".
std::string epdg_fqdn(const Plmn& plmn, EpdgUse use = EpdgUse::Normal);
/// TS 23.003 §19.4.2.9 (Visited Country FQDN):
/// "epdg.epc.mcc<MCC>.visited-country.pub.3gppnetwork.org"; emergency: "sos." in front.
dns::Result<std::string> epdg_visited_country_fqdn(std::string_view mcc, EpdgUse use = EpdgUse::Normal);
/// TS 23.003 §19.4.2.9 (Tracking Area Identity based ePDG FQDN, 2-octet TAC):
/// "tac-lb<TAC-low-byte>.tac-hb<TAC-high-byte>.tac.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org",
/// the bytes as two hex digits each; emergency: "….tac.sos.epdg.epc…".
std::string epdg_tai_fqdn(const Plmn& plmn, std::uint16_t tac, EpdgUse use = EpdgUse::Normal);
/// TS 23.003 §19.4.2.9 (5GS Tracking Area Identity based ePDG FQDN, 3-octet TAC):
/// "tac-lb<lb>.tac-mb<mb>.tac-hb<hb>.5gstac.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org";
/// emergency: "….5gstac.sos.epdg.epc…". Refuses a TAC above 0xffffff.
dns::Result<std::string> epdg_5gs_tai_fqdn(const Plmn& plmn, std::uint32_t tac, EpdgUse use = EpdgUse::Normal);
/// TS 23.003 §19.4.2.9 (Location Area Identity based ePDG FQDN):
/// "lac<LAC>.epdg.epc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org", LAC as 4 hex digits;
/// emergency: "lac<LAC>.sos.epdg.epc…".
std::string epdg_lai_fqdn(const Plmn& plmn, std::uint16_t lac, EpdgUse use = EpdgUse::Normal);

/// TS 23.003 §28.3.2.2.2 (Operator Identifier based N3IWF FQDN):
/// "n3iwf.5gc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org".
std::string n3iwf_fqdn(const Plmn& plmn);
/// TS 23.003 §28.3.2.2.3 (Tracking Area Identity based N3IWF FQDN, 2-octet TAC):
/// "tac-lb<lb>.tac-hb<hb>.tac.n3iwf.5gc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org".
std::string n3iwf_tai_fqdn(const Plmn& plmn, std::uint16_t tac);
/// TS 23.003 §28.3.2.2.3 (the same for a 3-octet 5GS TAC):
/// "tac-lb<lb>.tac-mb<mb>.tac-hb<hb>.5gstac.n3iwf.5gc.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org".
dns::Result<std::string> n3iwf_5gs_tai_fqdn(const Plmn& plmn, std::uint32_t tac);
/// TS 23.003 §28.3.2.2.4 (Visited Country FQDN for N3IWF):
/// "n3iwf.5gc.mcc<MCC>.visited-country.pub.3gppnetwork.org".
dns::Result<std::string> n3iwf_visited_country_fqdn(std::string_view mcc);

/// TS 23.003 §28.2 (5GC Home Network Domain): "5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string fivegc_domain(const Plmn& plmn);
/// TS 23.003 §28.3.2.3.2 (PLMN level NRF FQDN): "nrf.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string nrf_fqdn(const Plmn& plmn);
/// TS 23.003 §28.3.2.4 (NSSF FQDN): "nssf.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
std::string nssf_fqdn(const Plmn& plmn);
/// TS 23.003 §28.3.2.6 (5GS TAI FQDN, 3-octet TAC):
/// "tac-lb<lb>.tac-mb<mb>.tac-hb<hb>.5gstac.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org".
dns::Result<std::string> fivegs_tai_fqdn(const Plmn& plmn, std::uint32_t tac);
/// TS 23.003 §28.3.2.5 (AMF Name): "<AMF-id>.amf.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org";
/// the AMF-id is an operator-chosen host label.
dns::Result<std::string> amf_name_fqdn(const Plmn& plmn, std::string_view amf_id);
/// TS 23.003 §28.3.2.7 (AMF Set FQDN):
/// "set<AMF Set Id>.region<AMF Region Id>.amfset.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org",
/// the Set Id (10 bits, TS 23.003 §2.10.1) as 3 hex digits, the Region Id (8 bits) as 2.
dns::Result<std::string> amf_set_fqdn(const Plmn& plmn, std::uint8_t region, std::uint16_t set);
/// TS 23.003 §28.3.2.8 (AMF Instance FQDN):
/// "pt<AMF Pointer>.set<Set>.region<Region>.amfi.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org",
/// the Pointer (6 bits) as 2 hex digits.
dns::Result<std::string> amf_instance_fqdn(const Plmn& plmn, std::uint8_t region, std::uint16_t set,
                                           std::uint8_t pointer);
/// TS 23.003 §28.3.2.9 (SMF Set FQDN): "set<SMF Set Id>.smfset.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org";
/// the Set Id is an operator-chosen host label.
dns::Result<std::string> smf_set_fqdn(const Plmn& plmn, std::string_view set_id);
/// A SEPP host under the 5GC Home Network Domain of TS 23.003 §28.2:
/// "sepp<id>.5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org". TS 23.003 defines the
/// domain, not the host label: "sepp<id>" is the operator convention, as
/// "pcscf" is for CSCFs; `id` ("1", "2", "" for plain "sepp") tells several
/// SEPPs apart.
dns::Result<std::string> sepp_fqdn(const Plmn& plmn, std::string_view id = {});
/// TS 29.500 §6.1.4.3.2 (telescopic FQDN): "<label>.<SEPP FQDN>", where
/// `label` is one DNS label that the SEPP maps to the FQDN of the NF in the
/// other PLMN (how it flattens that FQDN is its own business); the SEPP's
/// zone answers for it with a wildcard.
dns::Result<std::string> sepp_telescopic_fqdn(std::string_view label, std::string_view sepp);

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

/// What the optional names of gpp_names_for() are built from.
struct GppNameInputs {
    std::optional<std::uint16_t> tac;      ///< 2-octet E-UTRAN TAC
    std::optional<std::uint32_t> tac_5gs;  ///< 3-octet 5GS TAC
    std::optional<std::uint16_t> lac;      ///< LAC
    struct Amf {
        std::uint8_t region = 0;
        std::uint16_t set = 0;
        std::optional<std::uint8_t> pointer;
    };
    std::optional<Amf> amf;
    std::string amf_id;  ///< for the AMF Name (TS 23.003 §28.3.2.5); empty: none
    std::string apn_ni;  ///< for the APN-FQDN; empty: none
};

/// One built name: a stable key ("epdg.sos"), the FQDN, the clause.
struct GppName {
    std::string key;
    std::string fqdn;
    std::string clause;
};

/// Every TS 23.003 name of `plmn`, in a fixed order (ePDG, N3IWF, 5GC, EPC,
/// IMS); the TAC/LAC/AMF/APN names only when their input is given. The
/// error names the input at fault.
dns::Result<std::vector<GppName>> gpp_names_for(const Plmn& plmn, const GppNameInputs& in);

}  // namespace enumd::numbering
