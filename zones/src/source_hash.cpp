#include "enumd/zones/source_hash.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <ctime>
#include <map>

namespace enumd::zones {
namespace {

/// Bumped whenever the compiler's output for the same bytes may change, so an
/// upgraded enumd recompiles once instead of trusting an old fingerprint.
constexpr std::uint64_t kSourceFormat = 1;

/// FNV-1a over 8-byte words (the bytes are our own files, not an adversary's:
/// accidental changes are what it must notice), about 1 GB/s.
struct WordHash {
    std::uint64_t h = 1469598103934665603ULL;
    void word(std::uint64_t w) noexcept {
        h ^= w;
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    void bytes(const void* data, std::size_t n) noexcept {
        const auto* p = static_cast<const unsigned char*>(data);
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p + i, 8);
            word(w);
        }
        std::uint64_t tail = 0;
        std::memcpy(&tail, p + i, n - i);
        word(tail ^ (static_cast<std::uint64_t>(n - i) << 56));
    }
};

struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

}  // namespace

std::string source_spec(const ZoneSource& source) {
    return source.origin ? source.origin->to_text() + "=" + source.file : source.file;
}

std::int64_t source_clock_now() noexcept {
    // The coarse clock is the one file timestamps are taken from (current_time() in the kernel): a file
    // written after this moment never gets an older timestamp than it.
    struct timespec t {};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
    return ns(t);
}

std::optional<std::uint64_t> hash_sources(std::string_view spec, const std::vector<std::string>& files,
                                          std::int64_t unchanged_since) {
    WordHash h;
    h.word(kSourceFormat);
    h.bytes(spec.data(), spec.size());
    std::array<char, 1 << 16> buf{};
    for (const auto& path : files) {
        Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (f.fd < 0) return std::nullopt;
        struct stat st {};
        if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
        if (unchanged_since != 0 && (ns(st.st_mtim) >= unchanged_since || ns(st.st_ctim) >= unchanged_since))
            return std::nullopt;
        h.bytes(path.data(), path.size());
        std::uint64_t size = 0;
        while (true) {
            ssize_t n = ::read(f.fd, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return std::nullopt;
            if (n == 0) break;
            h.bytes(buf.data(), static_cast<std::size_t>(n));
            size += static_cast<std::uint64_t>(n);
        }
        h.word(size);
    }
    return h.h == 0 ? 1 : h.h;
}

dns::Result<ReloadPlan> plan_reload(Store& store, const std::vector<ZoneSource>& sources) {
    ReloadPlan plan;
    auto reader = store.reader();
    if (!reader) return dns::Result<ReloadPlan>(dns::Error{reader.error()});
    if (!(*reader)->refresh()) return dns::Result<ReloadPlan>(dns::Error{"cannot read the database"});
    std::map<std::string, std::vector<const ZoneInfo*>> by_file;
    for (const auto& z : (*reader)->zones()) by_file[z.meta.source].push_back(&z);
    for (const auto& source : sources) {
        auto it = by_file.find(source.file);
        bool same = it != by_file.end();
        if (same) {
            const std::string spec = source_spec(source);
            for (const ZoneInfo* z : it->second) {
                if (z->meta.source_hash == 0 || z->meta.source_files.empty()) {
                    same = false;
                    break;
                }
                auto now = hash_sources(spec, z->meta.source_files);
                if (!now || *now != z->meta.source_hash) {
                    same = false;
                    break;
                }
            }
        }
        if (!same) {
            plan.load.push_back(source);
            continue;
        }
        for (const ZoneInfo* z : it->second) {
            plan.unchanged.push_back(WriteReport::PerZone{z->origin, z->meta.serial, false, z->meta.records,
                                                          z->meta.nodes, z->meta.serial, {}});
            plan.keep.push_back(z->origin);
        }
    }
    std::map<std::string, bool> named;
    for (const auto& source : sources) named[source.file] = true;
    for (const auto& z : (*reader)->zones())
        if (named.count(z.meta.source) == 0) plan.others.push_back(z.origin);
    (*reader)->release();
    return plan;
}

dns::Result<std::vector<Zone>> load_changed_sources(Store& store, const std::vector<ZoneSource>& sources,
                                                    ReloadPlan& plan, Diagnostics& diags, DeferredChecks* deferred) {
    auto planned = plan_reload(store, sources);
    if (!planned) return dns::make_error(planned.error());
    plan = std::move(*planned);
    auto load = [&](const std::vector<ZoneSource>& which) {
        return deferred != nullptr ? load_zone_sources(which, diags, *deferred) : load_zone_sources(which, diags);
    };
    std::vector<Zone> loaded = load(plan.load);
    bool clash = false;
    for (const auto& z : loaded)
        for (const auto& k : plan.keep) clash = clash || z.origin.equals(k);
    if (clash) {
        diags = Diagnostics{};
        loaded = load(sources);
        plan = ReloadPlan{};
    }
    return loaded;
}

}  // namespace enumd::zones
