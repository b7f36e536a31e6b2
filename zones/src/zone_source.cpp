#include "enumd/zones/zone_source.hpp"

#include <exception>
#include <filesystem>
#include <map>
#include <thread>

#include "enumd/zones/progress.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/source_hash.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::zones {

std::optional<ZoneSource> parse_zone_source(const std::string& text) {
    ZoneSource z;
    auto eq = text.find('=');
    if (eq != std::string::npos) {
        auto n = dns::Name::from_text(text.substr(0, eq));
        if (!n) return std::nullopt;
        z.origin = *n;
        z.file = text.substr(eq + 1);
    } else {
        z.file = text;
    }
    if (z.file.empty()) return std::nullopt;
    return z;
}

namespace {

std::vector<Zone> load_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags, DeferredChecks* deferred) {
    std::vector<Zone> zones;
    std::map<std::string, SourceLoc> origins;
    for (const auto& source : sources) {
        const std::string& path = source.file;
        std::vector<Zone> got;
        const std::int64_t started = source_clock_now();  // before the first byte is read
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            diags.error(SourceLoc{path, 0, 0}, "'" + path + "' is a directory, not a zone file");
            continue;
        }
        progress().phase(Progress::Phase::Reading);
        if (is_yaml_path(path)) {
            if (auto z = load_yaml_zone(path, diags)) got.push_back(std::move(*z));
        } else {
            got = load_rfc1035(path, source.origin, diags);
        }
        const std::string spec = source_spec(source);
        for (auto& z : got) {
            // The fingerprint of the bytes just parsed (source_hash.hpp): none when a file changed meanwhile.
            z.source_hash = hash_sources(spec, z.source_files, started).value_or(0);
            if (deferred != nullptr) {
                deferred->at.push_back(diags.items.size());
            } else {
                progress().phase(Progress::Phase::Checking);
                validate_zone(z, diags);
            }
            auto [it, fresh] = origins.emplace(z.origin.lowercased().to_text(), z.loc);
            if (!fresh)
                diags.error(z.loc, "zone " + z.origin.to_text() + " is also defined at " + it->second.to_text());
            zones.push_back(std::move(z));
        }
    }
    return zones;
}

/// One half of validate_zone (validate_records or validate_structure) of each zone into its own Diagnostics.
std::vector<Diagnostics> check_each(const std::vector<Zone>& zones, void (*half)(const Zone&, Diagnostics&)) {
    std::vector<Diagnostics> found(zones.size());
    for (std::size_t i = 0; i < zones.size(); ++i) half(zones[i], found[i]);
    return found;
}

/// validate_zone of each zone into its own Diagnostics: its two halves on two threads (this one and another),
/// their findings in validate_zone's order.
std::vector<Diagnostics> check_each(const std::vector<Zone>& zones) {
    std::vector<Diagnostics> records;
    std::exception_ptr failed;
    std::thread other([&]() {
        try {
            records = check_each(zones, validate_records);
        } catch (...) {
            failed = std::current_exception();
        }
    });
    std::vector<Diagnostics> found;
    try {
        found = check_each(zones, validate_structure);
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failed) std::rethrow_exception(failed);
    for (std::size_t i = 0; i < found.size(); ++i) {
        auto& items = records[i].items;
        found[i].items.insert(found[i].items.begin(), std::make_move_iterator(items.begin()),
                              std::make_move_iterator(items.end()));
    }
    return found;
}

/// Puts each zone's findings where an undeferred load would have: back to front, so that the earlier
/// positions stay valid.
void insert_findings(Diagnostics& diags, std::vector<Diagnostics>& found, const DeferredChecks& deferred) {
    for (std::size_t i = found.size(); i-- > 0;) {
        auto& items = found[i].items;
        std::size_t at = i < deferred.at.size() ? std::min(deferred.at[i], diags.items.size()) : diags.items.size();
        diags.items.insert(diags.items.begin() + static_cast<std::ptrdiff_t>(at), std::make_move_iterator(items.begin()),
                           std::make_move_iterator(items.end()));
    }
}

}  // namespace

std::vector<Zone> load_zone_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags) {
    return load_sources(sources, diags, nullptr);
}

std::vector<Zone> load_zone_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags,
                                    DeferredChecks& deferred) {
    deferred = DeferredChecks{};
    return load_sources(sources, diags, &deferred);
}

void run_checks(const std::vector<Zone>& zones, Diagnostics& diags, const DeferredChecks& deferred) {
    progress().phase(Progress::Phase::Checking);
    auto found = check_each(zones);
    insert_findings(diags, found, deferred);
}

dns::Result<WriteReport> write_checked(Store& store, const std::vector<Zone>& zones, Diagnostics& diags,
                                       const DeferredChecks& deferred, WriteOptions options) {
    std::vector<Diagnostics> found;
    std::exception_ptr failed;
    // The checks only read the zones, as the write does; their findings stay in `found` until the join.
    std::thread checks([&]() {
        try {
            found = check_each(zones);
        } catch (...) {
            failed = std::current_exception();
        }
    });
    bool joined = false;
    auto join = [&]() {
        if (joined) return;
        checks.join();
        joined = true;
    };
    auto clean = [&]() {
        join();
        if (failed) return false;
        for (const auto& f : found)
            if (f.has_errors()) return false;
        return true;
    };
    options.proceed = clean;
    dns::Result<WriteReport> written = dns::make_error(std::string(kChecksFailed));
    try {
        written = store.write(zones, options);
    } catch (...) {
        join();
        throw;
    }
    const bool ok = clean();
    insert_findings(diags, found, deferred);
    if (failed) std::rethrow_exception(failed);
    if (!ok) return dns::make_error(std::string(kChecksFailed));
    return written;
}

std::vector<Zone> load_zone_files(const std::vector<std::string>& paths, Diagnostics& diags) {
    std::vector<ZoneSource> sources;
    sources.reserve(paths.size());
    for (const auto& p : paths) sources.push_back(ZoneSource{std::nullopt, p});
    return load_zone_sources(sources, diags);
}

}  // namespace enumd::zones
