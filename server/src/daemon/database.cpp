#include "daemon/database.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace enumd::server::daemon {

DatabaseDir::DatabaseDir(const std::string& configured) : path_(configured) {
    if (!path_.empty()) return;
    char tmpl[] = "/tmp/enumd-db-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path_ = tmpl;
    temporary_ = true;
}

DatabaseDir::~DatabaseDir() {
    if (!temporary_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace enumd::server::daemon
