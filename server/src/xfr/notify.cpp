#include "enumd/server/notify.hpp"

#include <condition_variable>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "client.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/xfr.hpp"
#include "stats/zone_xfr_metrics.hpp"

namespace enumd::server::xfr {

namespace {

/// RFC 1996 §3.6: retry an unanswered NOTIFY a few times.
constexpr int kAttempts = 5;
constexpr std::chrono::milliseconds kTimeout{1000};

/// The NOTIFY request (RFC 1996 §3.3): opcode NOTIFY, AA, question origin/SOA/IN,
/// the new SOA as a hint in the answer section when given.
resolver::Request notify_request(const dns::Name& origin, std::uint32_t soa_ttl, std::span<const std::uint8_t> soa_rdata) {
    resolver::Request req;
    req.qname = origin;
    req.qtype = dns::RrType::SOA;
    req.flags = static_cast<std::uint16_t>(dns::flags::opcode(dns::Opcode::NOTIFY) | dns::flags::AA);
    if (!soa_rdata.empty()) {
        req.records.push_back({dns::Section::Answer, origin, dns::RrType::SOA, soa_ttl,
                               std::vector<std::uint8_t>(soa_rdata.begin(), soa_rdata.end())});
    }
    req.edns_size.reset();
    req.tcp_on_truncation = false;
    req.timeout = kTimeout;
    return req;
}

}  // namespace

std::vector<std::uint8_t> make_notify(std::uint16_t id, const dns::Name& origin, std::uint32_t soa_ttl,
                                      std::span<const std::uint8_t> soa_rdata, const tsig::Key* key,
                                      std::vector<std::uint8_t>* request_mac) {
    auto req = notify_request(origin, soa_ttl, soa_rdata);
    req.sign = tsig_signing(key, request_mac);
    return resolver::build_request(id, req, false);
}

struct Notifier::Impl {
    struct Job {
        dns::Name origin;
        std::uint32_t serial = 0;
        std::vector<Endpoint> targets;
        const tsig::Key* key = nullptr;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<Job> jobs;
    bool stopping = false;
    std::map<std::string, std::string> status;  // origin text → last outcome per target
    std::thread thread;
    std::shared_ptr<resolver::Exchanger> exchanger = resolver::NetExchanger::shared();

    void run() {
        std::unique_lock<std::mutex> lock(mutex);
        while (!stopping) {
            if (jobs.empty()) {
                cv.wait(lock);
                continue;
            }
            Job job = std::move(jobs.front());
            jobs.pop_front();
            lock.unlock();
            std::string outcome;
            for (const auto& t : job.targets) {
                bool ok = send_one(job, t);
                zone_xfr_metrics().notified(job.origin, ok);
                if (!outcome.empty()) outcome += ',';
                outcome += t.to_text();
                outcome += ok ? ":ok" : ":no-answer";
            }
            lock.lock();
            status[job.origin.to_text()] = "notified_serial=" + std::to_string(job.serial) + " notify=" + outcome;
        }
    }

    /// One NOTIFY over the client exchange, retried until answered (RFC 1996 §3.6).
    bool send_one(const Job& job, const Endpoint& target) {
        auto server = server_address(target);
        bool answered = false;
        for (int attempt = 0; server && attempt < kAttempts && !answered; ++attempt) {
            {
                std::lock_guard<std::mutex> g(mutex);
                if (stopping) break;
            }
            auto req = notify_request(job.origin, 0, {});
            req.sign = tsig_signing(job.key, nullptr);
            auto reply = resolver::run_blocking(exchanger->exchange(*server, req));
            if (reply.outcome == resolver::Outcome::NetworkError) {
                // Refused (ICMP) while the secondary starts: wait out the try as an unanswered one would.
                std::unique_lock<std::mutex> lk(mutex);
                cv.wait_for(lk, kTimeout, [this] { return stopping; });
                continue;
            }
            if (!reply.answered()) continue;
            answered = true;
            log(reply.rcode() == 0 ? LogLevel::Info : LogLevel::Warn, "zone " + job.origin.to_text(), "NOTIFY answered",
                {{"secondary", target.to_text()},
                 {"serial", std::to_string(job.serial)},
                 {"rcode", dns::to_text(static_cast<dns::Rcode>(reply.rcode()))}});
        }
        if (!answered)
            log(LogLevel::Warn, "zone " + job.origin.to_text(), "NOTIFY unanswered",
                {{"secondary", target.to_text()}, {"serial", std::to_string(job.serial)}});
        return answered;
    }
};

Notifier::Notifier(const Settings& /*settings*/) : impl_(std::make_unique<Impl>()) {
    Impl* m = impl_.get();
    m->thread = std::thread([m] { m->run(); });
}

Notifier::~Notifier() { stop(); }

void Notifier::notify(const dns::Name& origin, std::uint32_t serial, const std::vector<Endpoint>& targets,
                      const tsig::Key* key) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->jobs.push_back({origin, serial, targets, key});
    impl_->cv.notify_all();
}

void Notifier::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
        impl_->jobs.clear();
    }
    impl_->cv.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string Notifier::status(const dns::Name& origin) const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    auto it = impl_->status.find(origin.to_text());
    return it == impl_->status.end() ? std::string() : it->second;
}

}  // namespace enumd::server::xfr
