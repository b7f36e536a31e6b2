// enumd: authoritative DNS for ENUM and 3GPP names (server/README.md: what lives where).
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "daemon/check_config.hpp"
#include "daemon/database.hpp"
#include "daemon/privileges.hpp"
#include "daemon/service_notify.hpp"
#include "daemon/zone_compiler.hpp"
#include "daemon/zone_watcher.hpp"
#include "enumd/server/config.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/server.hpp"
#include "enumd/zones/source_hash.hpp"

using namespace enumd;
using namespace enumd::server;

namespace {

void apply_logging(const Config& cfg) {
    set_log_json(cfg.log_json);
    set_log_level(cfg.log_level == "debug"   ? LogLevel::Debug
                  : cfg.log_level == "warn"  ? LogLevel::Warn
                  : cfg.log_level == "error" ? LogLevel::Error
                                             : LogLevel::Info);
}

bool nothing_to_serve(const Config& cfg) {
    return cfg.zones.empty() && cfg.database.empty() && cfg.xfr.secondaries.empty() && !cfg.server.recursion.enabled;
}

/// Live changes go to the database; a temporary one (no --db / database:) is removed at exit, and with
/// it every change acknowledged to a client. Doors configured for them are refused at start, not lost later
/// (server/README.md "Live changes"); `enumctl set` on such a database is refused per command.
std::string live_changes_without_database(const Config& cfg) {
    if (!cfg.database.empty()) return {};
    const char* fix = ": give --db DIR (or database: in the config) — without one enumd serves a temporary "
                      "database that is removed when it stops, and every live change with it";
    if (!cfg.server.api.listen.empty()) return std::string("api: live changes need a persistent database") + fix;
    for (const auto& p : cfg.server.update_policy.zones) {
        std::string zone = p.origin ? p.origin->to_text() : p.file;
        return "update: on zone " + zone + ": RFC 2136 updates need a persistent database" + fix;
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) try {
    Config cfg;
    switch (parse_command_line({argv + 1, argv + argc}, cfg)) {
        case CommandLine::Help: return 0;
        case CommandLine::Invalid: return 2;                           // a usage error, as enumctl and enumq
        case CommandLine::BadConfig: return cfg.check_only ? 1 : 2;  // --check-config: 0 fine, 1 not
        case CommandLine::Run: break;
    }
    apply_logging(cfg);
    zones::Store::Options store_options;
    if (cfg.map_size != 0) store_options.map_size = cfg.map_size;
    // The first compile's child, started again from this executable by compile_in_child: it only compiles.
    if (auto code = daemon::run_as_compile_child(cfg, store_options)) return *code;
    if (cfg.check_only) return daemon::check_config(cfg);
    if (nothing_to_serve(cfg)) {
        std::fputs("enumd: nothing to serve: give --zone FILE, --db DIR or a config with zones\n", stderr);
        print_usage(stderr);
        return 2;
    }
    if (auto problem = check_key_references(cfg); !problem.empty()) {
        std::fprintf(stderr, "enumd: %s\n", problem.c_str());
        return 2;
    }
    if (auto problem = live_changes_without_database(cfg); !problem.empty()) {
        std::fprintf(stderr, "enumd: %s\n", problem.c_str());
        return 2;
    }
    std::optional<daemon::RunAs> run_as;
    if (!cfg.user.empty()) {
        try {
            run_as = daemon::find_user(cfg.user);  // an unknown user fails before anything is bound
        } catch (const std::exception& e) {
            std::fprintf(stderr, "enumd: %s\n", e.what());
            return 2;
        }
    }
    // The DNS sockets first: a port in use fails now, not after a long compile (server/README.md, "Start").
    cfg.server.threads = worker_threads(cfg.server.threads);
    BoundSockets sockets;
    try {
        sockets = BoundSockets::bind(cfg.server.listen, cfg.server.threads, cfg.server.udp_receive_buffer);
    } catch (const std::exception& e) {
        log(LogLevel::Error, "enumd", "cannot start", {{"reason", e.what()}});
        return 1;
    }
    if (int got = sockets.udp_receive_buffer(); got != 0 && got < cfg.server.udp_receive_buffer)
        log(LogLevel::Warn, "enumd",
            "UDP receive buffer smaller than configured: bursts of queries may be dropped by the kernel",
            {{"configured", std::to_string(cfg.server.udp_receive_buffer)}, {"got", std::to_string(got)},
             {"fix", "run as root (SO_RCVBUFFORCE) or raise sysctl net.core.rmem_max"}});
    daemon::DatabaseDir db(cfg.database);
    cfg.server.persistent_database = !db.temporary();
    cfg.database = db.path();
    if (run_as) {  // bound as root; everything from the first compile on runs as the user (privileges.hpp)
        try {
            daemon::drop_to(*run_as, cfg.database, cfg.server.control_path);
        } catch (const std::exception& e) {
            log(LogLevel::Error, "enumd", "cannot run as user " + cfg.user, {{"reason", e.what()}});
            return 1;
        }
        log(LogLevel::Info, "enumd", "running as user " + run_as->name,
            {{"uid", std::to_string(run_as->uid)}, {"gid", std::to_string(run_as->gid)}});
    }
    // The first compile runs in a child process, before any thread and before this process opens the
    // database: its memory (several times the zone text) goes with the child (server/README.md, "Start").
    std::optional<zones::WriteReport> first;
    std::string summary = "the database as it is";
    auto t0 = std::chrono::steady_clock::now();
    const std::int64_t compile_began = zones::source_clock_now();  // --watch: files changed since reload
    if (!cfg.zones.empty()) {
        try {
            // Re-executed with the huge-page tunable only while enumd keeps the rights it started with: the new
            // process reads the configuration again, and after `user:` its secret files (root-only) may no
            // longer be readable — then the forked child compiles without huge pages.
            first = daemon::compile_in_child(cfg, store_options, run_as ? nullptr : argv);
        } catch (const std::exception& e) {  // zones with errors keep enumd from starting; --db data stays untouched
            std::fprintf(stderr, "%s\nenumd: zones have errors, not starting\n", e.what());
            return 1;
        }
    }
    // Each remap stalls this process's queries and writes for its duration: log it with its wait. Only the
    // serving process's: the first compile's child grows a new database as a matter of course, beside its
    // progress line.
    store_options.on_remap = [](const zones::Remap& r) {
        auto ms = [](std::chrono::nanoseconds d) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.3f", std::chrono::duration<double, std::milli>(d).count());
            return std::string(buf);
        };
        log(LogLevel::Info, "database", r.adopted ? "map size adopted" : "map grown",
            {{"from_mib", std::to_string(r.from >> 20)}, {"to_mib", std::to_string(r.to >> 20)},
             {"waited_ms", ms(r.waited)}, {"took_ms", ms(r.took)}});
    };
    auto store = zones::Store::open(cfg.database, store_options);
    if (!store) {
        log(LogLevel::Error, "database " + cfg.database, "cannot open", {{"reason", store.error()}});
        return 1;
    }
    xfr::Service xfr_service(cfg.xfr, **store);  // transfers out, NOTIFY, secondary zones; outlives the server
    cfg.server.xfr = &xfr_service;
    daemon::ZoneCompiler compile(cfg, **store, xfr_service);
    if (first)
        summary = compile.written(*first, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    Server server(cfg.server, **store, compile);
    try {
        server.start(std::move(sockets));
    } catch (const std::exception& e) {
        log(LogLevel::Error, "enumd", "cannot start", {{"reason", e.what()}});
        return 1;
    }
    xfr_service.start();  // secondary zones: refresh timers, first SOA check now
    daemon::notify_ready("serving: " + summary);  // the workers answer from the zones now
    daemon::Watchdog watchdog;
    // --watch: the zone files and every file their compile read (includes, numbers_csv), as the database
    // records them (ZoneMeta::source_files), through a reader of the watcher's own.
    std::unique_ptr<zones::Reader> watch_reader;
    if (cfg.watch)
        if (auto r = (*store)->reader()) watch_reader = std::move(*r);
    auto sources = [&watch_reader] {
        std::vector<std::string> files;
        if (!watch_reader || !watch_reader->refresh()) return files;
        for (const auto& z : watch_reader->zones())
            files.insert(files.end(), z.meta.source_files.begin(), z.meta.source_files.end());
        watch_reader->release();
        return files;
    };
    daemon::ZoneWatcher watcher(cfg.watch ? cfg.zones : std::vector<ZoneSpec>{}, sources, compile_began,
                                [&server] { server.reload(); });
    server.run_until_signal();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "enumd: %s\n", e.what());
    return 1;
}
