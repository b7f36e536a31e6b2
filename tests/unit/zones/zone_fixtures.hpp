#pragma once
// Set-up shared by the zones/ unit tests (the names, records and directories all
// unit tests use are in ../common/fixtures.hpp).

#include <catch2/catch.hpp>
#include <string>

#include "../common/fixtures.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/store.hpp"

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

/// Every node as text: owner, flags that matter to answers, RRsets in iteration order.
inline std::string dump_zone(zones::Store& store, const dns::Name& origin, std::size_t* routed_nodes = nullptr) {
    auto rd = store.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    const zones::ZoneInfo* zi = (*rd)->find_zone(origin);
    REQUIRE(zi != nullptr);
    std::string out;
    (*rd)->for_each_node(*zi, [&](const dns::Name& owner, zones::NodeView node) {
        if (routed_nodes != nullptr && (node.flags() & zones::node_flags::kRouted) != 0) ++*routed_nodes;
        out += owner.to_text() + " flags=" + std::to_string(node.flags() & 0x0F) +
               " rrsets=" + std::to_string(node.rrset_count()) + "\n";
        std::size_t off = 0;
        zones::RrsetView rs;
        while (node.next(off, rs)) {
            auto found = node.find(rs.type);
            CHECK(found);
            if (found) CHECK(found->count == rs.count);
            std::size_t ro = 0;
            std::span<const std::uint8_t> rdata;
            std::size_t n = 0;
            while (rs.next(ro, rdata)) {
                out += "  " + enumd::dns::to_text(rs.type) + " " + std::to_string(rs.ttl) + " " +
                       zones::rdata_to_text(rs.type, std::vector<std::uint8_t>(rdata.begin(), rdata.end())) + "\n";
                ++n;
            }
            CHECK(n == rs.count);
        }
        return true;
    });
    (*rd)->release();
    return out;
}

}  // namespace enumd::testing
