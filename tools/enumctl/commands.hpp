#pragma once
/// enumctl subcommands. Each takes the arguments after the subcommand name
/// (argv[0] is the subcommand itself) and returns the process exit status:
/// 0 success, 1 the input has errors, 2 usage or environment problems.

#include <functional>
#include <string>
#include <vector>

#include "enumd/cli/command_line.hpp"

#include "enumd/zones/diagnostic_summary.hpp"

namespace enumd::enumctl {

inline constexpr const char* kDefaultControl = "/run/enumd.sock";
/// Sends one command line to a running enumd's control socket and prints the
/// reply: 0 on "ok"/data, 1 on "error", 2 when enumd cannot be reached.
int control_request(const std::string& path, const std::string& command);

/// A subcommand's work once CLI11 has read its options (into settings the closure owns): the exit status.
using Run = std::function<int()>;

/// --all-warnings and --no-warn KIND (check, compile) on `cmd`, read into `options` when it runs.
void add_warning_options(CLI::App& cmd, zones::SummaryOptions& options, std::vector<std::string>& silenced);
/// Prints the summary of `diags` to stderr (diagnostic_summary.hpp).
zones::Summary print_diagnostics(const zones::Diagnostics& diags, const zones::SummaryOptions& options);
/// The help text of the warning switches, with every kind.
std::string warning_help();
/// Validators of the values enumctl reads: a domain name, "[ORIGIN=]FILE" (zones::parse_zone_source).
CLI::Validator domain_name();
CLI::Validator zone_source();
/// --control PATH (-c) of the commands that talk to a running enumd.
void add_control_option(CLI::App& cmd, std::string& path);

// Each adds its subcommand(s) to `root` and returns what runs it.
Run add_check(CLI::App& root);    ///< validate zone files, print diagnostics
Run add_compile(CLI::App& root);  ///< validate, then write zones into LMDB in one transaction
Run add_import(CLI::App& root);   ///< RFC 1035 zone file → YAML
Run add_export(CLI::App& root);   ///< YAML or database → RFC 1035 text
Run add_diff(CLI::App& root);     ///< RRset-by-RRset difference of two zones
Run add_reload(CLI::App& root);   ///< ask a running enumd to reload
Run add_stats(CLI::App& root);    ///< counters of a running enumd
Run add_zones(CLI::App& root);    ///< zones in a database or a running enumd
/// set | delete | apply: live changes through a running enumd.
Run add_live(CLI::App& root, const std::string& verb);

}  // namespace enumd::enumctl
