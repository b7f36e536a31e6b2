// The writer thread of live changes (update.hpp).
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include "enumd/dns/serial.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/update.hpp"
#include "enumd/server/xfr.hpp"
#include "update/rfc2136.hpp"

namespace enumd::server::update {
namespace {

using Clock = std::chrono::steady_clock;

/// RFC 1996 NOTIFY after commits, at most once a second per zone (issue 11).
constexpr auto kNotifyInterval = std::chrono::seconds(1);

std::uint64_t unix_now() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

struct UpdateJob {
    std::vector<std::uint8_t> message;
    sockaddr_storage peer{};
    Writer::Reply reply;
};
struct ApplyJob {
    dns::Name origin;
    std::vector<zones::Change> changes;
    Writer::Done done;
};
struct FileJob {
    dns::Name origin;
    std::string path;
    Writer::FileDone done;
};
using Job = std::variant<UpdateJob, ApplyJob, FileJob>;

}  // namespace

struct Writer::Impl {
    Impl(zones::Store& s, Settings st, xfr::Service* x, ApplyFn a)
        : store(s), settings(std::move(st)), xfr(x), apply(std::move(a)) {}
    zones::Store& store;
    Settings settings;
    xfr::Service* xfr;
    ApplyFn apply;
    std::unique_ptr<zones::Reader> reader;

    std::mutex mu;
    std::condition_variable cv;
    std::deque<Job> queue;
    bool stopping = false;
    std::thread thread;

    struct Notify {
        Clock::time_point last{};
        std::optional<std::uint32_t> pending;  ///< a serial not notified yet
        std::uint32_t previous = 0;
    };
    std::map<std::string, std::pair<dns::Name, Notify>> notify;  // by origin text, under `mu`

    std::atomic<std::uint64_t> updates{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> applied{0};

    void run();
    void handle(UpdateJob& job);
    void handle(ApplyJob& job);
    void handle(FileJob& job);
    void committed(const dns::Name& origin, const zones::ApplyReport& report);
    /// Sends the coalesced NOTIFYs that are due; returns when the next one is.
    std::optional<Clock::time_point> flush_notifies(bool all);
};

void Writer::Impl::run() {
    std::unique_lock lock(mu);
    for (;;) {
        lock.unlock();
        auto next = flush_notifies(false);
        lock.lock();
        if (queue.empty()) {
            if (stopping) break;
            // At least once a second: a commit reported between the flush and this wait is not lost.
            cv.wait_until(lock, next.value_or(Clock::now() + kNotifyInterval));
            continue;
        }
        Job job = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        try {
            std::visit([this](auto& j) { handle(j); }, job);
        } catch (const std::exception& e) {
            log(LogLevel::Error, "update", "failed", {{"reason", e.what()}});
        }
        lock.lock();
    }
    lock.unlock();
    flush_notifies(true);
}

void Writer::Impl::handle(UpdateJob& job) {
    const auto* peer = reinterpret_cast<const sockaddr*>(&job.peer);
    std::vector<std::uint8_t> response;
    if (!reader || !reader->refresh()) {
        Request bad;
        (void)dns::parse_message(job.message, bad.view);
        if (!bad.view.header.qr()) response = update_response(bad, dns::Rcode::SERVFAIL, unix_now());
        job.reply(std::move(response));
        return;
    }
    const std::vector<tsig::Key> no_keys;
    const std::vector<tsig::Key>& keys = xfr != nullptr ? xfr->settings().keys : no_keys;
    Request req = read_update(job.message, peer, *reader, settings, keys, unix_now());
    reader->release();
    if (req.drop) {
        job.reply({});
        return;
    }
    ++updates;
    if (req.early) {
        ++refused;
        log_limited(LogLevel::Warn, "zone " + req.zone.to_text(), "update refused",
            {{"rcode", dns::to_text(*req.early)}, {"reason", req.why}});
        job.reply(update_response(req, *req.early, unix_now()));
        return;
    }
    // The change set goes to the one writer; the reply is sent from its thread after the commit.
    // The request's view points into the message: both live until the reply (a moved vector keeps its buffer).
    struct Pending {
        std::vector<std::uint8_t> message;
        Request request;
    };
    auto pending = std::make_shared<Pending>(Pending{std::move(job.message), std::move(req)});
    Request* shared = &pending->request;
    dns::Name zone = shared->zone;
    std::vector<zones::Change> changes = std::move(shared->changes);
    apply(zone, std::move(changes), [this, pending, shared, reply = std::move(job.reply)](zones::ApplyResult result) {
        dns::Rcode rcode = rcode_of(result);
        if (result.ok()) {
            if (result.report->changed) committed(shared->zone, *result.report);
        } else {
            ++refused;
            log(LogLevel::Info, "zone " + shared->zone.to_text(), "update not applied",
                {{"rcode", dns::to_text(rcode)},
                 {"reason", result.issues.empty() ? "" : result.issues.front().to_text()}});
        }
        reply(update_response(*shared, rcode, unix_now()));
    });
}

void Writer::Impl::handle(ApplyJob& job) {
    if (xfr != nullptr) {
        for (const auto& z : xfr->settings().secondaries) {
            if (z.origin == job.origin) {
                // Its next transfer would replace the change: it belongs on the primary.
                zones::ApplyResult refused_set;
                refused_set.issues.push_back({std::nullopt,
                                              {},
                                              zones::ApplyFailure::Invalid,
                                              "zone " + job.origin.to_text() +
                                                  " is a secondary (filled by transfers); change it on its primary"});
                job.done(std::move(refused_set));
                return;
            }
        }
    }
    dns::Name origin = job.origin;
    apply(std::move(job.origin), std::move(job.changes),
          [this, origin, done = std::move(job.done)](zones::ApplyResult r) {
              if (r.ok() && r.report->changed) committed(origin, *r.report);
              if (r.ok() && !r.report->history_cut.empty())
                  log(LogLevel::Warn, "zone " + origin.to_text(), "IXFR history cut",
                      {{"reason", r.report->history_cut}, {"serial", std::to_string(r.report->serial)}});
              done(std::move(r));
          });
}

void Writer::Impl::handle(FileJob& job) {
    // Read here, not on the control socket's thread: a 100,000-row file takes a while to parse.
    zones::ChangeFile file = zones::read_change_csv(job.path);
    if (!file.errors.empty()) {
        zones::ApplyResult bad_file;
        for (auto& e : file.errors) bad_file.issues.push_back({std::nullopt, {}, zones::ApplyFailure::Invalid, e});
        job.done(std::move(bad_file), 0);
        return;
    }
    const std::size_t count = file.changes.size();
    ApplyJob apply_job{std::move(job.origin), std::move(file.changes),
                       [done = std::move(job.done), count](zones::ApplyResult r) { done(std::move(r), count); }};
    handle(apply_job);
}

void Writer::Impl::committed(const dns::Name& origin, const zones::ApplyReport& report) {
    // On the one writer's thread; the NOTIFY goes out from this door's thread (flush_notifies).
    ++applied;
    log(LogLevel::Debug, "zone " + origin.to_text(), "live change",
        {{"serial", std::to_string(report.serial)},
         {"added", std::to_string(report.records_added)},
         {"removed", std::to_string(report.records_removed)}});
    {
        std::lock_guard lock(mu);
        auto& [name, n] = notify.try_emplace(origin.to_text(), origin, Notify{}).first->second;
        if (!n.pending) n.previous = report.old_serial;
        // A group commit reports its one serial to every set in it: keep the newest.
        if (!n.pending || dns::serial_gt(report.serial, *n.pending)) n.pending = report.serial;
    }
    cv.notify_one();
}

std::optional<Clock::time_point> Writer::Impl::flush_notifies(bool all) {
    std::optional<Clock::time_point> next;
    zones::WriteReport due_now;
    {
        std::lock_guard lock(mu);
        auto now = Clock::now();
        for (auto& [key, entry] : notify) {
            auto& [origin, n] = entry;
            if (!n.pending) continue;
            if (!all && now - n.last < kNotifyInterval) {
                auto due = n.last + kNotifyInterval;
                if (!next || due < *next) next = due;
                continue;
            }
            // RFC 1996 §3.7: one NOTIFY for the newest serial stands for every change before it.
            due_now.zones.push_back({origin, *n.pending, true, 0, 0, n.previous, {}});
            n.pending.reset();
            n.last = now;
        }
    }
    if (xfr != nullptr && !due_now.zones.empty()) xfr->zones_written(due_now);
    return next;
}

Writer::Writer(zones::Store& store, Settings settings, xfr::Service* xfr, ApplyFn apply)
    : impl_(std::make_unique<Impl>(store, std::move(settings), xfr, std::move(apply))) {}

Writer::~Writer() {
    stop();
}

void Writer::start() {
    if (impl_->thread.joinable()) return;
    auto r = impl_->store.reader();
    if (r) impl_->reader = std::move(*r);
    impl_->thread = std::thread([this] { impl_->run(); });
}

void Writer::stop() {
    {
        std::lock_guard lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void Writer::submit_update(std::vector<std::uint8_t> message, const sockaddr* peer, Reply reply) {
    UpdateJob job;
    job.message = std::move(message);
    if (peer != nullptr)
        std::memcpy(&job.peer, peer, peer->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
    job.reply = std::move(reply);
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopping || !impl_->thread.joinable()) return;  // like a lost datagram: the client retries
        impl_->queue.emplace_back(std::move(job));
    }
    impl_->cv.notify_one();
}

void Writer::submit(dns::Name origin, std::vector<zones::Change> changes, Done done) {
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopping || !impl_->thread.joinable()) {
            zones::ApplyResult stopped;
            stopped.issues.push_back({std::nullopt, {}, zones::ApplyFailure::Storage, "the writer is not running"});
            done(std::move(stopped));
            return;
        }
        impl_->queue.emplace_back(ApplyJob{std::move(origin), std::move(changes), std::move(done)});
    }
    impl_->cv.notify_one();
}

void Writer::submit_file(dns::Name origin, std::string path, FileDone done) {
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopping || !impl_->thread.joinable()) {
            zones::ApplyResult stopped;
            stopped.issues.push_back({std::nullopt, {}, zones::ApplyFailure::Storage, "the writer is not running"});
            done(std::move(stopped), 0);
            return;
        }
        impl_->queue.emplace_back(FileJob{std::move(origin), std::move(path), std::move(done)});
    }
    impl_->cv.notify_one();
}

zones::ApplyResult Writer::apply(dns::Name origin, std::vector<zones::Change> changes) {
    auto promise = std::make_shared<std::promise<zones::ApplyResult>>();
    auto future = promise->get_future();
    submit(std::move(origin), std::move(changes),
           [promise](zones::ApplyResult r) { promise->set_value(std::move(r)); });
    return future.get();
}

std::string Writer::status() const {
    return "updates=" + std::to_string(impl_->updates.load()) + " refused=" + std::to_string(impl_->refused.load()) +
           " applied=" + std::to_string(impl_->applied.load());
}

}  // namespace enumd::server::update
