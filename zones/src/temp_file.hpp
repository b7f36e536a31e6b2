#pragma once
// Unlinked temporary files for the external sorts (bulk_numbers.cpp,
// bulk_records.cpp): gone with the process, even after kill -9. Not a public
// header.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <string>

namespace enumd::zones::detail {

/// A nameless file (O_TMPFILE, else created and unlinked at once) in `dir`
/// ("" → the system's temporary directory); -1 when none could be made.
inline int unlinked_temp_file(const std::string& dir_in, std::string& dir_used) {
    std::error_code ec;
    std::string dir = dir_in.empty() ? std::filesystem::temp_directory_path(ec).string() : dir_in;
    if (dir.empty()) dir = "/tmp";
    dir_used = dir;
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string tmpl = dir + "/enumd-sort-XXXXXX";
        fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(tmpl.c_str());
    }
    return fd;
}

/// pwrite of all `n` bytes at `offset`, which moves past them.
inline bool write_all(int fd, const void* data, std::size_t n, std::uint64_t& offset) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
        offset += static_cast<std::uint64_t>(w);
    }
    return true;
}

/// pread of up to `n` bytes at `offset` (fewer at the end of the file); -1 on an error.
inline long read_some(int fd, void* out, std::size_t n, std::uint64_t offset) {
    std::size_t have = 0;
    auto* p = static_cast<char*>(out);
    while (have < n) {
        ssize_t r = ::pread(fd, p + have, n - have, static_cast<off_t>(offset + have));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        have += static_cast<std::size_t>(r);
    }
    return static_cast<long>(have);
}

}  // namespace enumd::zones::detail
