#pragma once
// Set-up shared by the unit tests of zones/ and server/: names, records, the
// e164.arpa. apex, a temporary directory and a store opened in one.

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "enumd/zones/model.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::testing {

inline dns::Name N(const std::string& s) {
    auto n = dns::Name::from_text(s);
    REQUIRE(n.ok());
    return *n;
}

/// A record from its presentation form (relative names are made absolute against the root).
inline zones::Record rec(const std::string& owner, dns::RrType t, const std::string& data, std::uint32_t ttl = 3600) {
    zones::Record r;
    r.owner = N(owner);
    r.type = t;
    r.ttl = ttl;
    auto rd = zones::rdata_from_text(t, data, N("."));
    REQUIRE(rd.ok());
    r.rdata = *rd;
    return r;
}

/// The zone e164.arpa. with only its SOA (at `serial`) and NS.
inline zones::Zone e164_apex(std::uint32_t serial) {
    zones::Zone z;
    z.origin = N("e164.arpa.");
    z.records.push_back(rec("e164.arpa.", dns::RrType::SOA,
                            "ns1.example.net. hostmaster.example.net. " + std::to_string(serial) + " 3600 600 86400 300"));
    z.records.push_back(rec("e164.arpa.", dns::RrType::NS, "ns1.example.net."));
    return z;
}

/// A fresh directory under the system temp dir ("<prefix>-XXXXXX"), removed at scope exit.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "enumd-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// Writes `text` to `name` below the directory (creating folders) and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        auto p = path / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
};

/// A store in a temporary directory holding `zones`, and a reader on it (not yet refreshed).
struct StoreFixture {
    TempDir dir;
    std::unique_ptr<zones::Store> store;
    std::unique_ptr<zones::Reader> reader;
    explicit StoreFixture(const std::vector<zones::Zone>& zs, const std::string& prefix = "enumd-store") : dir(prefix) {
        auto s = zones::Store::open(dir.path.string());
        REQUIRE(s.ok());
        store = std::move(*s);
        REQUIRE(store->write(zs).ok());
        auto r = store->reader();
        REQUIRE(r.ok());
        reader = std::move(*r);
    }
};

}  // namespace enumd::testing
