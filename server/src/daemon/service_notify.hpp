#pragma once
/// systemd's readiness protocol (sd_notify(3)) for a `Type=notify` unit: READY=1 once the zones answer,
/// RELOADING=1 … READY=1 around every reload, STOPPING=1 at shutdown, STATUS= lines for `systemctl status`,
/// and WATCHDOG=1 pings when the unit sets WatchdogSec=. Every call is a no-op without NOTIFY_SOCKET
/// (enumd started by hand, by a test or by another supervisor).

#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>

namespace enumd::server::daemon {

/// READY=1 with a STATUS line: the sockets answer from the zones.
void notify_ready(std::string_view status);
/// RELOADING=1 with MONOTONIC_USEC (systemd ≥ 253 matches it to the reload job; 252 ignores it) and a STATUS line.
void notify_reloading(std::string_view status);
/// STOPPING=1 with a STATUS line.
void notify_stopping(std::string_view status);
/// A STATUS line alone ("reload refused: …").
void notify_status(std::string_view status);

/// WATCHDOG=1 every half of WATCHDOG_USEC (sd_watchdog_enabled(3)) from its own thread while it lives;
/// nothing when the unit has no WatchdogSec=. The pings say the process is alive and its threads are
/// scheduled, so a wedged machine or a stopped process (SIGSTOP) is restarted.
class Watchdog {
public:
    Watchdog();
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace enumd::server::daemon
