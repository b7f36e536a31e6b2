#include "secondary.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"

namespace enumd::server::xfr {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kUdpTimeoutMs = 2000;
constexpr int kTcpTimeoutS = 15;                       // per read: a stalled primary is given up
constexpr std::uint64_t kMaxTransferRecords = 50000000;  // bounds memory for a hostile primary
constexpr std::uint32_t kMinRetry = 5;                   // seconds; SOA timers below this are raised

std::uint32_t get32(const std::uint8_t* p) {
    return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
           (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

bool serial_lt(std::uint32_t a, std::uint32_t b) { return a != b && static_cast<std::int32_t>(a - b) < 0; }

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

/// An SOA query for `origin`, signed when `key` is set.
std::vector<std::uint8_t> make_query(std::uint16_t id, const dns::Name& origin, dns::RrType type, const tsig::Key* key,
                                     std::vector<std::uint8_t>& mac) {
    std::vector<std::uint8_t> buf(4096);
    dns::MessageWriter w(buf, 4096);
    w.set_header(id, 0);
    w.add_question(origin, type, 1);
    std::size_t size = w.size();
    if (key != nullptr) {
        tsig::Signer s(*key, {});
        std::size_t n = s.sign(buf, size, static_cast<std::uint64_t>(std::time(nullptr)));
        if (n != 0) size = n;
        mac = s.mac();
    }
    buf.resize(size);
    return buf;
}

/// Reads exactly `n` octets (SO_RCVTIMEO bounds each read).
bool read_full(int fd, std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        ssize_t r = ::recv(fd, p, n, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) continue;
            return false;
        }
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

struct Soa {
    std::uint32_t serial = 0;
    std::uint32_t refresh = 3600;
    std::uint32_t retry = 600;
    std::uint32_t expire = 604800;
};

Soa soa_fields(std::span<const std::uint8_t> rdata) {
    Soa s;
    if (rdata.size() < 20) return s;
    const std::uint8_t* p = rdata.data() + rdata.size() - 20;
    s.serial = get32(p);
    s.refresh = std::max(get32(p + 4), kMinRetry);
    s.retry = std::max(get32(p + 8), kMinRetry);
    s.expire = std::max(get32(p + 12), kMinRetry);
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
    std::mt19937 rng{std::random_device{}()};

    Impl(const Settings& s, zones::Store& st, Service& svc) : settings(s), store(st), service(svc) {
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

    std::optional<std::uint32_t> query_soa(const State& z, const Endpoint& ep, std::string& why) {
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (!to_sockaddr(ep, ss, len)) {
            why = "bad primary address";
            return std::nullopt;
        }
        int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return std::nullopt;
        std::optional<std::uint32_t> out;
        why = "no answer to the SOA query";
        for (int attempt = 0; attempt < 2 && !out; ++attempt) {
            auto id = static_cast<std::uint16_t>(rng());
            std::vector<std::uint8_t> mac;
            auto q = make_query(id, z.cfg.origin, dns::RrType::SOA, z.key, mac);
            if (::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0) break;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, kUdpTimeoutMs) <= 0) continue;
            std::vector<std::uint8_t> in(65535);
            ssize_t n = ::recv(fd, in.data(), in.size(), 0);
            if (n < 12) continue;
            in.resize(static_cast<std::size_t>(n));
            dns::Header h;
            if (!dns::read_header(in, h) || h.id != id || !h.qr()) continue;
            if (z.key != nullptr) {
                tsig::ResponseVerifier v(*z.key, mac);
                bool is_signed = false;
                if (!v.verify(in, static_cast<std::uint64_t>(std::time(nullptr)), is_signed, why)) break;
            }
            if (h.rcode() != 0) {
                why = "SOA query answered " + dns::to_text(static_cast<dns::Rcode>(h.rcode()));
                break;
            }
            dns::WireReader r(in, dns::kHeaderSize);
            dns::Question question;
            if (h.qdcount != 1 || !r.read_question(question)) continue;
            for (unsigned i = 0; i < h.ancount; ++i) {
                dns::RecordView rv;
                if (!r.read_record(rv)) break;
                if (rv.type == dns::RrType::SOA && rv.owner == z.cfg.origin && rv.rdata.size() >= 20) {
                    out = get32(rv.rdata.data() + rv.rdata.size() - 20);
                    break;
                }
            }
        }
        ::close(fd);
        return out;
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

    /// AXFR (RFC 5936 §2.2) or IXFR (RFC 1995 §4) in: the whole new zone or nothing.
    /// IXFR differences are applied to the stored version in memory, then the
    /// result is written like a compile (one transaction).
    Outcome transfer(const State& z, const Endpoint& ep, bool incremental, zones::Zone& zone, std::string& why) {
        std::optional<zones::Record> ours;
        if (incremental) {
            ours = current_soa(z);
            if (!ours) incremental = false;
        }
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (!to_sockaddr(ep, ss, len)) return Outcome::Failed;
        int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return Outcome::Failed;
        timeval tv{kTcpTimeoutS, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
            why = std::string("cannot connect: ") + std::strerror(errno);
            return Outcome::Failed;
        }
        auto id = static_cast<std::uint16_t>(rng());
        std::vector<std::uint8_t> mac;
        std::vector<std::uint8_t> q(4096);
        {
            dns::MessageWriter w(q, 4096);
            w.set_header(id, 0);
            w.add_question(z.cfg.origin, incremental ? dns::RrType::IXFR : dns::RrType::AXFR, 1);
            // RFC 1995 §3: the client's SOA in the authority section.
            if (incremental) w.add_record(dns::Section::Authority, z.cfg.origin, dns::RrType::SOA, 1, ours->ttl, ours->rdata);
            std::size_t size = w.size();
            if (z.key != nullptr) {
                tsig::Signer signer(*z.key, {});
                std::size_t n = signer.sign(q, size, static_cast<std::uint64_t>(std::time(nullptr)));
                if (n != 0) size = n;
                mac = signer.mac();
            }
            q.resize(size);
        }
        std::vector<std::uint8_t> framed = {static_cast<std::uint8_t>(q.size() >> 8), static_cast<std::uint8_t>(q.size())};
        framed.insert(framed.end(), q.begin(), q.end());
        if (::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(framed.size())) {
            why = "cannot send the transfer query";
            return Outcome::Failed;
        }
        std::optional<tsig::ResponseVerifier> verifier;
        if (z.key != nullptr) verifier.emplace(*z.key, mac);

        // What the stream turns out to be (RFC 1995 §4: one SOA, AXFR form or IXFR form).
        enum class Form { Unknown, Axfr, Ixfr } form = Form::Unknown;
        enum class Part { Del, Add } part = Part::Del;
        std::uint32_t final_serial = 0;
        std::uint32_t diff_to = 0;
        bool first_diff = true;
        zones::Record final_soa;
        std::vector<zones::Record> records;  // AXFR form
        struct Change {
            bool add;
            zones::Record rec;
        };
        std::vector<Change> changes;  // IXFR form
        std::size_t seen = 0;
        bool last_signed = true;
        std::vector<std::uint8_t> msg(65535);
        std::vector<std::uint8_t> rdbuf(65535);
        for (;;) {
            std::uint8_t lenb[2];
            if (!read_full(fd, lenb, 2)) {
                why = "transfer interrupted (connection closed or timed out)";
                return Outcome::Failed;
            }
            std::size_t n = static_cast<std::size_t>((lenb[0] << 8) | lenb[1]);
            msg.resize(n);
            if (n < 12 || !read_full(fd, msg.data(), n)) {
                why = "transfer interrupted mid-message";
                return Outcome::Failed;
            }
            dns::Header h;
            if (!dns::read_header(msg, h) || h.id != id || !h.qr()) {
                why = "unexpected message in the transfer";
                return Outcome::Failed;
            }
            if (verifier) {
                std::string e;
                if (!verifier->verify(msg, static_cast<std::uint64_t>(std::time(nullptr)), last_signed, e)) {
                    why = "TSIG: " + e;
                    return Outcome::Failed;
                }
            }
            if (h.rcode() != 0) {
                why = "transfer refused: " + dns::to_text(static_cast<dns::Rcode>(h.rcode()));
                return incremental && h.rcode() == static_cast<std::uint8_t>(dns::Rcode::NOTIMP) ? Outcome::IxfrUnusable
                                                                                                : Outcome::Failed;
            }
            dns::WireReader r(msg, dns::kHeaderSize);
            for (unsigned i = 0; i < h.qdcount; ++i) {
                dns::Question question;
                if (!r.read_question(question)) {
                    why = "malformed question in the transfer";
                    return Outcome::Failed;
                }
            }
            bool ended = false;
            for (unsigned i = 0; i < h.ancount; ++i) {
                dns::RecordView rv;
                if (!r.read_record(rv)) {
                    why = "malformed record in the transfer";
                    return Outcome::Failed;
                }
                auto rdlen = dns::decompress_rdata(msg, rv, rdbuf);
                if (!rdlen) {
                    why = "malformed rdata in the transfer";
                    return Outcome::Failed;
                }
                if (ended || ++seen > kMaxTransferRecords) {
                    why = ended ? "records after the closing SOA" : "zone too large";
                    return Outcome::Failed;
                }
                zones::Record rec;
                rec.owner = rv.owner;
                rec.type = rv.type;
                rec.ttl = rv.ttl;
                rec.rdata.assign(rdbuf.begin(), rdbuf.begin() + static_cast<std::ptrdiff_t>(*rdlen));
                rec.loc.file = "primary " + ep.to_text();
                const bool apex_soa = rec.type == dns::RrType::SOA && rec.owner == z.cfg.origin && rec.rdata.size() >= 20;
                const std::uint32_t serial = apex_soa ? get32(rec.rdata.data() + rec.rdata.size() - 20) : 0;
                if (seen == 1) {
                    if (!apex_soa) {
                        why = "transfer does not start with the zone's SOA";
                        return Outcome::Failed;
                    }
                    final_serial = serial;
                    final_soa = rec;
                    records.push_back(std::move(rec));
                    continue;
                }
                if (form == Form::Unknown) {
                    // RFC 1995 §4: a second SOA (not the closing one) starts the IXFR form.
                    if (apex_soa && incremental && serial != final_serial) {
                        form = Form::Ixfr;
                        part = Part::Del;
                        if (serial != get32(ours->rdata.data() + ours->rdata.size() - 20)) {
                            why = "IXFR does not start at our serial";
                            return Outcome::IxfrUnusable;
                        }
                        continue;
                    }
                    form = Form::Axfr;
                }
                if (form == Form::Axfr) {
                    if (apex_soa) {
                        ended = true;  // RFC 5936 §2.2: the closing SOA
                        continue;
                    }
                    if (rec.type != dns::RrType::SOA) records.push_back(std::move(rec));
                    continue;
                }
                // IXFR form: SOA(old) deletions SOA(new) additions, per version; the closing SOA ends it.
                if (apex_soa) {
                    if (part == Part::Del) {
                        part = Part::Add;
                        diff_to = serial;
                        first_diff = false;
                    } else if (diff_to == final_serial) {
                        ended = true;
                    } else {
                        part = Part::Del;
                    }
                    continue;
                }
                changes.push_back({part == Part::Add, std::move(rec)});
            }
            (void)first_diff;
            if (ended) {
                if (verifier && !last_signed) {
                    why = "the last message is not signed";
                    return Outcome::Failed;
                }
                break;
            }
            if (seen == 1 && form == Form::Unknown) {
                // A lone SOA: up to date (RFC 1995 §4), or a server that wants us to use AXFR.
                if (incremental && !serial_lt(get32(ours->rdata.data() + ours->rdata.size() - 20), final_serial))
                    return Outcome::UpToDate;
                if (incremental) {
                    why = "IXFR answered with a newer SOA only";
                    return Outcome::IxfrUnusable;
                }
            }
        }
        zone.origin = z.cfg.origin;
        zone.auto_serial = false;
        zone.loc.file = "primary " + ep.to_text();
        if (form != Form::Ixfr) {
            zone.records = std::move(records);
            return Outcome::Zone;
        }
        // Apply the differences to the stored version.
        auto base = store.load_zone(z.cfg.origin);
        if (!base) {
            why = "cannot read the stored zone: " + base.error();
            return Outcome::IxfrUnusable;
        }
        auto key_of = [](const zones::Record& r) {
            std::string k = r.owner.to_lookup_key();
            k.push_back('\0');
            k.append(reinterpret_cast<const char*>(&r.type), sizeof r.type);
            k.append(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size());
            return k;
        };
        std::map<std::string, zones::Record> current;
        for (auto& r : base->records) {
            if (r.type == dns::RrType::SOA && r.owner == z.cfg.origin) continue;
            current.emplace(key_of(r), std::move(r));
        }
        for (auto& c : changes) {
            std::string k = key_of(c.rec);
            if (c.add) {
                current[k] = std::move(c.rec);
            } else if (current.erase(k) == 0) {
                why = "IXFR deletes a record we do not have";
                return Outcome::IxfrUnusable;
            }
        }
        zone.records.push_back(final_soa);
        for (auto& [k, r] : current) {
            r.loc.file = zone.loc.file;
            zone.records.push_back(std::move(r));
        }
        return Outcome::Zone;
    }

    void refresh(State& z) {
        std::string why = "no primary";
        for (const auto& ep : z.cfg.primaries) {
            auto remote = query_soa(z, ep, why);
            if (!remote) continue;
            if (z.serial && !serial_lt(*z.serial, *remote)) {
                std::lock_guard<std::mutex> g(mutex);
                z.last_ok = Clock::now();
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
                z.result = "up to date with " + ep.to_text();
                schedule(z, z.soa.refresh);
                return;
            }
            if (!zone) continue;
            std::size_t records = zone->records.size();
            auto report = store.write({*zone}, zones::WriteOptions{});
            if (!report) {
                why = "store: " + report.error();
                log(LogLevel::Error, "zone " + z.cfg.origin.to_text(), "transferred zone not stored", {{"reason", why}});
                continue;
            }
            double secs = std::chrono::duration<double>(Clock::now() - t0).count();
            Soa soa;
            for (const auto& r : zone->records) {
                if (r.type == dns::RrType::SOA && r.owner == z.cfg.origin) soa = soa_fields(r.rdata);
            }
            log(LogLevel::Info, "zone " + z.cfg.origin.to_text(), "transfer in stored",
                {{"primary", ep.to_text()}, {"serial", std::to_string(soa.serial)},
                 {"records", std::to_string(records)}, {"seconds", std::to_string(secs)}});
            {
                std::lock_guard<std::mutex> g(mutex);
                z.serial = soa.serial;
                z.soa = soa;
                z.last_ok = Clock::now();
                z.last_transfer = static_cast<std::int64_t>(std::time(nullptr));
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

Secondaries::Secondaries(const Settings& settings, zones::Store& store, Service& service)
    : impl_(std::make_unique<Impl>(settings, store, service)) {}

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
