#pragma once
// `enumctl set | delete | apply` on the control socket: a change set handed
// to the update writer (update.hpp), the reply written after its commit.

#include <functional>
#include <string>

namespace enumd::server {
namespace update {
class Writer;
}

namespace control {

/// Whether `command` is one of the live-change commands below.
bool is_live_command(const std::string& command);

/// Tab-separated, one line (enumctl builds it):
///   set TAB ZONE TAB NUMBER TAB route TAB R [TAB rn TAB X]
///   set TAB ZONE TAB NUMBER (TAB naptr TAB TEXT)…
///   delete TAB ZONE TAB NUMBER
///   apply TAB ZONE TAB /absolute/path.csv   (zones::read_change_csv)
/// Replies "ok …\n", or "error …\n" lines, one per problem (nothing applied),
/// through `reply`: at once for a malformed command, else from the writer
/// thread after the commit. The change file of `apply` is read on the writer
/// thread too: the caller (the admin thread) never waits for either.
/// `persistent` false (a temporary database, enumd --zone without --db):
/// refused — the change would be lost at exit (server/README.md "Live changes").
void live_command(update::Writer* writer, bool persistent, const std::string& command,
                  std::function<void(std::string)> reply);

}  // namespace control
}  // namespace enumd::server
