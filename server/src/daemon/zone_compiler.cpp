#include "daemon/zone_compiler.hpp"

#include <malloc.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "enumd/cli/progress_line.hpp"
#include "enumd/server/log.hpp"
#include "enumd/zones/diagnostic_summary.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/source_hash.hpp"

namespace enumd::server::daemon {
namespace {

std::string join_diagnostics(const zones::Diagnostics& d) {
    std::string s;
    for (const auto& item : d.items) s += (s.empty() ? "" : "\n") + item.to_text();
    return s;
}

// The child's answer on the pipe: "ok\n" and one line per zone ("Z origin serial changed records nodes
// previous|- [why the IXFR history was cut]") and per removed zone ("R origin"), or "error\n" and the diagnostics.
std::string encode_report(const zones::WriteReport& report) {
    std::string out = "ok\n";
    for (const auto& z : report.zones) {
        out += "Z " + z.origin.to_text() + " " + std::to_string(z.serial) + " " + (z.changed ? "1" : "0") + " " +
               std::to_string(z.records) + " " + std::to_string(z.nodes) + " " +
               (z.previous_serial ? std::to_string(*z.previous_serial) : "-") +
               (z.history_cut.empty() ? "" : " " + z.history_cut) + "\n";
    }
    for (const auto& r : report.removed) out += "R " + r.to_text() + "\n";
    return out;
}

zones::WriteReport decode_report(const std::string& text) {
    zones::WriteReport report;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);  // "ok"
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string kind;
        std::string origin;
        f >> kind >> origin;
        auto name = dns::Name::from_text(origin);
        if (!name) throw std::runtime_error("compile process: bad report line '" + line + "'");
        if (kind == "R") {
            report.removed.push_back(*name);
            continue;
        }
        zones::WriteReport::PerZone z;
        z.origin = *name;
        std::string changed;
        std::string previous;
        f >> z.serial >> changed >> z.records >> z.nodes >> previous;
        if (!f) throw std::runtime_error("compile process: bad report line '" + line + "'");
        z.changed = changed == "1";
        if (previous != "-") z.previous_serial = static_cast<std::uint32_t>(std::stoul(previous));
        std::getline(f >> std::ws, z.history_cut);  // the rest of the line, when the history was cut
        report.zones.push_back(std::move(z));
    }
    return report;
}

void write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

zones::WriteReport compile_zones(const Config& cfg, zones::Store& store, cli::ProgressLine* progress,
                                 const std::function<void(const zones::WriteReport&)>& on_written) {
    // Sources whose files did not change since their last compile are neither parsed nor written: their
    // serial, their live changes and their IXFR history stay (zones/README.md "Reloads").
    zones::ReloadPlan plan;
    zones::Diagnostics d;
    // The checks run beside the write, which switches to the new data only when they found no error
    // (zones::write_checked).
    zones::DeferredChecks deferred;
    auto changed = zones::load_changed_sources(store, cfg.zones, plan, d, &deferred);
    if (!changed) throw std::runtime_error(changed.error());
    std::vector<zones::Zone> loaded = std::move(*changed);
    // Summarised per kind as enumctl check does (diagnostic_summary.hpp): the first few, then a count.
    auto log_warnings = [&]() {
        const zones::Summary summary = zones::summarise(d.items, zones::SummaryOptions{});
        if (progress != nullptr) progress->pause();
        for (const zones::Diagnostic* item : summary.shown) {
            if (item->severity == zones::Diagnostic::Severity::Warning)
                log(LogLevel::Warn, item->loc.to_text(), "zone warning",
                    {{"message", item->message}, {"kind", item->kind}});
        }
        for (const auto& [kind, n] : summary.more)
            log(LogLevel::Warn, "zones", "zone warnings not shown", {{"kind", kind}, {"count", std::to_string(n)}});
        if (progress != nullptr) progress->resume();
    };
    if (d.has_errors()) {
        // The files did not read cleanly: their checks are reported with the parse errors.
        zones::run_checks(loaded, d, deferred);
        log_warnings();
        throw std::runtime_error(join_diagnostics(d));
    }
    zones::WriteOptions opts;
    opts.prune_others = true;
    opts.serial_guard = true;  // zones/README.md "Serial guard": a refused reload keeps the running data
    for (const auto& s : cfg.xfr.secondaries) opts.keep.push_back(s.origin);  // filled by transfers
    bool prune = false;
    for (const auto& o : plan.others) {
        bool secondary = false;
        for (const auto& s : cfg.xfr.secondaries) secondary = secondary || s.origin.equals(o);
        prune = prune || !secondary;
    }
    zones::WriteReport report;
    if (!loaded.empty() || prune) {
        opts.keep.insert(opts.keep.end(), plan.keep.begin(), plan.keep.end());
        auto written = zones::write_checked(store, loaded, d, deferred, opts);
        log_warnings();
        if (d.has_errors()) throw std::runtime_error(join_diagnostics(d));
        if (!written) throw std::runtime_error(written.error());
        report = std::move(*written);
    } else {
        log_warnings();
    }
    report.zones.insert(report.zones.end(), plan.unchanged.begin(), plan.unchanged.end());
    if (on_written) on_written(report);
    return report;
}

namespace {

/// The environment that makes an enumd a compile child (run_as_compile_child): the pipe's descriptor and the
/// database directory (a temporary one is only known to the parent).
constexpr const char* kChildFdEnv = "ENUMD_COMPILE_CHILD_FD";
constexpr const char* kChildDbEnv = "ENUMD_COMPILE_CHILD_DB";

/// The child's work: open the database, compile, answer on `fd`. Returns the exit code.
int compile_and_answer(const Config& cfg, const zones::Store::Options& options, int fd) {
    std::string answer;
    int code = 0;
    {
        // On a terminal, records, rate and ETA as the compile goes (progress_line.hpp); nothing otherwise.
        cli::ProgressLine progress("enumd: ", [] { return zones::progress().line(); });
        try {
            auto store = zones::Store::open(cfg.database, options);
            if (!store) throw std::runtime_error("cannot open database " + cfg.database + ": " + store.error());
            // Written and durable: answer, and end the process without freeing the model, the checks'
            // state and LMDB's buffers object by object (0.1-0.2 s of a 1M-number zone's start, measured
            // with strace; the kernel takes the address space back at once). The environment needs no
            // close: the write transaction is committed, and this process holds no reader slot.
            compile_zones(cfg, **store, &progress, [&](const zones::WriteReport& report) {
                progress.stop();
                write_all(fd, encode_report(report));
                ::close(fd);
                std::fflush(nullptr);
                ::_exit(0);
            });
            answer = "error\nthe compile ended without its report";
            code = 1;
        } catch (const std::exception& e) {
            answer = std::string("error\n") + e.what();
            code = 1;
        }
        progress.stop();
    }
    write_all(fd, answer);
    ::close(fd);
    std::fflush(nullptr);
    return code;
}

/// Turns the forked child into a new enumd — the same executable and arguments — that only compiles
/// (run_as_compile_child), started with glibc's glibc.malloc.hugetlb=1 tunable, which glibc reads only at
/// process start: the compile's heap is then backed by transparent huge pages, as enumctl's is
/// (tools/enumctl/main.cpp). On this 2-vCPU VM a fresh 4 KiB page costs far more than it does on bare metal
/// (touching 1 GiB: 6.5-7 CPU seconds with 4 KiB pages, 2-2.5 with huge pages), and the compile of the
/// 1M-number zone of tools/bench/gen_zone.py touches 1.1 GiB. An operator's own setting of the tunable wins.
/// Returns only when the exec failed (no /proc): the caller compiles in the forked child as it is.
void exec_compile_child(char* const* argv, int fd, const std::string& database) {
    const char* have = std::getenv("GLIBC_TUNABLES");
    std::string tunables = have != nullptr ? have : "";
    if (tunables.find("glibc.malloc.hugetlb") == std::string::npos)
        tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
    if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0 ||
        ::setenv(kChildFdEnv, std::to_string(fd).c_str(), 1) != 0 || ::setenv(kChildDbEnv, database.c_str(), 1) != 0)
        return;
    ::execv("/proc/self/exe", argv);
    ::unsetenv(kChildFdEnv);
    ::unsetenv(kChildDbEnv);
    if (have != nullptr)
        ::setenv("GLIBC_TUNABLES", have, 1);
    else
        ::unsetenv("GLIBC_TUNABLES");
}

}  // namespace

std::optional<int> run_as_compile_child(Config& cfg, const zones::Store::Options& options) {
    const char* fd_text = std::getenv(kChildFdEnv);
    const char* db = std::getenv(kChildDbEnv);
    if (fd_text == nullptr || db == nullptr) return std::nullopt;
    const int fd = std::atoi(fd_text);
    cfg.database = db;
    ::unsetenv(kChildFdEnv);
    ::unsetenv(kChildDbEnv);
    return compile_and_answer(cfg, options, fd);
}

zones::WriteReport compile_in_child(const Config& cfg, const zones::Store::Options& options, char* const* argv) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::fflush(nullptr);  // nothing buffered is written twice
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // enumd killed while its first compile runs takes the compile along (the database stays
        // whole: one LMDB transaction), instead of leaving it to finish for nobody. The signal stays
        // set across the exec below.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);  // it died before prctl
        ::close(fds[0]);
        if (argv != nullptr) exec_compile_child(argv, fds[1], cfg.database);
        ::_exit(compile_and_answer(cfg, options, fds[1]));  // no atexit handlers or static destructors of the parent's state
    }
    ::close(fds[1]);
    std::string text;
    char buf[65536];
    while (true) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    auto reap = [pid] {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return status;
    };
    if (text.rfind("ok\n", 0) == 0) {
        // Answered: the child's exit (the kernel freeing its address space) is nobody's wait.
        std::thread(reap).detach();
        return decode_report(text);
    }
    const int status = reap();
    if (WIFSIGNALED(status))
        throw std::runtime_error("the compile process died of signal " + std::to_string(WTERMSIG(status)));
    if (text.rfind("error\n", 0) == 0) throw std::runtime_error(text.substr(6));
    throw std::runtime_error("the compile process ended without an answer");
}

std::string ZoneCompiler::written(const zones::WriteReport& report, double seconds) const {
    xfr_.zones_written(report);
    std::string summary;
    for (const auto& z : report.zones) {
        log(LogLevel::Info, "zone " + z.origin.to_text(), z.changed ? "compiled" : "unchanged",
            {{"records", std::to_string(z.records)}, {"serial", std::to_string(z.serial)}});
        if (!z.history_cut.empty())
            log(LogLevel::Warn, "zone " + z.origin.to_text(), "IXFR history cut",
                {{"reason", z.history_cut}, {"serial", std::to_string(z.serial)}});
        summary += (summary.empty() ? "" : ", ") + z.origin.to_text() + " serial " + std::to_string(z.serial) +
                   (z.changed ? "" : " (unchanged)");
    }
    char t[32];
    std::snprintf(t, sizeof t, "%.3f", seconds);
    return summary + " in " + t + " s";
}

std::string ZoneCompiler::operator()() const {
    if (cfg_.zones.empty()) return "database " + cfg_.database + " re-read";
    auto t0 = std::chrono::steady_clock::now();
    zones::WriteReport report;
    try {
        report = compile_zones(cfg_, store_);
    } catch (...) {
        ::malloc_trim(0);
        throw;
    }
    // A reload compiles in this process (its threads rule out a plain fork): hand the
    // parse's and build's freed memory back to the system.
    ::malloc_trim(0);
    return written(report, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace enumd::server::daemon
