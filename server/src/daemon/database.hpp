#pragma once
/// The LMDB directory enumd serves: `--db DIR`, or a private temporary one
/// (removed at exit) when only --zone files are given.

#include <string>

namespace enumd::server::daemon {

class DatabaseDir {
public:
    /// `configured` empty = a new directory under /tmp; throws std::runtime_error when it cannot be made.
    explicit DatabaseDir(const std::string& configured);
    ~DatabaseDir();
    DatabaseDir(const DatabaseDir&) = delete;
    DatabaseDir& operator=(const DatabaseDir&) = delete;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// A private directory removed at exit (no database was configured).
    [[nodiscard]] bool temporary() const noexcept { return temporary_; }

private:
    std::string path_;
    bool temporary_ = false;
};

}  // namespace enumd::server::daemon
