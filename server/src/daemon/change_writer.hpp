#pragma once
/// The one writer of live changes (issue 11): every door (the HTTP API, the
/// control socket, RFC 2136 UPDATE) submits change sets here and gets its
/// result through a callback once the commit is durable. One thread runs
/// Store::apply off the query and admin threads.
///
/// Group commit: change sets waiting for the same zone are applied as one
/// transaction (one fsync) when all of them succeed together — items keep
/// their order, so the result is what applying them one after another
/// gives. When the group fails, each set is applied on its own so one bad
/// set never fails another (and its issues name its own items).
///
/// Pipelined durability: a commit is two syncs (LMDB syncs the data pages,
/// then the meta page is written, which readers see, and synced). The second
/// is done by a second thread (Store::sync) while the writer starts the next
/// transaction; callbacks run there, in submission order, only after a sync
/// that began after their commit. A single change's wait is unchanged; the
/// writer's turn per group is one sync shorter.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "enumd/server/stats.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server {

class MetricsText;

class ChangeWriter {
   public:
    using Callback = std::function<void(zones::ApplyResult)>;

    explicit ChangeWriter(zones::Store& store);
    ~ChangeWriter();  ///< applies what is queued, then joins
    ChangeWriter(const ChangeWriter&) = delete;
    ChangeWriter& operator=(const ChangeWriter&) = delete;

    /// Queues one change set for zone `origin`; `done` runs on the sync
    /// thread once the commit is durable (or after the refusal).
    void submit(dns::Name origin, std::vector<zones::Change> changes, zones::ApplyOptions options, Callback done);

    /// Transactions committed and change sets applied so far (group commit: sets ≥ commits).
    [[nodiscard]] std::uint64_t commits() const;
    [[nodiscard]] std::uint64_t sets() const;
    /// The counters above and where a change's time goes (histograms): from submission to its callback, and
    /// per transaction the edit, the commit (page writes, data sync) and the sync that makes it durable.
    void metrics(MetricsText& m) const;

   private:
    using Clock = std::chrono::steady_clock;
    struct Job {
        dns::Name origin;
        std::vector<zones::Change> changes;
        zones::ApplyOptions options;
        Callback done;
        Clock::time_point queued;
    };
    /// An outcome waiting for the sync thread: `durable` when a commit must be synced before `done` runs.
    struct Ack {
        zones::ApplyResult result;
        Callback done;
        bool durable = false;
        Clock::time_point queued;
    };
    void run();
    void run_sync();
    /// Applies `group` (same zone and options), together when that works.
    void apply_group(std::vector<Job>& group);
    void acknowledge(zones::ApplyResult result, Job& job);
    /// Counts one applied transaction's edit and commit time.
    void timed(const zones::ApplyResult& r);

    zones::Store& store_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::uint64_t commits_ = 0;
    std::uint64_t sets_ = 0;
    DurationHistogram change_time_, edit_time_, commit_time_, sync_time_;
    std::mutex ack_mutex_;
    std::condition_variable ack_wake_;
    std::deque<Ack> acks_;
    bool acks_stopping_ = false;
    std::thread thread_;
    std::thread sync_thread_;
};

}  // namespace enumd::server
