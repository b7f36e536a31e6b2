#pragma once
/// Reading configuration values from YAML with file:line:column diagnostics
/// (yaml-cpp 0.7 marks), shared by the sections of config_file.cpp.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>

#include "enumd/zones/model.hpp"

namespace enumd::server::config {

inline zones::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
    auto m = n.Mark();
    return {file, m.line + 1, m.column + 1};
}

struct YamlChecker {
    const std::string& file;
    zones::Diagnostics& diags;

    void error(const YAML::Node& n, const std::string& message) { diags.error(loc_of(file, n), message); }
    /// An error for every key of `map` not in `allowed` (and when `map` is not a mapping).
    void keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* where);
    std::optional<long long> integer(const YAML::Node& n, long long lo, long long hi, const char* what);
    std::optional<bool> boolean(const YAML::Node& n, const char* what);
    std::optional<std::string> string(const YAML::Node& n, const char* what);

    /// `target = map[key]` when present and valid (integers within [lo, hi]).
    template <class T>
    void set(const YAML::Node& map, const char* key, long long lo, long long hi, T& target) {
        if (auto v = map[key]) {
            if (auto i = integer(v, lo, hi, key)) target = static_cast<T>(*i);
        }
    }
    void set(const YAML::Node& map, const char* key, long long lo, long long hi, std::chrono::milliseconds& target) {
        if (auto v = map[key]) {
            if (auto i = integer(v, lo, hi, key)) target = std::chrono::milliseconds(*i);
        }
    }
    void set(const YAML::Node& map, const char* key, bool& target) {
        if (auto v = map[key]) {
            if (auto b = boolean(v, key)) target = *b;
        }
    }
    void set(const YAML::Node& map, const char* key, std::string& target) {
        if (auto v = map[key]) {
            if (auto s = string(v, key)) target = *s;
        }
    }
};

}  // namespace enumd::server::config
