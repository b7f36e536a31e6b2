#pragma once
/// The reload function of enumd (Server::ReloadFn): compile the configured
/// zone files into the database in one transaction, then NOTIFY the
/// secondaries of changed zones. Errors throw and leave the served data alone.
///
/// The first compile runs in a child process (compile_in_child), so that the
/// memory of parsing and building a large zone is never enumd's: the child
/// exits and enumd maps only the database (server/README.md, "Start").

#include <functional>
#include <optional>
#include <string>

#include "enumd/server/config.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::cli {
class ProgressLine;
}

namespace enumd::server::daemon {

class ZoneCompiler {
public:
    ZoneCompiler(const Config& cfg, zones::Store& store, xfr::Service& xfr) : cfg_(cfg), store_(store), xfr_(xfr) {}
    /// A one-line summary; throws std::runtime_error with every diagnostic.
    std::string operator()() const;
    /// After a write (here or in the child): NOTIFY for changed zones, a log line per zone; the summary.
    std::string written(const zones::WriteReport& report, double seconds) const;

private:
    const Config& cfg_;
    zones::Store& store_;
    xfr::Service& xfr_;
};

/// Loads, validates and writes the configured zone files into `store`
/// (warnings logged); throws std::runtime_error with every diagnostic.
/// `progress`: a progress line on the terminal, paused while warnings are logged.
/// `on_written`: called with the report once the write is durable, before the
/// loaded zones are freed (a compile child answers there and exits: freeing
/// a gigabyte of model object by object is work nobody waits for).
zones::WriteReport compile_zones(const Config& cfg, zones::Store& store, cli::ProgressLine* progress = nullptr,
                                 const std::function<void(const zones::WriteReport&)>& on_written = {});

/// compile_zones in a child process with its own LMDB environment on
/// cfg.database; the report comes back over a pipe. The forked child execs
/// enumd again (`argv`: this enumd's arguments, the child reads the same
/// configuration) with glibc's huge-page tunable for malloc, and that process
/// compiles (run_as_compile_child); without `argv`, or when the exec fails, the
/// forked child compiles itself. Call it before any thread starts and before
/// this process opens the database (LMDB environments must not cross a fork).
/// Throws std::runtime_error like compile_zones, or when the child dies. Returns
/// as soon as the child has answered: the child exits without freeing its
/// model, and a thread reaps it while this process goes on.
zones::WriteReport compile_in_child(const Config& cfg, const zones::Store::Options& options,
                                    char* const* argv = nullptr);

/// In the process that compile_in_child started with exec: compiles into the
/// parent's database (set into `cfg`), answers on the parent's pipe and gives
/// the exit code. std::nullopt in any other process.
std::optional<int> run_as_compile_child(Config& cfg, const zones::Store::Options& options);

}  // namespace enumd::server::daemon
