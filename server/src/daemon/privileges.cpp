// Dropping root after binding (privileges.hpp).
#include "daemon/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace enumd::server::daemon {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

RunAs find_user(const std::string& name) {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (found == nullptr && !name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
        rc = ::getpwuid_r(static_cast<uid_t>(std::strtoul(name.c_str(), nullptr, 10)), &pw, buf.data(), buf.size(),
                          &found);
    }
    if (found == nullptr) {
        throw std::runtime_error("unknown user '" + name + "'" +
                                 (rc != 0 ? std::string(" (") + std::strerror(rc) + ")" : std::string()) +
                                 ": give an existing user to --user / user:");
    }
    return RunAs{pw.pw_name, pw.pw_uid, pw.pw_gid};
}

void hand_over_directory(const std::string& dir, const RunAs& user) {
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) fail("cannot create the database directory " + dir);
    if (::chown(dir.c_str(), user.uid, user.gid) != 0) fail("cannot give " + dir + " to user " + user.name);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        if (::chown(entry.path().c_str(), user.uid, user.gid) != 0)
            fail("cannot give " + entry.path().string() + " to user " + user.name);
    }
    if (ec) throw std::runtime_error("cannot list " + dir + ": " + ec.message());
}

void become(const RunAs& user) {
    if (::geteuid() == user.uid && ::getegid() == user.gid) return;
    if (::geteuid() != 0)
        throw std::runtime_error("running as user " + user.name + " needs root at start (started as uid " +
                                 std::to_string(::geteuid()) + ")");
    // Groups first, then the group, then the user: after setuid none of them could change any more.
    // glibc applies each to every thread of the process (the xid broadcast).
    if (::initgroups(user.name.c_str(), user.gid) != 0) fail("initgroups " + user.name);
    if (::setgid(user.gid) != 0) fail("setgid " + std::to_string(user.gid));
    if (::setuid(user.uid) != 0) fail("setuid " + std::to_string(user.uid));
    if (user.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0))
        throw std::runtime_error("root could be regained after dropping to user " + user.name);
}

void drop_to(const RunAs& user, const std::string& database, const std::string& control_path) {
    hand_over_directory(database, user);
    become(user);
    // Checked as the user, so the message names the real problem now rather than at the first reload.
    if (::access(database.c_str(), W_OK | X_OK) != 0)
        fail("user " + user.name + " cannot write the database directory " + database);
    if (!control_path.empty()) {
        auto dir = std::filesystem::path(control_path).parent_path();
        if (dir.empty()) dir = ".";
        if (::access(dir.c_str(), W_OK | X_OK) != 0)
            fail("user " + user.name + " cannot create the control socket in " + dir.string() +
                 " (give a directory it owns, e.g. /run/enumd)");
    }
}

}  // namespace enumd::server::daemon
