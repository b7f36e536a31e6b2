#pragma once
/// The fingerprint of a zone's sources, and the reload plan built on it.
///
/// A zone that has live overrides is served as file + overrides, and the live
/// path rewrites only the touched nodes, so the content hash of the last
/// compile no longer describes what is served. A reload must therefore not
/// decide "changed" by compiling and comparing content: it compares the
/// *sources*. Every compile stores, per zone, the files it was read from (the
/// zone file, its includes, its `numbers_csv` files) and a hash of their bytes;
/// a reload hashes those files again — bytes only, a 1M-number CSV is read,
/// not parsed — and a zone whose sources are unchanged is neither parsed nor
/// written: its serial, its data (with every live change) and its IXFR
/// journal stay as they are (zones/README.md "Reloads").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/zones/store.hpp"
#include "enumd/zones/zone_source.hpp"

namespace enumd::zones {

/// "ORIGIN=FILE" or "FILE": a source as the fingerprint names it (a changed
/// ORIGIN= is a changed source).
std::string source_spec(const ZoneSource& source);

/// Hash over a format version, `spec`, and each file's path, size and bytes
/// (never 0). nullopt when a file cannot be read, or — with
/// `unchanged_since` (CLOCK_REALTIME_COARSE nanoseconds, 0: no check) — when
/// a file's mtime or ctime is at or after that moment: it changed while it
/// was parsed, so the hash might not describe what was parsed.
std::optional<std::uint64_t> hash_sources(std::string_view spec, const std::vector<std::string>& files,
                                          std::int64_t unchanged_since = 0);

/// The moment to pass as `unchanged_since`, taken before the first byte of a source is read.
std::int64_t source_clock_now() noexcept;

/// What a reload has to do: the sources to load and compile, and the zones left alone.
struct ReloadPlan {
    std::vector<ZoneSource> load;                  ///< changed, new or never fingerprinted
    std::vector<WriteReport::PerZone> unchanged;   ///< sources unchanged: not parsed, not written
    std::vector<dns::Name> keep;                   ///< origins of `unchanged` (WriteOptions::keep)
    std::vector<dns::Name> others;                 ///< stored zones no source names (pruned, or secondaries)
};

/// Compares each source with what the last compile of `store` recorded for
/// it (the zones whose ZoneMeta::source names the file). A source is
/// unchanged only when every zone it produced has a fingerprint and the files
/// hash to it now.
dns::Result<ReloadPlan> plan_reload(Store& store, const std::vector<ZoneSource>& sources);

/// The zones a compile of `sources` into `store` must write: plan_reload, then load_zone_sources of the
/// changed ones. When a changed source now defines an origin that an unchanged one holds, every source is
/// loaded and checked together (`plan` then says nothing is unchanged). enumd's reloads and `enumctl compile`.
/// With `deferred`, the checks are left to run_checks or write_checked (zone_source.hpp).
dns::Result<std::vector<Zone>> load_changed_sources(Store& store, const std::vector<ZoneSource>& sources,
                                                    ReloadPlan& plan, Diagnostics& diags,
                                                    DeferredChecks* deferred = nullptr);

}  // namespace enumd::zones
