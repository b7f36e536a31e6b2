#pragma once
/// enumd's configuration: command line and `--config enumd.yaml`.
/// Unknown keys and bad values are refused with file:line:column.

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/server/server.hpp"
#include "enumd/server/update.hpp"
#include "enumd/server/xfr.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/zone_source.hpp"

namespace enumd::server {

/// "[ORIGIN=]FILE" of --zone and `zones:` (zones::parse_zone_source, which enumctl uses too).
using ZoneSpec = zones::ZoneSource;

struct Config {
    ServerConfig server;
    std::vector<ZoneSpec> zones;
    std::string database;  ///< LMDB directory; empty with --zone = a private temporary one
    std::size_t map_size = 0;  ///< --map-size: the LMDB map a new database starts with (0: Store's default)
    bool watch = false;    ///< poll zone files and reload on change
    std::string log_level = "info";
    bool log_json = false;
    std::string user;          ///< `--user` / `user:`: the user to run as after binding (empty: stay)
    bool check_only = false;   ///< `--check-config`: validate the config and compile the zones, then exit
    xfr::Settings xfr;     ///< TSIG keys, per-zone transfer ACLs and NOTIFY targets
    /// A recursion allow list was given (even empty); otherwise loopback only.
    bool recursion_allow_given = false;
};

/// Parses "127.0.0.1:5353", "[::1]:5353", "::1" (port 53 default).
std::optional<Endpoint> parse_endpoint(const std::string& text);

/// Reads a YAML config file into `cfg`; problems go to `diags` with file:line.
void load_config_file(const std::string& path, Config& cfg, zones::Diagnostics& diags);

/// What main does after reading the command line: Run; Help (--help/--version printed, exit 0); Invalid (a usage
/// error, printed: exit 2); BadConfig (errors in the --config file, printed: exit 1 with --check-config, else 2).
enum class CommandLine : std::uint8_t { Run, Help, Invalid, BadConfig };
/// Reads `--config FILE` first, then the options, which override it; applies
/// the defaults that depend on what was given. Problems are printed to stderr.
CommandLine parse_command_line(const std::vector<std::string>& args, Config& cfg);
/// The `enumd --help` text.
void print_usage(std::FILE* f);
/// Names that must refer to a defined TSIG key; the first problem, or empty.
std::string check_key_references(const Config& cfg);

}  // namespace enumd::server
