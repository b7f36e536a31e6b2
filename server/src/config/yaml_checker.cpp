#include "config/yaml_checker.hpp"

#include <set>

namespace enumd::server::config {

void YamlChecker::keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* where) {
    if (!map.IsMap()) {
        diags.error(loc_of(file, map), std::string(where) + " must be a mapping");
        return;
    }
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& kv : map) {
        auto key = kv.first.as<std::string>();
        if (ok.count(key) == 0) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            diags.error(loc_of(file, kv.first), "unknown key '" + key + "' in " + where + " (known: " + list + ")");
        }
    }
}

std::optional<long long> YamlChecker::integer(const YAML::Node& n, long long lo, long long hi, const char* what) {
    try {
        auto v = n.as<long long>();
        if (v < lo || v > hi) {
            diags.error(loc_of(file, n),
                        std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
            return std::nullopt;
        }
        return v;
    } catch (const YAML::Exception&) {
        diags.error(loc_of(file, n), std::string(what) + " must be an integer");
        return std::nullopt;
    }
}

std::optional<bool> YamlChecker::boolean(const YAML::Node& n, const char* what) {
    try {
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        diags.error(loc_of(file, n), std::string(what) + " must be true or false");
        return std::nullopt;
    }
}

std::optional<std::string> YamlChecker::string(const YAML::Node& n, const char* what) {
    if (!n.IsScalar()) {
        diags.error(loc_of(file, n), std::string(what) + " must be a string");
        return std::nullopt;
    }
    return n.as<std::string>();
}

}  // namespace enumd::server::config
