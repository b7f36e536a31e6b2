#include "daemon/zone_compiler.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "enumd/server/log.hpp"

namespace enumd::server::daemon {
namespace {

std::string join_diagnostics(const zones::Diagnostics& d) {
    std::string s;
    for (const auto& item : d.items) s += (s.empty() ? "" : "\n") + item.to_text();
    return s;
}

}  // namespace

std::string ZoneCompiler::operator()() const {
    if (cfg_.zones.empty()) return "database " + cfg_.database + " re-read";
    zones::Diagnostics d;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<zones::Zone> loaded = zones::load_zone_sources(cfg_.zones, d);
    for (const auto& item : d.items) {
        if (item.severity == zones::Diagnostic::Severity::Warning)
            log(LogLevel::Warn, item.loc.to_text(), "zone warning", {{"message", item.message}});
    }
    if (d.has_errors()) throw std::runtime_error(join_diagnostics(d));
    zones::WriteOptions opts;
    opts.prune_others = true;
    for (const auto& s : cfg_.xfr.secondaries) opts.keep.push_back(s.origin);  // filled by transfers
    auto report = store_.write(loaded, opts);
    if (!report) throw std::runtime_error(report.error());
    xfr_.zones_written(*report);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string summary;
    for (const auto& z : report->zones) {
        log(LogLevel::Info, "zone " + z.origin.to_text(), z.changed ? "compiled" : "unchanged",
            {{"records", std::to_string(z.records)}, {"serial", std::to_string(z.serial)}});
        summary += (summary.empty() ? "" : ", ") + z.origin.to_text() + " serial " + std::to_string(z.serial) +
                   (z.changed ? "" : " (unchanged)");
    }
    char t[32];
    std::snprintf(t, sizeof t, "%.3f", secs);
    return summary + " in " + t + " s";
}

}  // namespace enumd::server::daemon
