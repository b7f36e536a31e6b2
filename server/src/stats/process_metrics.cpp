// The Prometheus process metrics (the client libraries' standard names) from /proc/self.
#include "stats/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace enumd::server {

void process_metrics(MetricsText& m) {
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    // /proc/self/stat: the command may hold spaces, so fields are counted after its ')' (proc(5)).
    std::ifstream stat("/proc/self/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    std::istringstream fields(close == std::string::npos ? std::string() : line.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
    for (int i = 3; fields >> f; ++i) {  // field 3 is the state
        if (i == 14)
            utime = std::stod(f);
        else if (i == 15)
            stime = std::stod(f);
        else if (i == 22)
            start_ticks = std::stod(f);
        else if (i == 23)
            vsize = std::stod(f);
        else if (i == 24)
            rss_pages = std::stod(f);
    }
    double boot = 0;  // btime: seconds since the epoch at boot
    std::ifstream proc_stat("/proc/stat");
    while (std::getline(proc_stat, line)) {
        if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
    }
    std::uint64_t fds = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++fds;
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    m.family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.")
        .sample("process_cpu_seconds_total", {}, (utime + stime) / tick);
    m.single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
             static_cast<std::uint64_t>(rss_pages) * page);
    m.single("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
             static_cast<std::uint64_t>(vsize));
    m.single("process_open_fds", "gauge", "Number of open file descriptors.",
             fds > 0 ? fds - 1 : 0);  // minus the walk's own
    m.single("process_max_fds", "gauge", "Maximum number of open file descriptors.",
             static_cast<std::uint64_t>(lim.rlim_cur));
    m.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
        .sample("process_start_time_seconds", {}, boot + start_ticks / tick);
}

}  // namespace enumd::server
