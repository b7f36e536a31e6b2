#pragma once
/// enumctl subcommands. Each takes the arguments after the subcommand name
/// (argv[0] is the subcommand itself) and returns the process exit status:
/// 0 success, 1 the input has errors, 2 usage or environment problems.

#include <string>

#include "enumd/zones/diagnostic_summary.hpp"

namespace enumd::enumctl {

inline constexpr const char* kDefaultControl = "/run/enumd.sock";
/// Sends one command line to a running enumd's control socket and prints the
/// reply: 0 on "ok"/data, 1 on "error", 2 when enumd cannot be reached.
int control_request(const std::string& path, const std::string& command);

/// --all-warnings and --no-warn KIND (check, compile): 1 when argv[i] was one (i moved past its value),
/// 0 when it is not, -1 after printing a usage error (an unknown kind).
int warning_option(const char* cmd, int argc, char** argv, int& i, zones::SummaryOptions& options);
/// Prints the summary of `diags` to stderr (diagnostic_summary.hpp).
zones::Summary print_diagnostics(const zones::Diagnostics& diags, const zones::SummaryOptions& options);
/// The help text of the warning switches, with every kind.
std::string warning_help();

int cmd_check(int argc, char** argv);    ///< validate zone files, print diagnostics
int cmd_compile(int argc, char** argv);  ///< validate, then write zones into LMDB in one transaction
int cmd_import(int argc, char** argv);   ///< RFC 1035 zone file → YAML
int cmd_export(int argc, char** argv);   ///< YAML or database → RFC 1035 text
int cmd_diff(int argc, char** argv);     ///< RRset-by-RRset difference of two zones
int cmd_reload(int argc, char** argv);   ///< ask a running enumd to reload
int cmd_stats(int argc, char** argv);    ///< counters of a running enumd
int cmd_zones(int argc, char** argv);    ///< zones in a database or a running enumd
int cmd_live(int argc, char** argv);     ///< set | delete | apply: live changes through a running enumd

}  // namespace enumd::enumctl
