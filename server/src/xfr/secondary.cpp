#include "secondary.hpp"

#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "client.hpp"
#include "enumd/dns/rdata.hpp"
#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "stats/zone_xfr_metrics.hpp"
#include "transfer_in.hpp"

namespace enumd::server::xfr {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kUdpTimeout{2000};
constexpr std::chrono::milliseconds kTcpTimeout{15000};  // per step: a stalled primary is given up
constexpr std::uint32_t kMinRetry = 5;                   // seconds; SOA timers below this are raised

bool same_address(const sockaddr* peer, const Endpoint& ep) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (peer == nullptr || !to_sockaddr(ep, ss, len)) return false;
    const std::uint8_t* p4 = nullptr;
    if (peer->sa_family == AF_INET) p4 = reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in*>(peer)->sin_addr);
    if (peer->sa_family == AF_INET6) {
        const std::uint8_t* a = reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr.s6_addr;
        static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        if (std::memcmp(a, kMapped, 12) == 0) p4 = a + 12;
        if (ss.ss_family == AF_INET6)
            return std::memcmp(a, reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr.s6_addr, 16) == 0;
    }
    return p4 != nullptr && ss.ss_family == AF_INET &&
           std::memcmp(p4, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, 4) == 0;
}

std::string time_text(std::int64_t unix_seconds) {
    if (unix_seconds <= 0) return "never";
    std::time_t t = unix_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Soa {
    std::uint32_t serial = 0;
    std::uint32_t refresh = 3600;
    std::uint32_t retry = 600;
    std::uint32_t expire = 604800;
};

Soa soa_fields(std::span<const std::uint8_t> rdata) {
    Soa s;
    auto t = dns::soa_timers(rdata);
    if (!t) return s;
    s.serial = t->serial;
    s.refresh = std::max(t->refresh, kMinRetry);
    s.retry = std::max(t->retry, kMinRetry);
    s.expire = std::max(t->expire, kMinRetry);
    return s;
}

}  // namespace

struct Secondaries::Impl {
    struct State {
        SecondaryZone cfg;
        const tsig::Key* key = nullptr;
        std::optional<std::uint32_t> serial;
        Soa soa;
        Clock::time_point next = Clock::now();
        Clock::time_point last_ok = Clock::now();
        std::int64_t last_transfer = 0;  // unix seconds
        std::int64_t next_unix = 0;
        std::string result = "pending";
    };
    const Settings& settings;
    zones::Store& store;
    Service& service;
    std::vector<State> zones;
    mutable std::mutex mutex;
    std::condition_variable cv;
    bool stopping = false;
    std::thread thread;
    std::shared_ptr<resolver::Exchanger> exchanger;

    Impl(const Settings& s, zones::Store& st, Service& svc, std::shared_ptr<resolver::Exchanger> ex)
        : settings(s), store(st), service(svc), exchanger(ex ? std::move(ex) : resolver::NetExchanger::shared()) {
        for (const auto& z : s.secondaries) {
            State st2;
            st2.cfg = z;
            st2.key = z.key.empty() ? nullptr : s.key(z.key);
            zones.push_back(std::move(st2));
        }
    }

    void schedule(State& z, std::uint32_t seconds) {
        z.next = Clock::now() + std::chrono::seconds(seconds);
        z.next_unix = static_cast<std::int64_t>(std::time(nullptr)) + seconds;
    }

    /// What the database already holds survives a restart: serial and timers.
    void load_from_store() {
        auto rd = store.reader();
        if (!rd || !(*rd)->refresh()) return;
        for (auto& z : zones) {
            for (const auto& info : (*rd)->zones()) {
                if (!(info.origin == z.cfg.origin)) continue;
                z.serial = info.meta.serial;
                z.last_transfer = info.meta.compiled_at;
                if (auto apex = (*rd)->get(info, info.origin)) {
                    if (auto soa = apex->find(dns::RrType::SOA)) {
                        std::size_t off = 0;
                        std::span<const std::uint8_t> rdata;
                        if (soa->next(off, rdata)) z.soa = soa_fields(rdata);
                    }
                }
                z.result = "loaded from database";
            }
        }
        (*rd)->release();
    }

    /// The primary's SOA serial (RFC 1034 §4.3.5), over the client exchange:
    /// a connected socket, the answer matched by ID, question and source.
    std::optional<std::uint32_t> query_soa(const State& z, const Endpoint& ep, std::string& why) {
        auto server = server_address(ep);
        if (!server) {
            why = "bad primary address";
            return std::nullopt;
        }
        why = "no answer to the SOA query";
        for (int attempt = 0; attempt < 2; ++attempt) {
            std::vector<std::uint8_t> mac;
            resolver::Request req;
            req.qname = z.cfg.origin;
            req.qtype = dns::RrType::SOA;
            req.edns_size.reset();
            req.timeout = kUdpTimeout;
            req.sign = tsig_signing(z.key, &mac);
            auto reply = resolver::run_blocking(exchanger->exchange(*server, req));
            if (!reply.answered()) continue;
            const auto& in = reply.message;
            if (z.key != nullptr) {
                tsig::ResponseVerifier v(*z.key, mac);
                bool is_signed = false;
                if (!v.verify(in, static_cast<std::uint64_t>(std::time(nullptr)), is_signed, why)) return std::nullopt;
            }
            dns::Header h;
            dns::read_header(in, h);
            if (h.rcode() != 0) {
                why = "SOA query answered " + dns::to_text(static_cast<dns::Rcode>(h.rcode()));
                return std::nullopt;
            }
            dns::WireReader r(in, dns::kHeaderSize);
            dns::Question question;
            if (!r.read_question(question)) continue;
            for (unsigned i = 0; i < h.ancount; ++i) {
                dns::RecordView rv;
                if (!r.read_record(rv)) break;
                if (rv.type != dns::RrType::SOA || !(rv.owner == z.cfg.origin)) continue;
                if (auto t = dns::soa_timers(rv.rdata)) return t->serial;
            }
        }
        return std::nullopt;
    }

    /// Our current SOA (for the IXFR request), from the database.
    std::optional<zones::Record> current_soa(const State& z) {
        auto rd = store.reader();
        if (!rd || !(*rd)->refresh()) return std::nullopt;
        std::optional<zones::Record> out;
        for (const auto& info : (*rd)->zones()) {
            if (!(info.origin == z.cfg.origin)) continue;
            if (auto apex = (*rd)->get(info, info.origin)) {
                if (auto soa = apex->find(dns::RrType::SOA)) {
                    std::size_t off = 0;
                    std::span<const std::uint8_t> rdata;
                    if (soa->next(off, rdata)) {
                        zones::Record r;
                        r.owner = z.cfg.origin;
                        r.type = dns::RrType::SOA;
                        r.ttl = soa->ttl;
                        r.rdata.assign(rdata.begin(), rdata.end());
                        out = std::move(r);
                    }
                }
            }
        }
        (*rd)->release();
        return out;
    }

    enum class Outcome { Zone, UpToDate, Failed, IxfrUnusable };

    /// The transfer request: AXFR, or IXFR with our SOA in the authority
    /// section (RFC 1995 §3); signed when the zone has a key.
    resolver::Request transfer_request(const State& z, const std::optional<zones::Record>& ours,
                                       std::vector<std::uint8_t>& mac) {
        resolver::Request req;
        req.qname = z.cfg.origin;
        req.qtype = ours ? dns::RrType::IXFR : dns::RrType::AXFR;
        if (ours) req.records.push_back({dns::Section::Authority, z.cfg.origin, dns::RrType::SOA, ours->ttl, ours->rdata});
        req.edns_size.reset();
        req.tcp_only = true;  // RFC 5936 §4.2
        req.timeout = kTcpTimeout;
        req.sign = tsig_signing(z.key, &mac);
        return req;
    }

    /// AXFR (RFC 5936 §2.2) or IXFR (RFC 1995 §4) in: the whole new zone or nothing.
    /// IXFR differences are applied to the stored version in memory, then the
    /// result is written like a compile (one transaction).
    Outcome transfer(const State& z, const Endpoint& ep, bool incremental, zones::Zone& zone, std::string& why) {
        std::optional<zones::Record> ours;
        if (incremental) ours = current_soa(z);
        auto server = server_address(ep);
        if (!server) return Outcome::Failed;
        std::vector<std::uint8_t> mac;
        auto req = transfer_request(z, ours, mac);
        const std::string source = "primary " + ep.to_text();
        TransferReader reader(z.cfg.origin, ours, source);
        std::optional<tsig::ResponseVerifier> verifier;
        bool last_signed = true;
        auto step = TransferReader::Step::More;
        auto on_message = [&](std::span<const std::uint8_t> msg) {
            if (!verifier && z.key != nullptr) verifier.emplace(*z.key, mac);  // the MAC exists once the request is signed
            std::string e;
            if (verifier && !verifier->verify(msg, static_cast<std::uint64_t>(std::time(nullptr)), last_signed, e)) {
                why = "TSIG: " + e;
                step = TransferReader::Step::Failed;
                return false;
            }
            step = reader.feed(msg);
            if (step != TransferReader::Step::More) why = reader.why();
            return step == TransferReader::Step::More;
        };
        auto reply = resolver::run_blocking(exchanger->stream(*server, req, on_message));
        if (!reply.answered() && step == TransferReader::Step::More) {
            step = reader.interrupted();
            why = step == TransferReader::Step::IxfrUnusable ? reader.why() : reply.detail;
        }
        switch (step) {
        case TransferReader::Step::UpToDate: return Outcome::UpToDate;
        case TransferReader::Step::IxfrUnusable: return Outcome::IxfrUnusable;
        case TransferReader::Step::Done: break;
        default: return Outcome::Failed;
        }
        if (verifier && !last_signed) {
            why = "the last message is not signed";
            return Outcome::Failed;
        }
        if (!reader.ixfr_form()) {
            auto got = reader.take_zone();
            if (!got) {
                why = reader.why();
                return Outcome::Failed;
            }
            zone = std::move(*got);
            zone.auto_serial = false;
            return Outcome::Zone;
        }
        // Apply the differences to the stored version, read node by node (never whole in memory).
        auto rd = store.reader();
        if (!rd || !(*rd)->refresh()) {
            why = "cannot read the stored zone";
            return Outcome::IxfrUnusable;
        }
        const zones::ZoneInfo* info = (*rd)->find_zone(z.cfg.origin);
        if (info == nullptr || !(info->origin == z.cfg.origin)) {
            (*rd)->release();
            why = "the zone is not in the database";
            return Outcome::IxfrUnusable;
        }
        auto stored = [&](const auto& f) {
            (*rd)->for_each_node(*info, [&](const dns::Name& owner, zones::NodeView node) {
                std::size_t off = 0;
                zones::RrsetView rs;
                while (node.next(off, rs)) {
                    std::size_t ro = 0;
                    std::span<const std::uint8_t> rdata;
                    while (rs.next(ro, rdata)) f(owner, static_cast<std::uint16_t>(rs.type), rs.ttl, rdata);
                }
                return true;
            });
            return true;
        };
        zones::Record final_soa = reader.final_soa();
        auto applied = apply_ixfr(z.cfg.origin, stored, final_soa, reader.changes(), why);
        (*rd)->release();
        if (!applied) return Outcome::IxfrUnusable;
        zone = std::move(*applied);
        zone.auto_serial = false;
        return Outcome::Zone;
    }

    void refresh(State& z) {
        std::string why = "no primary";
        for (const auto& ep : z.cfg.primaries) {
            auto remote = query_soa(z, ep, why);
            if (!remote) continue;
            if (z.serial && !dns::serial_lt(*z.serial, *remote)) {
                std::lock_guard<std::mutex> g(mutex);
                z.last_ok = Clock::now();
                zone_xfr_metrics().refreshed(z.cfg.origin, false);
                z.result = "up to date with " + ep.to_text();
                schedule(z, z.soa.refresh);
                return;
            }
            auto t0 = Clock::now();
            // IXFR when we hold a version (RFC 1995), AXFR when we do not or IXFR cannot be used.
            bool incremental = z.serial.has_value();
            std::optional<zones::Zone> zone;
            bool up_to_date = false;
            for (int attempt = 0; attempt < 2 && !zone; ++attempt) {
                zones::Zone got;
                Outcome o = transfer(z, ep, incremental, got, why);
                const char* kind = incremental ? "IXFR" : "AXFR";
                if (o == Outcome::Zone) {
                    zone = std::move(got);
                    log(LogLevel::Info, "zone " + z.cfg.origin.to_text(), std::string(kind) + " in received",
                        {{"primary", ep.to_text()}});
                } else if (o == Outcome::UpToDate) {
                    up_to_date = true;
                    break;
                } else if (o == Outcome::IxfrUnusable && incremental) {
                    log(LogLevel::Info, "zone " + z.cfg.origin.to_text(), "IXFR in not usable, trying AXFR",
                        {{"primary", ep.to_text()}, {"reason", why}});
                    incremental = false;
                } else {
                    log(LogLevel::Warn, "zone " + z.cfg.origin.to_text(),
                        std::string(kind) + " in failed, old data keeps serving",
                        {{"primary", ep.to_text()}, {"reason", why}});
                    break;
                }
            }
            if (up_to_date) {
                std::lock_guard<std::mutex> g(mutex);
                z.last_ok = Clock::now();
                zone_xfr_metrics().refreshed(z.cfg.origin, false);
                z.result = "up to date with " + ep.to_text();
                schedule(z, z.soa.refresh);
                return;
            }
            if (!zone) continue;
            std::uint64_t records = zone->records.size() + (zone->streamed ? zone->streamed->size() : 0);
            Soa soa;
            for (const auto& r : zone->records) {
                if (r.type == dns::RrType::SOA && r.owner == z.cfg.origin) soa = soa_fields(r.rdata);
            }
            // Moved, not copied: `store.write({*zone})` copied the records twice (the initializer
            // list, then the vector), ~1 GB more at the peak of a 1,000,000-record AXFR.
            std::vector<zones::Zone> written;
            written.push_back(std::move(*zone));
            zone.reset();
            auto report = store.write(written, zones::WriteOptions{});
            written.clear();
            written.shrink_to_fit();
            // What the transfer held is free now; glibc keeps it unless asked (as after a reload).
            ::malloc_trim(0);
            if (!report) {
                why = "store: " + report.error();
                log(LogLevel::Error, "zone " + z.cfg.origin.to_text(), "transferred zone not stored", {{"reason", why}});
                continue;
            }
            double secs = std::chrono::duration<double>(Clock::now() - t0).count();
            log(LogLevel::Info, "zone " + z.cfg.origin.to_text(), "transfer in stored",
                {{"primary", ep.to_text()}, {"serial", std::to_string(soa.serial)},
                 {"records", std::to_string(records)}, {"seconds", std::to_string(secs)}});
            {
                std::lock_guard<std::mutex> g(mutex);
                z.serial = soa.serial;
                z.soa = soa;
                z.last_ok = Clock::now();
                z.last_transfer = static_cast<std::int64_t>(std::time(nullptr));
                zone_xfr_metrics().refreshed(z.cfg.origin, true);
                z.result = "transferred from " + ep.to_text();
                schedule(z, soa.refresh);
            }
            service.zones_written(*report);  // NOTIFY further secondaries
            return;
        }
        log(LogLevel::Warn, "zone " + z.cfg.origin.to_text(), "refresh failed, old data (if any) keeps serving",
            {{"reason", why}});
        std::lock_guard<std::mutex> g(mutex);
        z.result = "failed: " + why;
        // A zone with no data yet is retried soon; one with data on its SOA retry timer.
        schedule(z, z.serial ? z.soa.retry : std::min<std::uint32_t>(z.soa.retry, 10));
        // RFC 1034 §4.3.5: past expire the zone is no longer served.
        if (z.serial && Clock::now() - z.last_ok > std::chrono::seconds(z.soa.expire)) {
            auto removed = store.remove({z.cfg.origin});
            log(LogLevel::Error, "zone " + z.cfg.origin.to_text(), "expired, no longer served",
                {{"expire", std::to_string(z.soa.expire)}});
            (void)removed;
            z.serial.reset();
        }
    }

    void run() {
        std::unique_lock<std::mutex> lock(mutex);
        while (!stopping) {
            State* due = nullptr;
            for (auto& z : zones) {
                if (due == nullptr || z.next < due->next) due = &z;
            }
            if (due == nullptr) {
                cv.wait(lock);
                continue;
            }
            if (due->next > Clock::now()) {
                cv.wait_until(lock, due->next);
                continue;  // re-evaluate: a NOTIFY may have moved a zone forward
            }
            schedule(*due, due->soa.retry);  // not due again while refreshing
            lock.unlock();
            refresh(*due);
            lock.lock();
        }
    }
};

Secondaries::Secondaries(const Settings& settings, zones::Store& store, Service& service,
                         std::shared_ptr<resolver::Exchanger> exchanger)
    : impl_(std::make_unique<Impl>(settings, store, service, std::move(exchanger))) {}

Secondaries::~Secondaries() { stop(); }

void Secondaries::start() {
    if (impl_->zones.empty() || impl_->thread.joinable()) return;
    impl_->load_from_store();
    for (auto& z : impl_->zones) {
        z.next = Clock::now();  // RFC 1034 §4.3.5: check the primary at start
        z.last_ok = Clock::now();
    }
    Impl* m = impl_.get();
    m->thread = std::thread([m] { m->run(); });
}

void Secondaries::stop() {
    {
        std::lock_guard<std::mutex> g(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

bool Secondaries::is_secondary(const dns::Name& origin) const {
    for (const auto& z : impl_->zones) {
        if (z.cfg.origin == origin) return true;
    }
    return false;
}

bool Secondaries::notify(const dns::Name& origin, const sockaddr* peer, const tsig::Key* signed_with) {
    std::lock_guard<std::mutex> g(impl_->mutex);
    for (auto& z : impl_->zones) {
        if (!(z.cfg.origin == origin)) continue;
        bool from_primary = false;
        for (const auto& ep : z.cfg.primaries) from_primary = from_primary || same_address(peer, ep);
        if (!from_primary || (z.key != nullptr && signed_with != z.key)) return false;
        z.next = Clock::now();
        impl_->cv.notify_all();
        log(LogLevel::Info, "zone " + origin.to_text(), "NOTIFY received, refreshing");
        return true;
    }
    return false;
}

std::string Secondaries::status(const dns::Name& origin) const {
    std::lock_guard<std::mutex> g(impl_->mutex);
    for (const auto& z : impl_->zones) {
        if (!(z.cfg.origin == origin)) continue;
        return " role=secondary last_transfer=" + time_text(z.last_transfer) +
               " next_refresh=" + time_text(z.next_unix) + " result=\"" + z.result + "\"";
    }
    return {};
}

}  // namespace enumd::server::xfr
