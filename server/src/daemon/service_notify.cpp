// systemd notifications (service_notify.hpp): sd_notify(3), sd_watchdog_enabled(3).
#include "daemon/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace enumd::server::daemon {

namespace {

void send(std::string_view state, std::string_view status) {
    // sd_notify returns 0 without NOTIFY_SOCKET: nothing to do, nothing to report.
    std::string text(state);
    if (!status.empty()) {
        if (!text.empty()) text += '\n';
        text += "STATUS=";
        text += status;
    }
    ::sd_notify(0, text.c_str());
}

std::uint64_t monotonic_usec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000U + static_cast<std::uint64_t>(ts.tv_nsec) / 1000U;
}

}  // namespace

void notify_ready(std::string_view status) {
    send("READY=1", status);
}

void notify_reloading(std::string_view status) {
    // systemd.service(5) Type=notify-reload: RELOADING=1 with the CLOCK_MONOTONIC time it was sent.
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()), status);
}

void notify_stopping(std::string_view status) {
    send("STOPPING=1", status);
}

void notify_status(std::string_view status) {
    send("", status);
}

Watchdog::Watchdog() {
    std::uint64_t usec = 0;
    if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    // sd_watchdog_enabled(3): ping at half the interval, so one late wake-up does not miss it.
    auto period = std::chrono::microseconds(usec / 2);
    thread_ = std::thread([this, period] {
        std::unique_lock<std::mutex> lock(mutex_);
        do {
            ::sd_notify(0, "WATCHDOG=1");
        } while (!wake_.wait_for(lock, period, [this] { return stop_; }));
    });
}

Watchdog::~Watchdog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace enumd::server::daemon
