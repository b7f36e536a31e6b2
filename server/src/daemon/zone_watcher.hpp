#pragma once
/// `--watch`: polls the zone files' modification times once a second and
/// calls `on_change` (a reload) when any differs. Stops when destroyed.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "enumd/server/config.hpp"

namespace enumd::server::daemon {

class ZoneWatcher {
public:
    /// Nothing is watched when `files` is empty.
    ZoneWatcher(std::vector<ZoneSpec> files, std::function<void()> on_change);
    ~ZoneWatcher();
    ZoneWatcher(const ZoneWatcher&) = delete;
    ZoneWatcher& operator=(const ZoneWatcher&) = delete;

private:
    void run();
    std::vector<ZoneSpec> files_;
    std::function<void()> on_change_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace enumd::server::daemon
