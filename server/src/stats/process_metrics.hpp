#pragma once
/// process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds,
/// process_start_time_seconds … as Prometheus client libraries name them.

#include "stats/metrics_text.hpp"

namespace enumd::server {

void process_metrics(MetricsText& m);

}  // namespace enumd::server
