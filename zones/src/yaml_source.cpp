#include "yaml_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace enumd::zones::yaml {
namespace {

namespace fs = std::filesystem;

/// True when `p` is `root` or lies below it; both are absolute and normal.
bool is_under(const fs::path& p, const fs::path& root) {
    auto i = p.begin();
    for (const auto& part : root) {
        if (i == p.end() || *i != part) return false;
        ++i;
    }
    return true;
}

/// Closes a descriptor on every path out of read_bounded.
struct Fd {
    int fd = -1;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

void SourceFiles::start(const std::string& top_path) {
    std::error_code ec;
    fs::path top = fs::weakly_canonical(fs::path(top_path), ec);
    stack_.push_back(ec ? top_path : top.string());
    top_ = stack_.back();
    if (!options_.follow_includes) return;
    fs::path root = options_.include_root.empty() ? fs::path(top_path).parent_path() : fs::path(options_.include_root);
    if (root.empty()) root = ".";
    fs::path real = fs::canonical(root, ec);
    if (!ec && fs::is_directory(real, ec) && !ec) root_ = real.string();
}

std::optional<std::pair<std::string, std::string>> SourceFiles::resolve(const std::string& written,
                                                                       const std::string& including_file,
                                                                       const SourceLoc& from, std::string_view what) {
    if (!options_.follow_includes) {
        d_.error(from, std::string(what) + " '" + written + (what == "include" ? "': includes are not read here" : "': files are not read here"));
        return std::nullopt;
    }
    const bool own_root = options_.include_root.empty();
    if (root().empty()) {
        d_.error(from, std::string(what) + " '" + written + "': the include root " +
                           (own_root ? "(the zone file's directory)" : "'" + options_.include_root + "'") +
                           " cannot be resolved");
        return std::nullopt;
    }
    fs::path p = fs::path(written).is_absolute() ? fs::path(written) : fs::path(including_file).parent_path() / written;
    // Symlinks resolved before the check: a link inside the root that leads
    // out is as much outside as ../ is. A missing file outside is reported as
    // outside, not as missing, so includes cannot probe for files elsewhere.
    std::error_code ec;
    fs::path real = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (ec) {
        d_.error(from, "cannot read '" + p.string() + "'");
        return std::nullopt;
    }
    if (!is_under(real, fs::path(root()))) {
        d_.error(from, std::string(what) + " '" + written + "' is outside " + root() + ": included files must be under " +
                           (own_root ? "the zone file's directory" : "the include root"));
        return std::nullopt;
    }
    const std::string key = real.string();
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
        d_.error(from, std::string(what) + " loop: '" + written + "' is already being read (" + key + ")");
        return std::nullopt;
    }
    // Once per zone: a second copy would define every entry twice, and it
    // keeps a chain of files that each include the next twice from making
    // 2^n reads.
    if (std::find(read_.begin(), read_.end(), key) != read_.end()) {
        d_.error(from, "'" + written + "' is already included in this zone (" + key + ")");
        return std::nullopt;
    }
    return std::pair{key, p.string()};
}

std::optional<IncludedFile> SourceFiles::enter(const std::string& written, const std::string& including_file,
                                               const SourceLoc& from) {
    auto where = resolve(written, including_file, from, "include");
    if (!where) return std::nullopt;
    const auto& [key, shown] = *where;
    auto text = read_bounded(key, shown, from);
    if (!text) return std::nullopt;
    read_.push_back(key);
    stack_.push_back(key);
    return IncludedFile{shown, std::move(*text)};
}

std::optional<DataFile> SourceFiles::open_data(const std::string& written, const std::string& including_file,
                                               const SourceLoc& from) {
    auto where = resolve(written, including_file, from, "numbers_csv");
    if (!where) return std::nullopt;
    const auto& [key, shown] = *where;
    int fd = open_checked(key, shown, from);
    if (fd < 0) return std::nullopt;
    read_.push_back(key);
    return DataFile{shown, fd};
}

int SourceFiles::open_checked(const std::string& real, const std::string& shown, const SourceLoc& from) {
    // O_NOFOLLOW: `real` has no symlink left, so one found now was put there
    // after the check. O_NONBLOCK: opening a FIFO must not wait for a writer.
    Fd f(::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    if (f.fd < 0) {
        d_.error(from, "cannot read '" + shown + "'");
        return -1;
    }
    // The file opened, not the name checked: a directory swapped for a link
    // between the check and open() would show here.
    std::error_code ec;
    fs::path opened = fs::read_symlink("/proc/self/fd/" + std::to_string(f.fd), ec);
    if (!ec && !is_under(opened, fs::path(root()))) {
        d_.error(from, "'" + shown + "' is outside " + root() + ": included files must be under it");
        return -1;
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
        d_.error(from, "cannot read '" + shown + "'");
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        d_.error(from, "'" + shown + "' is a directory, not a zone file");
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        d_.error(from, "'" + shown + "' is not a regular file (devices, FIFOs and sockets cannot be included)");
        return -1;
    }
    int fd = f.fd;
    f.fd = -1;
    return fd;
}

std::optional<std::string> SourceFiles::read_bounded(const std::string& real, const std::string& shown,
                                                     const SourceLoc& from) {
    Fd f(open_checked(real, shown, from));
    if (f.fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
        d_.error(from, "cannot read '" + shown + "'");
        return std::nullopt;
    }
    const std::uint64_t max = options_.max_include_bytes;
    auto too_big = [&] {
        d_.error(from, "'" + shown + "' is larger than the " + std::to_string(max) +
                           " bytes an included file may have (split it into several includes)");
    };
    if (static_cast<std::uint64_t>(st.st_size) > max) {
        too_big();
        return std::nullopt;
    }
    // Read at most max + 1 bytes: a file that grows after fstat stops there.
    std::string text;
    text.resize(static_cast<std::size_t>(std::min<std::uint64_t>(max + 1, static_cast<std::uint64_t>(st.st_size) + 1)));
    std::size_t have = 0;
    for (;;) {
        if (have == text.size()) {
            if (have > max) break;
            text.resize(static_cast<std::size_t>(std::min<std::uint64_t>(max + 1, have * 2 + 4096)));
        }
        ssize_t n = ::read(f.fd, text.data() + have, text.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            d_.error(from, "cannot read '" + shown + "'");
            return std::nullopt;
        }
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    if (have > max) {
        too_big();
        return std::nullopt;
    }
    text.resize(have);
    return text;
}

}  // namespace enumd::zones::yaml
