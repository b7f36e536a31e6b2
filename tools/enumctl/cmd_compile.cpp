/// enumctl compile --db DIR FILE...: loads and validates the zone files,
/// then writes all zones into the LMDB database in one transaction (nothing
/// is written when there is an error). Prints per-zone records, nodes and
/// serial, and the records-per-second figure.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/zone_source.hpp"

namespace enumd::enumctl {

int cmd_compile(int argc, char** argv) {
    const char* usage = "usage: enumctl compile --db DIR [--prune] [--no-serial-guard] [--map-size BYTES] [--all-warnings] [--no-warn KIND]... "
        "[ORIGIN=]FILE...\n";
    std::string db;
    bool prune = false;
    bool serial_guard = true;
    std::size_t map_size = 0;
    std::vector<zones::ZoneSource> files;
    zones::SummaryOptions summary_options;
    for (int i = 1; i < argc; ++i) {
        if (int w = warning_option("compile", argc, argv, i, summary_options); w != 0) {
            if (w < 0) return 2;
        } else if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (std::strncmp(argv[i], "--db=", 5) == 0) {
            db = argv[i] + 5;
        } else if (std::strcmp(argv[i], "--map-size") == 0 && i + 1 < argc) {
            // The map a new database starts with; it grows as needed (store.hpp). Tests start tiny.
            char* end = nullptr;
            map_size = std::strtoull(argv[++i], &end, 10);
            if (*end != '\0' || map_size == 0) {
                std::fprintf(stderr, "enumctl compile: --map-size '%s' is not a number of bytes\n", argv[i]);
                return 2;
            }
        } else if (std::strcmp(argv[i], "--prune") == 0) {
            prune = true;
        } else if (std::strcmp(argv[i], "--no-serial-guard") == 0) {
            // Deliberate: take a serial that does not move forward (zones/README.md "Serial guard").
            serial_guard = false;
        } else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
            std::fputs(usage, stdout);
            std::puts("Validates, then writes every zone in one transaction; --prune removes zones not given.\n"
                      "A zone with an explicit serial whose content changed under the stored serial, or whose\n"
                      "serial is not newer (RFC 1982), is refused: secondaries would not pick it up.\n"
                      "--no-serial-guard writes it anyway (e.g. to roll back on purpose).");
            std::fputs(warning_help().c_str(), stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            std::fprintf(stderr, "enumctl compile: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        } else {
            // "[ORIGIN=]FILE", read by the one parser enumd --zone uses.
            auto source = zones::parse_zone_source(argv[i]);
            if (!source) {
                std::fprintf(stderr, "enumctl compile: '%s' is not [ORIGIN=]FILE\n", argv[i]);
                return 2;
            }
            files.push_back(std::move(*source));
        }
    }
    if (db.empty() || files.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    std::clock_t c0 = std::clock();
    zones::Diagnostics diags;
    auto zones = zones::load_zone_sources(files, diags);
    print_diagnostics(diags, summary_options);
    if (diags.has_errors()) {
        std::fprintf(stderr, "enumctl compile: %zu error%s, nothing written\n", diags.error_count(),
                     diags.error_count() == 1 ? "" : "s");
        return 1;
    }
    auto t1 = Clock::now();
    zones::Store::Options store_options;
    if (map_size != 0) store_options.map_size = map_size;
    auto store = zones::Store::open(db, store_options);
    if (!store) {
        std::fprintf(stderr, "enumctl compile: cannot open database %s: %s\n", db.c_str(), store.error().c_str());
        return 2;
    }
    zones::WriteOptions options;
    options.prune_others = prune;
    options.serial_guard = serial_guard;
    auto report = (*store)->write(zones, options);
    if (!report) {
        // The serial guard refusing a zone is an error in the input (exit 1), not in the environment.
        const bool refused = report.error().find("nothing was written)") != std::string::npos;
        if (refused)
            std::fprintf(stderr, "enumctl compile: %s\n", report.error().c_str());
        else
            std::fprintf(stderr, "enumctl compile: writing %s failed: %s\n", db.c_str(), report.error().c_str());
        return refused ? 1 : 2;
    }
    auto t2 = Clock::now();
    std::uint64_t total = 0;
    for (const auto& z : report->zones) {
        total += z.records;
        std::printf("zone %s: %llu records, %llu nodes, serial %u%s\n", z.origin.to_text().c_str(),
                    static_cast<unsigned long long>(z.records), static_cast<unsigned long long>(z.nodes), z.serial,
                    z.changed ? "" : " (unchanged)");
    }
    for (const auto& r : report->removed) std::printf("zone %s: removed\n", r.to_text().c_str());
    double load_s = std::chrono::duration<double>(t1 - t0).count();
    double write_s = std::chrono::duration<double>(t2 - t1).count();
    double all_s = std::chrono::duration<double>(t2 - t0).count();
    // CPU time too: on a busy machine the wall-clock rate says little.
    double cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    std::printf("%llu records in %.3f s (load+check %.3f s, write %.3f s; cpu %.3f s): %.0f records/s\n",
                static_cast<unsigned long long>(total), all_s, load_s, write_s, cpu_s,
                all_s > 0 ? static_cast<double>(total) / all_s : 0.0);
    return 0;
}

}  // namespace enumd::enumctl
