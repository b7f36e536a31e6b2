#pragma once
/// enumctl subcommands. Each takes the arguments after the subcommand name
/// (argv[0] is the subcommand itself) and returns the process exit status:
/// 0 success, 1 the input has errors, 2 usage or environment problems.

#include <string>

namespace enumd::enumctl {

inline constexpr const char* kDefaultControl = "/run/enumd.sock";
/// Sends one command line to a running enumd's control socket and prints the
/// reply: 0 on "ok"/data, 1 on "error", 2 when enumd cannot be reached.
int control_request(const std::string& path, const std::string& command);

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
