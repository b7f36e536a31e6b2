#pragma once
/// The parsers of the configuration file's top-level keys (config_file.cpp).

#include "config/yaml_checker.hpp"
#include "enumd/server/config.hpp"

namespace enumd::server::config {

void listen_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void zones_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void answer_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void tcp_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void statistics_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void acl_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void recursion_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void api_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void logging_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void rate_limit_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void cookies_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
void client_subnet_section(const YAML::Node& n, YamlChecker& c, Config& cfg);
/// A list of "address[/prefix]" entries; exactly those (`[]` allows nobody).
Acl address_list(const YAML::Node& v, YamlChecker& c, const std::string& what);

}  // namespace enumd::server::config
