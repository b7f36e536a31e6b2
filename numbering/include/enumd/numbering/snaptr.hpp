#pragma once
/// S-NAPTR services fields (RFC 3958) as 3GPP uses them for node selection
/// (TS 29.303): "x-3gpp-pgw:x-s5-gtp:x-s8-gtp". One parser for the zones that
/// generate such records and the client that selects nodes by them.

#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::numbering {

/// An S-NAPTR services field "app-service:app-protocol[:app-protocol...]"
/// (RFC 3958 §6.5), e.g. "x-3gpp-pgw:x-s5-gtp:x-s8-gtp" (TS 29.303 §19.4.3).
struct SnaptrService {
    std::string app_service;                 ///< lower-cased
    std::vector<std::string> app_protocols;  ///< lower-cased
};

/// RFC 3958 §6.5: each part ALPHA *31ALPHANUMSYM, ALPHANUMSYM = ALPHA / DIGIT /
/// "+" / "-" / "." / "_"; parts separated by ":". Case-insensitive; the error
/// is a sentence quoting the field.
dns::Result<SnaptrService> parse_snaptr_service(std::string_view field);

}  // namespace enumd::numbering
