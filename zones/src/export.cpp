#include "enumd/zones/export.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "enumd/numbering/e164.hpp"
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

/// The comments ExportOptions::number_comment asks for, over the records in export order (canonical: an owner's
/// records together, its descendants right after it).
class NumberComments {
public:
    NumberComments(const std::vector<Record>& records, const dns::Name& origin, const ExportOptions& options)
        : records_(records), origin_(origin), options_(options) {
        if (!options_.number_comment) return;
        for (std::size_t i = 0; i < records_.size(); ++i)
            if (starts_owner(i) && records_[i].owner.is_wildcard())
                ranges_.emplace(records_[i].owner.parent().to_lookup_key(), naptrs_at(i));
    }

    /// The comment line (with its "; " and newline) for the owner of records[i] when i is its first record; ""
    /// when none.
    [[nodiscard]] std::string line(std::size_t i) const {
        if (!options_.number_comment || !starts_owner(i)) return {};
        const dns::Name& owner = records_[i].owner;
        if (owner.label_count() <= origin_.label_count()) return {};
        const NaptrSet naptrs = naptrs_at(i);
        if (naptrs.empty()) return {};
        const bool wildcard = owner.is_wildcard();
        const dns::Name number_node = wildcard ? owner.parent() : owner;
        // The full number: the digits the origin implies, then the owner's digit labels (RFC 6116 §2.4).
        auto digits = numbering::digits_from_owner(number_node, origin_);
        if (!digits || digits->empty() || digits->size() > numbering::kMaxE164Digits) return {};
        // The range expansion's copies (ranges.hpp rules 2 and 3), told as import tells them: the records of the
        // innermost range above, at a wildcard or at a name with names below it. Not numbers of their own,
        // whatever the plans say of their digits.
        const bool copy = (wildcard || has_descendant(i)) && naptrs == innermost_range_above(number_node);
        if (copy) return "; " + numbering::format_number(*digits, wildcard) + " (copy of a range)\n";
        if (wildcard) return "; " + numbering::format_number(*digits, true) + " (range)\n";
        std::string text = options_.number_comment(*digits);
        return text.empty() ? std::string() : "; " + text + "\n";
    }

private:
    /// An owner's NAPTRs as (TTL, rdata), in export order.
    using NaptrSet = std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>>;

    [[nodiscard]] bool starts_owner(std::size_t i) const {
        return i == 0 || !records_[i].owner.equals(records_[i - 1].owner);
    }

    [[nodiscard]] NaptrSet naptrs_at(std::size_t first) const {
        NaptrSet set;
        for (std::size_t i = first; i < records_.size() && records_[i].owner.equals(records_[first].owner); ++i)
            if (records_[i].type == dns::RrType::NAPTR) set.emplace_back(records_[i].ttl, records_[i].rdata);
        return set;
    }

    [[nodiscard]] bool has_descendant(std::size_t first) const {
        const dns::Name& owner = records_[first].owner;
        std::size_t i = first;
        while (i < records_.size() && records_[i].owner.equals(owner)) ++i;
        return i < records_.size() && records_[i].owner.is_subdomain_of(owner);
    }

    /// The NAPTRs of the wildcard child of the nearest name strictly above `node` that has one; empty when none.
    [[nodiscard]] NaptrSet innermost_range_above(const dns::Name& node) const {
        for (dns::Name a = node; a.label_count() > origin_.label_count();) {
            a = a.parent();
            if (auto it = ranges_.find(a.to_lookup_key()); it != ranges_.end()) return it->second;
        }
        return {};
    }

    const std::vector<Record>& records_;
    const dns::Name& origin_;
    const ExportOptions& options_;
    std::map<std::string, NaptrSet> ranges_;  ///< a wildcard's NAPTRs by its parent's lookup key
};

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
    const NumberComments comments(records, zone.origin, options);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record& r = records[i];
        out += comments.line(i);
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
