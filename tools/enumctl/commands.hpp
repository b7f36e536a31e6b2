#pragma once
/// enumctl subcommands. Each takes the arguments after the subcommand name
/// (argv[0] is the subcommand itself) and returns the process exit status:
/// 0 success, 1 the input has errors, 2 usage or environment problems.

namespace enumd::enumctl {

int cmd_check(int argc, char** argv);    ///< validate zone files, print diagnostics
int cmd_compile(int argc, char** argv);  ///< validate, then write zones into LMDB in one transaction
int cmd_import(int argc, char** argv);   ///< RFC 1035 zone file → YAML
int cmd_export(int argc, char** argv);   ///< YAML or database → RFC 1035 text
int cmd_diff(int argc, char** argv);     ///< RRset-by-RRset difference of two zones
int cmd_reload(int argc, char** argv);   ///< ask a running enumd to reload
int cmd_stats(int argc, char** argv);    ///< counters of a running enumd
int cmd_zones(int argc, char** argv);    ///< zones in a database or a running enumd

}  // namespace enumd::enumctl
