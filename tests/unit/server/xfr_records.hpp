#pragma once
// Records for the secondary's tests: the zone example. at a serial, A records.

#include <catch2/catch.hpp>

#include <string>

#include "enumd/zones/model.hpp"
#include "enumd/zones/rdata_text.hpp"

namespace enumd::testing {

inline dns::Name N(const std::string& s) { return *dns::Name::from_text(s); }

inline zones::Record rec(const std::string& owner, dns::RrType t, const std::string& data) {
    zones::Record r;
    r.owner = N(owner);
    r.type = t;
    r.ttl = 3600;
    auto rd = zones::rdata_from_text(t, data, N("."));
    REQUIRE(rd.ok());
    r.rdata = *rd;
    return r;
}

/// The SOA of example. at `serial`.
inline zones::Record soa(std::uint32_t serial) {
    return rec("example.", dns::RrType::SOA, "ns.example. host.example. " + std::to_string(serial) + " 3600 600 86400 60");
}

inline zones::Record a(const std::string& owner, const std::string& addr) { return rec(owner, dns::RrType::A, addr); }

}  // namespace enumd::testing
