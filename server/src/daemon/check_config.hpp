#pragma once
/// `enumd --check-config` (like `named-checkconf -z`, `knotc conf-check`): the configuration was read by
/// then (its errors are file:line:column); every zone is compiled into a temporary database that is
/// removed afterwards. Never binds a socket and never opens `--db` / `database:`.

#include "enumd/server/config.hpp"

namespace enumd::server::daemon {

/// Compiles the zones of `cfg` to a temporary database; prints the diagnostics (file:line) to stderr and
/// a one-line verdict. Returns the exit status: 0 when everything is fine, 1 otherwise.
int check_config(Config cfg);

}  // namespace enumd::server::daemon
