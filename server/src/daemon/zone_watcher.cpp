#include "daemon/zone_watcher.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "enumd/server/log.hpp"

namespace enumd::server::daemon {
namespace {

using Times = std::map<std::string, std::optional<std::filesystem::file_time_type>>;

/// Every watched file with its modification time (none: it cannot be read now).
Times mtimes(const std::vector<ZoneSpec>& specs, const ZoneWatcher::SourceFiles& sources) {
    Times m;
    auto add = [&m](const std::string& path) {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(path, ec);
        m[path] = ec ? std::nullopt : std::optional(t);
    };
    for (const auto& s : specs) add(s.file);
    if (sources)
        for (const auto& f : sources()) add(f);
    return m;
}

/// The first file of `before` whose time differs in `now` (changed, removed or appeared at its path); empty: none.
std::string changed_file(const Times& before, const Times& now) {
    for (const auto& [path, t] : before) {
        auto it = now.find(path);
        if (it == now.end() || it->second != t) return path;
    }
    return {};
}

}  // namespace

ZoneWatcher::ZoneWatcher(std::vector<ZoneSpec> files, SourceFiles sources, std::function<void()> on_change)
    : files_(std::move(files)), sources_(std::move(sources)), on_change_(std::move(on_change)) {
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
    auto last = mtimes(files_, sources_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(1));
        if (stopping_) break;
        auto now = mtimes(files_, sources_);
        if (auto file = changed_file(last, now); !file.empty()) {
            log(LogLevel::Info, "zones", "file change seen, reloading", {{"file", file}});
            on_change_();
            // The reload may have read other files (a new include): watch them from their time now, and keep
            // the times seen before it for the others, so that an edit made during the reload is seen next.
            for (auto& entry : mtimes(files_, sources_)) now.insert(std::move(entry));
        }
        last = std::move(now);
    }
}

}  // namespace enumd::server::daemon
