#include "enumd/zones/progress.hpp"

#include <cstdio>

namespace enumd::zones {

namespace {

/// 1234567 → "1,234,567".
std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

/// 75 s → "1:15", 3725 s → "1:02:05".
std::string clock_text(double seconds) {
    auto s = static_cast<std::uint64_t>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                      static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                      static_cast<unsigned long long>(s % 60));
    return buf;
}

/// The time left at the rate so far: `done` of `total` after `elapsed` seconds (done counted from `from`).
std::string eta(double elapsed, double from, double done, double total) {
    if (done <= from || total <= done || elapsed < 0.5) return {};
    return ", ETA " + clock_text(elapsed * (total - done) / (done - from));
}

}  // namespace

std::int64_t Progress::now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void Progress::phase(Phase p) noexcept {
    const bool writing = p == Phase::Writing;
    phase_start_count_.store(writing ? names_written_.load(std::memory_order_relaxed)
                                     : records_read_.load(std::memory_order_relaxed),
                             std::memory_order_relaxed);
    phase_start_bytes_.store(bytes_read_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    phase_start_ns_.store(now_ns(), std::memory_order_relaxed);
    phase_.store(static_cast<int>(p), std::memory_order_relaxed);
}

std::uint64_t Progress::add_source(std::uint64_t size) noexcept {
    return bytes_total_.fetch_add(size, std::memory_order_relaxed);
}

void Progress::write_restarted() noexcept {
    names_to_write_.store(0, std::memory_order_relaxed);
    names_written_.store(0, std::memory_order_relaxed);
    phase(Phase::Building);
}

void Progress::reset() noexcept {
    phase_.store(0, std::memory_order_relaxed);
    for (auto* c : {&phase_start_count_, &phase_start_bytes_, &bytes_total_, &bytes_read_, &records_read_,
                    &names_to_write_, &names_written_})
        c->store(0, std::memory_order_relaxed);
}

std::string Progress::line() const {
    const auto p = static_cast<Phase>(phase_.load(std::memory_order_relaxed));
    if (p == Phase::Idle) return {};
    const double elapsed = static_cast<double>(now_ns() - phase_start_ns_.load(std::memory_order_relaxed)) / 1e9;
    const std::uint64_t from = phase_start_count_.load(std::memory_order_relaxed);
    auto rate = [&](std::uint64_t count) {
        if (elapsed < 0.5 || count < from) return std::string();
        return ", " + grouped(static_cast<std::uint64_t>(static_cast<double>(count - from) / elapsed)) + "/s";
    };
    if (p == Phase::Writing) {
        const std::uint64_t done = names_written_.load(std::memory_order_relaxed);
        const std::uint64_t total = names_to_write_.load(std::memory_order_relaxed);
        return "writing " + grouped(done) + " of " + grouped(total) + " names" + rate(done) +
               eta(elapsed, static_cast<double>(from), static_cast<double>(done), static_cast<double>(total));
    }
    const std::uint64_t records = records_read_.load(std::memory_order_relaxed);
    if (p == Phase::Checking) return "checking " + grouped(records) + " records, " + clock_text(elapsed);
    if (p == Phase::Building) return "building names from " + grouped(records) + " records, " + clock_text(elapsed);
    const std::uint64_t bytes = bytes_read_.load(std::memory_order_relaxed);
    const std::uint64_t total = bytes_total_.load(std::memory_order_relaxed);
    std::string out = "reading " + grouped(records) + " records" + rate(records);
    if (total > 0 && bytes <= total) {
        char share[64];
        std::snprintf(share, sizeof share, ", %.0f%% of %.1f MB", 100.0 * static_cast<double>(bytes) /
                                                                      static_cast<double>(total),
                      static_cast<double>(total) / 1e6);
        out += share;
        out += eta(elapsed, static_cast<double>(phase_start_bytes_.load(std::memory_order_relaxed)),
                   static_cast<double>(bytes), static_cast<double>(total));
    }
    return out;
}

Progress& progress() noexcept {
    static Progress instance;
    return instance;
}

}  // namespace enumd::zones
