#include "stats/zone_xfr_metrics.hpp"

#include <ctime>
#include <optional>

namespace enumd::server {

namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

void ZoneXfrMetrics::refreshed(const dns::Name& origin, bool transferred) {
    const auto now = unix_now();
    std::lock_guard<std::mutex> lock(mutex_);
    Zone& z = zones_[origin.to_text()];
    z.last_refresh = now;
    if (transferred) z.last_transfer = now;
}

void ZoneXfrMetrics::notified(const dns::Name& origin, bool answered) {
    const auto now = unix_now();
    std::lock_guard<std::mutex> lock(mutex_);
    Zone& z = zones_[origin.to_text()];
    ++z.notifies_sent;
    if (answered) {
        ++z.notifies_acked;
        z.last_ack = now;
    } else {
        ++z.notifies_failed;
    }
}

void ZoneXfrMetrics::render(MetricsText& m) const {
    std::lock_guard<std::mutex> lock(mutex_);
    // One family per figure, written only when a zone has a sample (a zone that never did it is left out, and
    // a family is never empty); times are gauges of unix seconds, as node_exporter's *_timestamp_seconds.
    auto family = [&](const char* name, const char* type, const char* help, auto value) {
        bool started = false;
        for (const auto& [origin, z] : zones_) {
            auto v = value(z);
            if (!v) continue;
            if (!started) m.family(name, type, help);
            started = true;
            m.sample(name, {{"zone", origin}}, *v);
        }
    };
    auto time_of = [](std::int64_t Zone::*field) {
        return [field](const Zone& z) { return z.*field > 0 ? std::optional<std::uint64_t>(z.*field) : std::nullopt; };
    };
    auto notify_count = [](std::uint64_t Zone::*field) {
        return [field](const Zone& z) { return z.notifies_sent > 0 ? std::optional<std::uint64_t>(z.*field) : std::nullopt; };
    };
    family("enumd_zone_last_refresh_timestamp_seconds", "gauge",
           "Unix time of the last successful refresh of a secondary zone: a transfer stored or the primary's SOA "
           "serial showing it up to date.",
           time_of(&Zone::last_refresh));
    family("enumd_zone_last_transfer_timestamp_seconds", "gauge",
           "Unix time of the last AXFR or IXFR stored for a secondary zone.", time_of(&Zone::last_transfer));
    family("enumd_zone_notifies_sent_total", "counter",
           "NOTIFY messages sent for a zone, one per secondary and change (retries not counted).",
           notify_count(&Zone::notifies_sent));
    family("enumd_zone_notifies_acked_total", "counter", "NOTIFY messages a secondary answered (RFC 1996 §4.7).",
           notify_count(&Zone::notifies_acked));
    family("enumd_zone_notifies_failed_total", "counter", "NOTIFY messages left unanswered after every retry.",
           notify_count(&Zone::notifies_failed));
    family("enumd_zone_notify_last_ack_timestamp_seconds", "gauge",
           "Unix time a secondary last answered a NOTIFY for the zone.", time_of(&Zone::last_ack));
}

ZoneXfrMetrics& zone_xfr_metrics() {
    static ZoneXfrMetrics instance;
    return instance;
}

}  // namespace enumd::server
