#pragma once
// Set-up shared by the zones/ unit tests (the names, records and directories all
// unit tests use are in ../common/fixtures.hpp).

#include <string>

#include "../common/fixtures.hpp"
#include "enumd/zones/model.hpp"

namespace enumd::testing {

/// Every diagnostic as text, one a line (for INFO).
inline std::string all_diags(const zones::Diagnostics& d) {
    std::string s;
    for (const auto& i : d.items) s += i.to_text() + "\n";
    return s;
}

/// The three header lines of a YAML zone (origin, SOA, NS), so that test bodies start on line 4.
inline std::string yaml_head(const std::string& origin, const std::string& ns) {
    return "origin: " + origin + "\n" + "soa: {mname: " + ns + ", rname: hostmaster.example.net., serial: 1}\n" +
           "ns: [" + ns + "]\n";
}

}  // namespace enumd::testing
