/// enumctl compile --db DIR FILE...: loads the zone files, then checks them
/// while it writes all zones into the LMDB database, switching to them in one
/// transaction only when the checks found no error (nothing is written when there is one). Files unchanged since the database's
/// last compile are skipped, as in enumd's reloads (--force reads them all). Prints per-zone records, nodes and
/// serial, and the records-per-second figure.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "enumd/cli/progress_line.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/source_hash.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/zone_source.hpp"

namespace enumd::enumctl {

namespace {

struct CompileSettings {
    std::string db;
    bool prune = false;
    bool no_serial_guard = false;
    bool force = false;
    std::size_t map_size = 0;
    std::vector<std::string> sources;  ///< "[ORIGIN=]FILE"
    zones::SummaryOptions summary_options;
    std::vector<std::string> silenced;
};

int run_compile(CompileSettings& s) {
    const std::string& db = s.db;
    const bool prune = s.prune;
    const bool serial_guard = !s.no_serial_guard;
    const std::size_t map_size = s.map_size;
    std::vector<zones::ZoneSource> files;
    for (const auto& text : s.sources) files.push_back(*zones::parse_zone_source(text));  // checked by zone_source()
    zones::SummaryOptions summary_options = s.summary_options;
    summary_options.silenced.insert(s.silenced.begin(), s.silenced.end());
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    std::clock_t c0 = std::clock();
    zones::Store::Options store_options;
    if (map_size != 0) store_options.map_size = map_size;
    auto open_store = [&]() -> std::unique_ptr<zones::Store> {
        auto opened = zones::Store::open(db, store_options);
        if (!opened) {
            std::fprintf(stderr, "enumctl compile: cannot open database %s: %s\n", db.c_str(), opened.error().c_str());
            return nullptr;
        }
        return std::move(*opened);
    };
    // An existing database is opened first: the files that did not change since its last compile are then
    // neither parsed nor written — their serial, live changes and IXFR history stay, as in enumd's reloads
    // (zones/README.md "Reloads"). A new database is kept only once every zone has passed its checks.
    std::unique_ptr<zones::Store> store;
    std::error_code ec;
    const bool existed = std::filesystem::exists(std::filesystem::path(db) / "data.mdb", ec);
    const bool dir_existed = std::filesystem::exists(db, ec);
    if (existed) {
        if (!(store = open_store())) return 2;
    }
    zones::ReloadPlan plan;
    zones::Diagnostics diags;
    // The checks (validate_zone) run beside the write on a second thread, which commits only when they
    // found no error (zones::write_checked): a large file's build and its checks take about as long each.
    zones::DeferredChecks deferred;
    cli::ProgressLine progress_line("enumctl compile: ", [] { return zones::progress().line(); });
    std::vector<zones::Zone> zones;
    if (store && !s.force) {
        auto changed = zones::load_changed_sources(*store, files, plan, diags, &deferred);
        if (!changed) {
            progress_line.stop();
            std::fprintf(stderr, "enumctl compile: reading database %s: %s\n", db.c_str(), changed.error().c_str());
            return 2;
        }
        zones = std::move(*changed);
    } else {
        zones = zones::load_zone_sources(files, diags, deferred);
    }
    auto refuse = [&]() {
        progress_line.stop();
        print_diagnostics(diags, summary_options);
        std::fprintf(stderr, "enumctl compile: %zu error%s, nothing written\n", diags.error_count(),
                     diags.error_count() == 1 ? "" : "s");
        return 1;
    };
    if (diags.has_errors()) {
        // The file did not read cleanly: its checks are reported with its parse errors, and nothing is opened.
        zones::run_checks(zones, diags, deferred);
        return refuse();
    }
    auto t1 = Clock::now();
    if (!store && !(store = open_store())) return 2;
    // A database this command created is removed again when the zones turn out to have errors: a new
    // database exists only once every zone has passed its checks.
    auto forget_new_database = [&]() {
        if (existed) return;
        store.reset();
        for (const char* f : {"data.mdb", "lock.mdb", "write.lock"})
            std::filesystem::remove(std::filesystem::path(db) / f, ec);
        if (!dir_existed) std::filesystem::remove(db, ec);
    };
    zones::WriteOptions options;
    options.prune_others = prune;
    options.serial_guard = serial_guard;
    options.keep = plan.keep;  // the unchanged sources' zones are not pruned
    zones::WriteReport written;
    if (!zones.empty() || prune) {
        auto report = zones::write_checked(*store, zones, diags, deferred, options);
        if (diags.has_errors()) {
            forget_new_database();
            return refuse();
        }
        progress_line.stop();
        if (!report) {
            print_diagnostics(diags, summary_options);
            // The serial guard refusing a zone is an error in the input (exit 1), not in the environment.
            const bool refused = report.error().find("nothing was written)") != std::string::npos;
            if (refused)
                std::fprintf(stderr, "enumctl compile: %s\n", report.error().c_str());
            else
                std::fprintf(stderr, "enumctl compile: writing %s failed: %s\n", db.c_str(), report.error().c_str());
            return refused ? 1 : 2;
        }
        written = std::move(*report);
    }
    progress_line.stop();
    print_diagnostics(diags, summary_options);
    auto t2 = Clock::now();
    std::uint64_t total = 0;
    for (const auto& z : written.zones) total += z.records;
    written.zones.insert(written.zones.end(), plan.unchanged.begin(), plan.unchanged.end());
    for (const auto& z : written.zones) {
        std::printf("zone %s: %llu records, %llu nodes, serial %u%s\n", z.origin.to_text().c_str(),
                    static_cast<unsigned long long>(z.records), static_cast<unsigned long long>(z.nodes), z.serial,
                    z.changed ? "" : " (unchanged)");
    }
    for (const auto& r : written.removed) std::printf("zone %s: removed\n", r.to_text().c_str());
    if (zones.empty()) {
        std::printf("no zone read: every file is as the database's last compile read it (--force reads them)\n");
        return 0;
    }
    double load_s = std::chrono::duration<double>(t1 - t0).count();
    double write_s = std::chrono::duration<double>(t2 - t1).count();
    double all_s = std::chrono::duration<double>(t2 - t0).count();
    // CPU time too: on a busy machine the wall-clock rate says little.
    double cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    std::printf("%llu records in %.3f s (load %.3f s, check and write %.3f s; cpu %.3f s): %.0f records/s\n",
                static_cast<unsigned long long>(total), all_s, load_s, write_s, cpu_s,
                all_s > 0 ? static_cast<double>(total) / all_s : 0.0);
    return 0;
}

}  // namespace

Run add_compile(CLI::App& root) {
    auto s = std::make_shared<CompileSettings>();
    CLI::App* cmd = root.add_subcommand("compile", "validate, then write the zones into the LMDB database in one transaction");
    cmd->add_option("--db", s->db, "the LMDB database directory (created when missing)")->type_name("DIR")->required();
    cmd->add_flag("--prune", s->prune, "remove the zones of the database that are not given");
    cmd->add_flag("--force", s->force,
                  "parse, check and write every file, also those unchanged since the database's last compile");
    // Deliberate: take a serial that does not move forward (zones/README.md "Serial guard").
    cmd->add_flag("--no-serial-guard", s->no_serial_guard,
                  "write a zone whose serial did not move forward anyway (e.g. to roll back on purpose)");
    // The map a new database starts with; it grows as needed (store.hpp). Tests start tiny.
    cmd->add_option("--map-size", s->map_size, "the LMDB map a new database starts with (default 64 MiB; it grows)")
        ->type_name("BYTES")
        ->check(cli::integer(1, std::numeric_limits<std::size_t>::max()));
    add_warning_options(*cmd, s->summary_options, s->silenced);
    cmd->add_option("FILE", s->sources, "[ORIGIN=]FILE: .yaml/.yml the YAML format, anything else RFC 1035")
        ->required()
        ->check(zone_source());
    cmd->footer("Nothing is written when a zone has an error. A zone with an explicit serial whose content changed\n"
                "under the stored serial, or whose serial is not newer (RFC 1982), is refused: secondaries would not\n"
                "pick it up. A file whose bytes (and those of its includes and numbers_csv files) are those of the\n"
                "database's last compile is not read again: its zone keeps its serial, live changes and IXFR history\n"
                "and shows as (unchanged); --force reads and writes it anyway.\n" + warning_help());
    return [s] { return run_compile(*s); };
}

}  // namespace enumd::enumctl
