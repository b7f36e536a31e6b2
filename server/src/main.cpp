// enumd: authoritative DNS for ENUM and 3GPP names.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "enumd/server/config.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/server.hpp"
#include "enumd/zones/store.hpp"

using namespace enumd;
using namespace enumd::server;

namespace {

void usage(FILE* f) {
    std::fputs(
        "usage: enumd [--config FILE] [--listen ADDR[:PORT]]... [--zone [ORIGIN=]FILE]... [--db DIR]\n"
        "             [--threads N] [--stats-listen ADDR:PORT] [--control PATH] [--watch] [--allow-query CIDR]...\n"
        "             [--no-naptr-additional] [--edns-buffer N] [--log-level LEVEL] [--log-json]\n"
        "\n"
        "  --listen ADDR[:PORT]   UDP and TCP listen address, repeatable (default 127.0.0.1:53)\n"
        "  --zone [ORIGIN=]FILE   YAML or RFC 1035 zone file, repeatable; compiled at start and on reload\n"
        "  --db DIR               LMDB database (from `enumctl compile`, or where --zone files are compiled;\n"
        "                         without it, --zone files go to a private temporary database)\n"
        "  --threads N            worker threads (default: one per core)\n"
        "  --stats-listen A:P     Prometheus text endpoint (GET /metrics), e.g. 127.0.0.1:9153\n"
        "  --control PATH         unix socket for `enumctl reload|stats|zones`\n"
        "  --watch                reload when a zone file changes\n"
        "  --allow-query CIDR     only these clients may query (repeatable; default everyone), others REFUSED\n"
        "  --recursion            resolve names outside our zones (iterating from the root hints)\n"
        "  --forward ADDR[:PORT]  forward names outside our zones to this resolver (repeatable; implies --recursion)\n"
        "  --root-hints FILE      root hints for iteration (implies --recursion)\n"
        "  --allow-recursion CIDR who may recurse (repeatable; default 127.0.0.0/8 and ::1 only)\n"
        "  --no-naptr-additional  no RFC 3403 additional-section processing for NAPTR\n"
        "  --allow-transfer CIDR  who may AXFR/IXFR every zone (repeatable; default nobody)\n"
        "  --tsig-key NAME:ALG:SECRET  a TSIG key (e.g. xfr.:hmac-sha256:BASE64), repeatable\n"
        "  --transfer-key NAME    transfers must be signed with this key (repeatable)\n"
        "  --notify ADDR:PORT     secondary to NOTIFY when a zone's serial changes (repeatable)\n"
        "  --secondary ORIGIN=ADDR:PORT[/KEY]  serve ORIGIN as a secondary of that primary (repeatable)\n"
        "  SIGHUP reloads; SIGINT/SIGTERM stop.\n",
        f);
}

std::string join_diagnostics(const zones::Diagnostics& d) {
    std::string s;
    for (const auto& item : d.items) s += (s.empty() ? "" : "\n") + item.to_text();
    return s;
}

std::map<std::string, std::filesystem::file_time_type> mtimes(const std::vector<ZoneSpec>& specs) {
    std::map<std::string, std::filesystem::file_time_type> m;
    for (const auto& s : specs) {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(s.file, ec);
        if (!ec) m[s.file] = t;
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    std::vector<std::string> args(argv + 1, argv + argc);
    zones::Diagnostics diags;
    bool listen_given = false;
    // A config file first, so the command line can override it.
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--config") load_config_file(args[i + 1], cfg, diags);
    }
    if (!cfg.server.listen.empty()) listen_given = true;
    std::vector<Endpoint> cli_listen;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "enumd: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return args[++i];
        };
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "--config") {
            ++i;
        } else if (a == "--listen") {
            std::string v = value();
            auto ep = parse_endpoint(v);
            if (!ep) {
                std::fprintf(stderr, "enumd: --listen %s: not an address[:port]\n", v.c_str());
                return 2;
            }
            cli_listen.push_back(*ep);
        } else if (a == "--zone") {
            std::string v = value();
            auto z = parse_zone_spec(v);
            if (!z) {
                std::fprintf(stderr, "enumd: --zone %s: expected [ORIGIN=]FILE\n", v.c_str());
                return 2;
            }
            cfg.zones.push_back(*z);
        } else if (a == "--db") {
            cfg.database = value();
        } else if (a == "--threads") {
            cfg.server.threads = static_cast<unsigned>(std::atoi(value().c_str()));
        } else if (a == "--stats-listen") {
            cfg.server.stats_listen = value();
        } else if (a == "--control") {
            cfg.server.control_path = value();
        } else if (a == "--allow-query") {
            std::string v = value();
            auto e = Acl::parse_entry(v);
            if (!e) {
                std::fprintf(stderr, "enumd: --allow-query %s: not an address[/prefix]\n", v.c_str());
                return 2;
            }
            cfg.server.query_acl.add(*e);
        } else if (a == "--recursion") {
            cfg.server.recursion.enabled = true;
        } else if (a == "--forward") {
            std::string v = value();
            auto ep = parse_endpoint(v);
            if (!ep) {
                std::fprintf(stderr, "enumd: --forward %s: not an address[:port]\n", v.c_str());
                return 2;
            }
            cfg.server.recursion.enabled = true;
            cfg.server.recursion.forwarders.push_back({ep->address, ep->port});
        } else if (a == "--root-hints") {
            cfg.server.recursion.enabled = true;
            cfg.server.recursion.root_hints = value();
        } else if (a == "--allow-recursion") {
            std::string v = value();
            auto e = Acl::parse_entry(v);
            if (!e) {
                std::fprintf(stderr, "enumd: --allow-recursion %s: not an address[/prefix]\n", v.c_str());
                return 2;
            }
            cfg.server.recursion.allow.add(*e);
        } else if (a == "--allow-transfer") {
            std::string v = value();
            auto e = Acl::parse_entry(v);
            if (!e) {
                std::fprintf(stderr, "enumd: --allow-transfer %s: not an address[/prefix]\n", v.c_str());
                return 2;
            }
            cfg.xfr.defaults.allow.add(*e);
            cfg.xfr.defaults.allow_set = true;
        } else if (a == "--tsig-key") {
            std::string v = value();
            auto k = xfr::parse_key_text(v);
            if (!k) {
                std::fprintf(stderr, "enumd: --tsig-key %s: expected NAME:ALGORITHM:BASE64-SECRET\n", v.c_str());
                return 2;
            }
            cfg.xfr.keys.push_back(*k);
        } else if (a == "--transfer-key") {
            cfg.xfr.defaults.keys.push_back(value());
        } else if (a == "--secondary") {
            std::string v = value();
            auto z = xfr::parse_secondary_text(v);
            if (!z) {
                std::fprintf(stderr, "enumd: --secondary %s: expected ORIGIN=ADDR:PORT[/KEY]\n", v.c_str());
                return 2;
            }
            cfg.xfr.secondaries.push_back(*z);
        } else if (a == "--notify") {
            std::string v = value();
            auto ep = parse_endpoint(v);
            if (!ep) {
                std::fprintf(stderr, "enumd: --notify %s: not an address[:port]\n", v.c_str());
                return 2;
            }
            cfg.xfr.defaults.notify.push_back(*ep);
        } else if (a == "--watch") {
            cfg.watch = true;
        } else if (a == "--no-naptr-additional") {
            cfg.server.answer.naptr_additional = false;
        } else if (a == "--edns-buffer") {
            cfg.server.answer.edns_buffer = static_cast<std::uint16_t>(std::atoi(value().c_str()));
        } else if (a == "--log-level") {
            cfg.log_level = value();
        } else if (a == "--log-json") {
            cfg.log_json = true;
        } else {
            std::fprintf(stderr, "enumd: unknown option '%s' (see --help)\n", a.c_str());
            return 2;
        }
    }
    if (diags.has_errors()) {
        std::fprintf(stderr, "%s\n", join_diagnostics(diags).c_str());
        return 2;
    }
    if (!cli_listen.empty()) cfg.server.listen = cli_listen;
    if (cfg.server.listen.empty() && !listen_given) cfg.server.listen.push_back({"127.0.0.1", 53});
    if (cfg.server.recursion.enabled && cfg.server.recursion.allow.empty()) {
        // Never an open resolver: loopback only unless configured otherwise.
        cfg.server.recursion.allow.add(*Acl::parse_entry("127.0.0.0/8"));
        cfg.server.recursion.allow.add(*Acl::parse_entry("::1"));
    }
    set_log_json(cfg.log_json);
    set_log_level(cfg.log_level == "debug" ? LogLevel::Debug
                  : cfg.log_level == "warn" ? LogLevel::Warn
                  : cfg.log_level == "error" ? LogLevel::Error
                                             : LogLevel::Info);

    if (cfg.zones.empty() && cfg.database.empty() && cfg.xfr.secondaries.empty() && !cfg.server.recursion.enabled) {
        std::fputs("enumd: nothing to serve: give --zone FILE, --db DIR or a config with zones\n", stderr);
        usage(stderr);
        return 2;
    }
    std::string temp_db;
    if (cfg.database.empty()) {
        char tmpl[] = "/tmp/enumd-db-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            std::perror("enumd: mkdtemp");
            return 1;
        }
        temp_db = tmpl;
        cfg.database = temp_db;
    }
    auto cleanup = [&]() {
        if (!temp_db.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(temp_db, ec);
        }
    };

    auto store_r = zones::Store::open(cfg.database);
    if (!store_r) {
        log(LogLevel::Error, "database " + cfg.database, "cannot open", {{"reason", store_r.error()}});
        cleanup();
        return 1;
    }
    zones::Store& store = **store_r;
    // Zone transfers out and NOTIFY (xfr.hpp); outlives the server below.
    for (const auto& k : cfg.xfr.defaults.keys) {
        if (cfg.xfr.key(k) == nullptr) {
            std::fprintf(stderr, "enumd: --transfer-key %s: no such --tsig-key\n", k.c_str());
            cleanup();
            return 2;
        }
    }
    for (const auto& s : cfg.xfr.secondaries) {
        if (!s.key.empty() && cfg.xfr.key(s.key) == nullptr) {
            std::fprintf(stderr, "enumd: secondary zone %s: no TSIG key named %s\n", s.origin.to_text().c_str(),
                         s.key.c_str());
            cleanup();
            return 2;
        }
    }
    xfr::Service xfr_service(cfg.xfr, store);
    cfg.server.xfr = &xfr_service;

    // Compile the zone files; refuse to start on errors (the old data, if
    // any, stays in the database untouched).
    auto compile = [&]() -> std::string {
        if (cfg.zones.empty()) return "database " + cfg.database + " re-read";
        zones::Diagnostics d;
        auto t0 = std::chrono::steady_clock::now();
        std::vector<zones::Zone> loaded = load_zones(cfg.zones, d);
        for (const auto& item : d.items) {
            if (item.severity == zones::Diagnostic::Severity::Warning)
                log(LogLevel::Warn, item.loc.to_text(), "zone warning", {{"message", item.message}});
        }
        if (d.has_errors()) throw std::runtime_error(join_diagnostics(d));
        zones::WriteOptions opts;
        opts.prune_others = true;
        for (const auto& s : cfg.xfr.secondaries) opts.keep.push_back(s.origin);  // filled by transfers
        auto report = store.write(loaded, opts);
        if (!report) throw std::runtime_error(report.error());
        xfr_service.zones_written(*report);
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
    };

    try {
        compile();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\nenumd: zones have errors, not starting\n", e.what());
        cleanup();
        return 1;
    }

    Server server(cfg.server, store, compile);
    try {
        server.start();
    } catch (const std::exception& e) {
        log(LogLevel::Error, "enumd", "cannot start", {{"reason", e.what()}});
        cleanup();
        return 1;
    }

    xfr_service.start();  // secondary zones: refresh timers, first SOA check now
    std::atomic<bool> stopping{false};
    std::mutex watch_mutex;
    std::condition_variable watch_cv;
    std::thread watcher;
    if (cfg.watch && !cfg.zones.empty()) {
        watcher = std::thread([&] {
            auto last = mtimes(cfg.zones);
            std::unique_lock<std::mutex> lock(watch_mutex);
            while (!stopping.load()) {
                watch_cv.wait_for(lock, std::chrono::seconds(1));
                if (stopping.load()) break;
                auto now = mtimes(cfg.zones);
                if (now != last) {
                    last = now;
                    log(LogLevel::Info, "zones", "file change seen, reloading");
                    server.reload();
                }
            }
        });
    }
    server.run_until_signal();
    stopping = true;
    watch_cv.notify_all();
    if (watcher.joinable()) watcher.join();
    cleanup();
    return 0;
}
