#pragma once
// Records for the secondary's tests: the zone example. at a serial, A records.

#include <catch2/catch.hpp>

#include <string>

#include "../common/fixtures.hpp"

namespace enumd::testing {

/// The SOA of example. at `serial`.
inline zones::Record soa(std::uint32_t serial) {
    return rec("example.", dns::RrType::SOA, "ns.example. host.example. " + std::to_string(serial) + " 3600 600 86400 60");
}

inline zones::Record a(const std::string& owner, const std::string& addr) { return rec(owner, dns::RrType::A, addr); }

}  // namespace enumd::testing
