#pragma once
/// The DNS names of 3GPP TS 23.003, built from a PLMN. Every builder cites
/// the clause that defines the name. Names are returned as TS 23.003 writes
/// them, without the trailing dot ("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org");
/// dns::Name::from_text takes them as absolute names.

#include <cstdint>
#include <string>
#include <string_view>

#include "enumd/dns/result.hpp"
#include "enumd/numbering/plmn.hpp"

namespace enumd::numbering {

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

}  // namespace enumd::numbering
