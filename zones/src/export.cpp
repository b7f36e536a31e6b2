#include "enumd/zones/export.hpp"

#include <algorithm>
#include <map>

#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::zones {
namespace {

/// Canonical record order: owner (RFC 4034 §6.1), then type number, then the
/// rdata octets (RFC 4034 §6.3 orders an RRset's records by their rdata).
bool record_less(const Record& a, const Record& b) {
    int c = a.owner.canonical_compare(b.owner);
    if (c != 0) return c < 0;
    if (a.type != b.type) return static_cast<std::uint16_t>(a.type) < static_cast<std::uint16_t>(b.type);
    return rdata_less(a.rdata, b.rdata);
}

}  // namespace

std::vector<Record> canonical_records(const Zone& zone) {
    std::vector<Record> out = zone.records;
    std::stable_sort(out.begin(), out.end(), [&](const Record& a, const Record& b) {
        // The SOA opens the zone (RFC 1035 §5.2: master files start with it).
        bool a_soa = a.type == dns::RrType::SOA && a.owner.equals(zone.origin);
        bool b_soa = b.type == dns::RrType::SOA && b.owner.equals(zone.origin);
        if (a_soa != b_soa) return a_soa;
        return record_less(a, b);
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Record& a, const Record& b) {
                              return a.type == b.type && a.owner.equals(b.owner) && a.rdata == b.rdata;
                          }),
              out.end());
    return out;
}

std::string relative_owner_text(const dns::Name& owner, const dns::Name& origin) {
    std::string full = owner.to_text();
    if (!owner.is_subdomain_of(origin)) return full;
    if (owner.label_count() == origin.label_count()) return "@";
    // Labels are escaped one by one, so the origin's labels take the same
    // characters at the end of `full` whatever their case.
    std::string tail = origin.to_text();
    if (origin.is_root()) return full.substr(0, full.size() - 1);
    return full.substr(0, full.size() - tail.size() - 1);
}

std::string export_rfc1035(const Zone& zone, const ExportOptions& options) {
    std::vector<Record> records = canonical_records(zone);
    // $TTL: the most common TTL, so most lines repeat the default.
    std::map<std::uint32_t, std::size_t> ttl_count;
    for (const auto& r : records) ++ttl_count[r.ttl];
    std::uint32_t default_ttl = 3600;
    std::size_t best = 0;
    for (const auto& [ttl, n] : ttl_count) {
        if (n > best) {
            best = n;
            default_ttl = ttl;
        }
    }
    std::string out;
    if (options.header) out += "; zone " + zone.origin.to_text() + ", " + std::to_string(records.size()) + " records\n";
    out += "$ORIGIN " + zone.origin.to_text() + "\n";
    out += "$TTL " + std::to_string(default_ttl) + "\n";
    for (const auto& r : records) {
        out += options.relative_owners ? relative_owner_text(r.owner, zone.origin) : r.owner.to_text();
        out += '\t';
        out += std::to_string(r.ttl);
        out += "\tIN\t";
        out += dns::to_text(r.type);
        out += '\t';
        out += rdata_to_text(r.type, r.rdata);
        out += '\n';
    }
    return out;
}

std::vector<Zone> load_zones_from_db(const std::string& dir, const std::optional<dns::Name>& origin,
                                     Diagnostics& diags) {
    SourceLoc where{dir, 0, 0};
    Store::Options options;
    options.read_only = true;
    auto store = Store::open(dir, options);
    if (!store) {
        diags.error(where, store.error());
        return {};
    }
    std::vector<dns::Name> origins;
    if (origin) {
        origins.push_back(*origin);
    } else {
        auto reader = (*store)->reader();
        if (!reader || !(*reader)->refresh()) {
            diags.error(where, "cannot read the zone list of database " + dir);
            return {};
        }
        for (const auto& z : (*reader)->zones()) origins.push_back(z.origin);
        (*reader)->release();
    }
    std::vector<Zone> zones;
    for (const auto& o : origins) {
        auto z = (*store)->load_zone(o);
        if (!z) {
            diags.error(where, z.error());
            continue;
        }
        zones.push_back(std::move(*z));
    }
    return zones;
}

std::vector<Zone> load_zone_source(const std::string& path, bool from_db, const std::optional<dns::Name>& origin,
                                   Diagnostics& diags) {
    if (from_db) return load_zones_from_db(path, origin, diags);
    std::vector<Zone> zones;
    if (origin && !is_yaml_path(path)) {
        zones = load_rfc1035(path, origin, diags);
        for (const auto& z : zones) validate_zone(z, diags);
        return zones;
    }
    zones = load_zone_files({path}, diags);
    // Export and diff show every record: bulk numbers (numbers_csv) as records too.
    for (auto& z : zones) materialize_bulk(z);
    if (!origin) return zones;
    std::vector<Zone> kept;
    for (auto& z : zones)
        if (z.origin.equals(*origin)) kept.push_back(std::move(z));
    if (kept.empty()) diags.error({path, 0, 0}, "no zone " + origin->to_text() + " in " + path);
    return kept;
}

}  // namespace enumd::zones
