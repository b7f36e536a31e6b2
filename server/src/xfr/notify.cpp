#include "enumd/server/notify.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server::xfr {

namespace {

/// RFC 1996 §3.6: retry an unanswered NOTIFY a few times.
constexpr int kAttempts = 5;
constexpr int kTimeoutMs = 1000;

}  // namespace

std::vector<std::uint8_t> make_notify(std::uint16_t id, const dns::Name& origin, std::uint32_t soa_ttl,
                                      std::span<const std::uint8_t> soa_rdata, const tsig::Key* key,
                                      std::vector<std::uint8_t>* request_mac) {
    std::vector<std::uint8_t> buf(dns::kMaxMessage);
    dns::MessageWriter w(buf, 4096);
    w.set_header(id, static_cast<std::uint16_t>((static_cast<unsigned>(dns::Opcode::NOTIFY) << 11) | dns::flags::AA));
    w.add_question(origin, dns::RrType::SOA, 1);
    if (!soa_rdata.empty()) w.add_record(dns::Section::Answer, origin, dns::RrType::SOA, 1, soa_ttl, soa_rdata);
    std::size_t size = w.size();
    if (key != nullptr) {
        tsig::Signer s(*key, {});
        std::size_t n = s.sign(buf, size, static_cast<std::uint64_t>(std::time(nullptr)));
        if (n != 0) size = n;
        if (request_mac != nullptr) *request_mac = s.mac();
    }
    buf.resize(size);
    return buf;
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
    std::mt19937 rng{std::random_device{}()};

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
                outcome += (outcome.empty() ? "" : ",") + t.to_text() + (ok ? ":ok" : ":no-answer");
            }
            lock.lock();
            status[job.origin.to_text()] = "notified_serial=" + std::to_string(job.serial) + " notify=" + outcome;
        }
    }

    bool send_one(const Job& job, const Endpoint& target) {
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (!to_sockaddr(target, ss, len)) return false;
        int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        bool answered = false;
        for (int attempt = 0; attempt < kAttempts && !answered; ++attempt) {
            {
                std::lock_guard<std::mutex> g(mutex);
                if (stopping) break;
            }
            auto id = static_cast<std::uint16_t>(rng());
            std::vector<std::uint8_t> msg = make_notify(id, job.origin, 0, {}, job.key, nullptr);
            if (::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0) break;
            pollfd p{fd, POLLIN, 0};
            auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
            while (!answered) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                                .count();
                if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
                std::uint8_t in[4096];
                ssize_t n = ::recv(fd, in, sizeof in, 0);
                if (n < 12) continue;
                dns::Header h;
                if (!dns::read_header({in, static_cast<std::size_t>(n)}, h)) continue;
                if (h.id != id || !h.qr() || h.opcode() != dns::Opcode::NOTIFY) continue;
                answered = true;
                log(h.rcode() == 0 ? LogLevel::Info : LogLevel::Warn, "zone " + job.origin.to_text(), "NOTIFY answered",
                    {{"secondary", target.to_text()},
                     {"serial", std::to_string(job.serial)},
                     {"rcode", dns::to_text(static_cast<dns::Rcode>(h.rcode()))}});
            }
        }
        ::close(fd);
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
