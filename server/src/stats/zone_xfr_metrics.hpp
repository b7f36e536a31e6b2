#pragma once
/// Per-zone transfer and NOTIFY figures for /metrics (issue 13, "Metrics": last successful transfer and NOTIFY
/// outcome). The secondary's refresh thread and the notifier's thread record into it; the admin thread renders it.
/// One per process, like a Prometheus client library's default registry: the xfr code reaches it with one call
/// at each event and needs no new wiring.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "enumd/dns/name.hpp"
#include "stats/metrics_text.hpp"

namespace enumd::server {

class ZoneXfrMetrics {
public:
    /// A secondary zone's refresh succeeded: an AXFR/IXFR was stored (`transferred`), or the primary's serial
    /// showed the zone up to date (RFC 1034 §4.3.5). Times are unix seconds, now.
    void refreshed(const dns::Name& origin, bool transferred);
    /// One NOTIFY (RFC 1996) to one secondary, retries included: `answered` when it replied (§4.7, the ack).
    void notified(const dns::Name& origin, bool answered);

    /// The families (HELP, TYPE, one sample per zone that has the figure); no family without a sample.
    void render(MetricsText& m) const;

private:
    struct Zone {
        std::int64_t last_refresh = 0;   ///< unix seconds; 0 = never
        std::int64_t last_transfer = 0;  ///< unix seconds; 0 = never
        std::uint64_t notifies_sent = 0, notifies_acked = 0, notifies_failed = 0;
        std::int64_t last_ack = 0;  ///< unix seconds; 0 = never
    };
    mutable std::mutex mutex_;
    std::map<std::string, Zone> zones_;  // by origin text: the label values, sorted
};

/// The process's one instance.
ZoneXfrMetrics& zone_xfr_metrics();

}  // namespace enumd::server
