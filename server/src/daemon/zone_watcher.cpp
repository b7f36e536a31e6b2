#include "daemon/zone_watcher.hpp"

#include <sys/stat.h>

#include <chrono>
#include <map>
#include <optional>
#include <tuple>

#include "enumd/server/log.hpp"
#include "enumd/zones/source_hash.hpp"

namespace enumd::server::daemon {
namespace {

/// What a poll compares of a file: its inode, modification and status-change times (ns). The status-change
/// time catches a file put in place with an old modification time (`cp -p`, `rsync -t`).
struct Stamp {
    ino_t inode = 0;
    std::int64_t mtime = 0;
    std::int64_t ctime = 0;
    bool operator==(const Stamp&) const = default;
    /// Changed at or after `since` (source_clock_now()): perhaps after a compile that began then read it.
    [[nodiscard]] bool touched_since(std::int64_t since) const { return mtime >= since || ctime >= since; }
};

using Times = std::map<std::string, std::optional<Stamp>>;  // none: the file cannot be read now

std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

std::optional<Stamp> stamp(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return Stamp{st.st_ino, ns(st.st_mtim), ns(st.st_ctim)};
}

/// Every watched file with its stamp.
Times stamps(const std::vector<ZoneSpec>& specs, const ZoneWatcher::SourceFiles& sources) {
    Times m;
    for (const auto& s : specs) m[s.file] = stamp(s.file);
    if (sources)
        for (const auto& f : sources()) m[f] = stamp(f);
    return m;
}

/// The first file of `before` whose stamp differs in `now` (changed, removed or appeared at its path); empty: none.
std::string changed_file(const Times& before, const Times& now) {
    for (const auto& [path, t] : before) {
        auto it = now.find(path);
        if (it == now.end() || it->second != t) return path;
    }
    return {};
}

/// The first file of `now` that `before` does not list and that changed at or after `since`: a file the
/// compile that began then read, and that may have changed after it was read. Empty: none.
std::string touched_file(const Times& before, const Times& now, std::int64_t since) {
    for (const auto& [path, t] : now)
        if (!before.contains(path) && t && t->touched_since(since)) return path;
    return {};
}

}  // namespace

ZoneWatcher::ZoneWatcher(std::vector<ZoneSpec> files, SourceFiles sources, std::int64_t compiled_since,
                         std::function<void()> on_change)
    : files_(std::move(files)), sources_(std::move(sources)), on_change_(std::move(on_change)),
      since_(compiled_since) {
    if (!files_.empty()) thread_ = std::thread([this] { run(); });
}

ZoneWatcher::~ZoneWatcher() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ZoneWatcher::run() {
    // The first look is not a baseline to trust: a file may have been edited between the compile reading
    // it and now (the server answers before this thread starts). A file changed since the compile began is
    // a change, so an edit made right after start-up is never lost; at worst a file written during the
    // compile costs one reload more.
    auto last = stamps(files_, sources_);
    std::string pending = touched_file({}, last, since_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(1));
        if (stopping_) break;
        auto now = stamps(files_, sources_);
        std::string file = pending.empty() ? changed_file(last, now) : std::move(pending);
        pending.clear();
        if (!file.empty()) {
            log(LogLevel::Info, "zones", "file change seen, reloading", {{"file", file}});
            const std::int64_t began = zones::source_clock_now();
            on_change_();
            // The reload may have read other files (a new include): watch them from their stamp now, and keep
            // the stamps seen before it for the others, so that an edit made during the reload is seen next.
            // A new file changed since the reload began may have changed after it was read: reload again.
            auto after = stamps(files_, sources_);
            pending = touched_file(now, after, began);
            for (auto& entry : after) now.insert(std::move(entry));
        }
        last = std::move(now);
    }
}

}  // namespace enumd::server::daemon
