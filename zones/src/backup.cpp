#include "enumd/zones/backup.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <vector>

#include "enumd/numbering/e164.hpp"

namespace enumd::zones {

using dns::make_error;

namespace {

/// A route NAPTR as a sortable tuple: route sets are sets (RFC 2181 §5), stored in the instance's order.
using NaptrKey = std::tuple<std::uint16_t, std::uint16_t, std::string, std::string, std::string, std::string,
                            std::optional<std::uint32_t>>;

std::vector<NaptrKey> keys_of(const std::vector<RouteNaptr>& records) {
    std::vector<NaptrKey> keys;
    keys.reserve(records.size());
    for (const auto& r : records)
        keys.emplace_back(r.order, r.preference, r.flags, r.service, r.regexp, r.replacement.to_lookup_key(), r.ttl);
    std::sort(keys.begin(), keys.end());
    return keys;
}

/// The TTL a CSV number of `route` is served with (store.cpp, bulk_instance): the zone's default, or a
/// record's own TTL when lower.
std::uint32_t csv_ttl(const Route& route, std::uint32_t default_ttl) {
    std::uint32_t ttl = default_ttl;
    for (const auto& r : route.records) ttl = std::min(ttl, r.ttl.value_or(default_ttl));
    return ttl;
}

/// Per stored route instance, the named route a CSV row can give it back with (nullptr: none can).
std::vector<const Route*> route_names(const RouteTable& table, const Store::FileInfo& file) {
    std::vector<std::vector<NaptrKey>> route_keys;
    for (const auto& r : file.routes) route_keys.push_back(keys_of(r.records));
    std::vector<const Route*> names(table.instances.size(), nullptr);
    for (std::size_t i = 0; i < table.instances.size(); ++i) {
        auto keys = keys_of(table.instances[i].records);
        for (std::size_t r = 0; r < file.routes.size() && names[i] == nullptr; ++r) {
            if (route_keys[r] == keys && csv_ttl(file.routes[r], file.default_ttl) == table.instances[i].ttl)
                names[i] = &file.routes[r];
        }
    }
    return names;
}

/// The `routes:` block: every route set of the file, each NAPTR in its full-field form, `{rn}` where the
/// routing number goes.
std::string routes_yaml(const std::vector<Route>& routes) {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "routes" << YAML::Value << YAML::BeginMap;
    for (const auto& route : routes) {
        out << YAML::Key << YAML::DoubleQuoted << route.name << YAML::Value << YAML::BeginSeq;
        for (const auto& r : route.records) {
            std::string regexp;
            for (char c : r.regexp) regexp += c == kRnMarker ? std::string("{rn}") : std::string(1, c);
            out << YAML::Flow << YAML::BeginMap;
            out << YAML::Key << "order" << YAML::Value << r.order;
            out << YAML::Key << "preference" << YAML::Value << r.preference;
            out << YAML::Key << "flags" << YAML::Value << YAML::DoubleQuoted << r.flags;
            out << YAML::Key << "service" << YAML::Value << YAML::DoubleQuoted << r.service;
            out << YAML::Key << "regexp" << YAML::Value << YAML::DoubleQuoted << regexp;
            out << YAML::Key << "replacement" << YAML::Value << YAML::DoubleQuoted << r.replacement.to_text();
            if (r.ttl) out << YAML::Key << "ttl" << YAML::Value << *r.ttl;
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    return static_cast<bool>(f);
}

}  // namespace

dns::Result<BackupReport> write_backup(Store& store, const dns::Name& origin, const std::string& yaml_path,
                                       const ImportOptions& options) {
    BackupReport report;
    auto file = store.file_info(origin);
    if (!file) return make_error(file.error());
    auto rd = store.reader();
    if (!rd) return make_error(rd.error());
    Reader& reader = **rd;
    if (!reader.refresh()) return make_error("cannot read database " + store.path());
    const ZoneInfo* zi = reader.find_zone(origin);
    if (zi == nullptr || !zi->origin.equals(origin)) {
        reader.release();
        return make_error("zone " + origin.to_text() + " is not in database " + store.path());
    }
    report.serial = zi->meta.serial;
    std::vector<const Route*> names;
    if (*file && zi->routes) names = route_names(*zi->routes, **file);

    const std::filesystem::path yaml_file(yaml_path);
    std::filesystem::path csv_file = yaml_file;
    csv_file.replace_extension(".csv");
    const std::string csv_tmp = csv_file.string() + ".tmp";
    std::ofstream csv;
    Zone rest;  // what the YAML writes: every node that is not a CSV row
    rest.origin = zi->origin;
    rest.loc.file = zi->meta.source;
    reader.for_each_node(*zi, [&](const dns::Name& owner, NodeView node) {
        if (owner.equals(zi->origin)) {
            // A CSV number gets the YAML zone's default TTL, which the importer takes from the apex NS: when
            // that is not the file's, no number can go to the CSV with its TTL (the apex comes first).
            auto ns = node.find(dns::RrType::NS);
            if (ns && *file && ns->ttl != (*file)->default_ttl) names.clear();
        }
        if ((node.flags() & node_flags::kRouted) != 0 && node.rrset_count() == 1 && !names.empty()) {
            auto rs = node.find(dns::RrType::NAPTR);
            const Route* named = nullptr;
            if (rs && rs->route != nullptr) {
                auto index = static_cast<std::size_t>(rs->route - zi->routes->instances.data());
                if (index < names.size()) named = names[index];
            }
            auto digits = named != nullptr ? numbering::digits_from_owner(owner, zi->origin) : std::nullopt;
            if (digits) {
                if (!csv.is_open()) {
                    csv.open(csv_tmp, std::ios::binary | std::ios::trunc);
                    csv << "number,route,rn\n";
                }
                csv << '+' << *digits << ',' << named->name << ',';  // route names need no CSV quoting (a-z0-9-_.)
                if (!rs->rn.empty()) csv << '+' << rs->rn;
                csv << '\n';
                ++report.csv_numbers;
                return static_cast<bool>(csv);
            }
        }
        append_node_records(owner, node, rest.loc.file, rest.records);
        return true;
    });
    reader.release();
    if (csv.is_open()) {
        csv.close();
        if (!csv) return make_error("cannot write " + csv_tmp);
    }
    report.yaml_records = rest.records.size();

    ImportOptions yo = options;
    yo.source_name = "zone " + origin.to_text() + " of database " + store.path() + " (serial " +
                     std::to_string(report.serial) + ")";
    auto yaml = import_zone(rest, yo, &report.yaml);
    if (!yaml) {
        std::remove(csv_tmp.c_str());
        return make_error(yaml.error());
    }
    std::string text = std::move(*yaml);
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (*file && !(*file)->routes.empty()) {
        text += routes_yaml((*file)->routes);
        report.routes = (*file)->routes.size();
    }
    if (report.csv_numbers > 0) {
        text += "# " + std::to_string(report.csv_numbers) + " numbers on route sets\nnumbers_csv: " +
                csv_file.filename().string() + "\n";
        report.csv_path = csv_file.string();
    }
    const std::string yaml_tmp = yaml_path + ".tmp";
    if (!write_file(yaml_tmp, text)) return make_error("cannot write " + yaml_tmp);
    std::error_code ec;
    if (report.csv_numbers > 0) std::filesystem::rename(csv_tmp, csv_file, ec);
    if (!ec) std::filesystem::rename(yaml_tmp, yaml_file, ec);
    if (ec) return make_error("cannot rename the backup into place: " + ec.message());
    return report;
}

}  // namespace enumd::zones
