#pragma once
/// `--watch`: polls once a second the modification times of the zone files
/// and of every file their last compile read (includes, $INCLUDEs,
/// numbers_csv: ZoneMeta::source_files), and calls `on_change` (a reload)
/// when one of them changed or went away. A file that only joins the list
/// (a new include after a reload) does not count as a change by itself,
/// unless it changed after the compile that read it began (it may have
/// changed after it was read). Stops when destroyed.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "enumd/server/config.hpp"

namespace enumd::server::daemon {

class ZoneWatcher {
public:
    using SourceFiles = std::function<std::vector<std::string>()>;
    /// Nothing is watched when `files` is empty. `sources` (may be empty) lists the files the
    /// served zones were compiled from; it is asked on every poll. `compiled_since` is
    /// zones::source_clock_now() taken before the compile of the served zones began: a file changed
    /// since then is reloaded at the first poll.
    ZoneWatcher(std::vector<ZoneSpec> files, SourceFiles sources, std::int64_t compiled_since,
                std::function<void()> on_change);
    ~ZoneWatcher();
    ZoneWatcher(const ZoneWatcher&) = delete;
    ZoneWatcher& operator=(const ZoneWatcher&) = delete;

private:
    void run();
    std::vector<ZoneSpec> files_;
    SourceFiles sources_;
    std::function<void()> on_change_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::int64_t since_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace enumd::server::daemon
