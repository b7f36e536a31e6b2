#include "daemon/zone_watcher.hpp"

#include <chrono>
#include <filesystem>
#include <map>

#include "enumd/server/log.hpp"

namespace enumd::server::daemon {
namespace {

std::map<std::string, std::filesystem::file_time_type> mtimes(const std::vector<ZoneSpec>& specs) {
    std::map<std::string, std::filesystem::file_time_type> m;
    for (const auto& s : specs) {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(s.file, ec);
        if (!ec) m[s.file] = t;
    }
    return m;
}

}  // namespace

ZoneWatcher::ZoneWatcher(std::vector<ZoneSpec> files, std::function<void()> on_change)
    : files_(std::move(files)), on_change_(std::move(on_change)) {
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
    auto last = mtimes(files_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(1));
        if (stopping_) break;
        auto now = mtimes(files_);
        if (now != last) {
            last = now;
            log(LogLevel::Info, "zones", "file change seen, reloading");
            on_change_();
        }
    }
}

}  // namespace enumd::server::daemon
