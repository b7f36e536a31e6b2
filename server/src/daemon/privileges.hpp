#pragma once
/// Running as another user (`user:` in the config, `--user NAME`), like BIND's `-u` and Knot's `user:`:
/// enumd starts as root, binds its DNS sockets (port 53 needs root or CAP_NET_BIND_SERVICE), hands the
/// database directory to the user, then drops to it before the first compile — so the compile, the
/// database files, the control socket and everything written later belong to that user
/// (server/README.md, "Running as a service").

#include <sys/types.h>

#include <string>

namespace enumd::server::daemon {

struct RunAs {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;  ///< the user's primary group
};

/// The user `name` (a name or a numeric uid) from the password database; throws std::runtime_error
/// "unknown user 'NAME'" when there is none.
RunAs find_user(const std::string& name);

/// Makes `dir` (created when missing, mode 0750) and the files directly in it (data.mdb, lock.mdb) owned
/// by `user`, as systemd's StateDirectory= does. Throws std::runtime_error naming the path.
void hand_over_directory(const std::string& dir, const RunAs& user);

/// setgroups (the user's groups, initgroups(3)), setgid, setuid — in that order, for every thread —
/// and checks that root cannot be regained. Throws std::runtime_error with the reason. A process that
/// already runs as `user` does nothing; one that is not root and not `user` is refused.
void become(const RunAs& user);

/// hand_over_directory(database), become(user), then checks as the user that it can write the database
/// directory and create the control socket (when one is configured). Throws std::runtime_error.
void drop_to(const RunAs& user, const std::string& database, const std::string& control_path);

}  // namespace enumd::server::daemon
