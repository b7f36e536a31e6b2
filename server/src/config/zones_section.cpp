// `zones:` — files to compile (with transfer/notify policy) and secondary zones (`primary:`).
#include "config/sections.hpp"

namespace enumd::server::config {
namespace {

/// A zone entry with `file:`; false when it is unusable.
bool file_entry(const YAML::Node& item, YamlChecker& c, ZoneSpec& spec) {
    c.keys(item, {"file", "origin", "transfer", "notify", "update"}, "a zone entry");
    if (!item.IsMap()) return false;
    if (!item["file"]) {
        c.error(item, "a zone entry needs 'file'");
        return false;
    }
    spec.file = item["file"].as<std::string>();
    if (auto o = item["origin"]) {
        auto name = dns::Name::from_text(o.as<std::string>());
        if (!name) {
            c.error(o, "origin: " + name.error());
            return false;
        }
        spec.origin = *name;
    }
    return true;
}

}  // namespace

void zones_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    if (!n.IsSequence()) c.error(n, "zones must be a list");
    for (const auto& item : n) {
        ZoneSpec spec;
        if (item.IsScalar()) {
            spec.file = item.as<std::string>();
        } else if (item.IsMap() && item["primary"]) {
            xfr::parse_secondary(item, c.file, cfg.xfr, c.diags);  // enumd as a secondary (xfr.hpp)
            continue;
        } else if (!file_entry(item, c, spec)) {
            continue;
        }
        // Relative zone paths are relative to the configuration file.
        if (!spec.file.empty() && spec.file.front() != '/') {
            auto slash = c.file.rfind('/');
            if (slash != std::string::npos) spec.file = c.file.substr(0, slash + 1) + spec.file;
        }
        if (item.IsMap() && (item["transfer"] || item["notify"]))
            xfr::parse_zone_policy(item, c.file, spec.file, spec.origin, cfg.xfr, c.diags);
        if (item.IsMap() && item["update"])  // RFC 2136 (update.hpp)
            update::parse_zone_update(item, c.file, spec.file, spec.origin, cfg.xfr, cfg.server.update_policy, c.diags);
        cfg.zones.push_back(spec);
    }
}

}  // namespace enumd::server::config
