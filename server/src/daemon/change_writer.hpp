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

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server {

class ChangeWriter {
   public:
    using Callback = std::function<void(zones::ApplyResult)>;

    explicit ChangeWriter(zones::Store& store);
    ~ChangeWriter();  ///< applies what is queued, then joins
    ChangeWriter(const ChangeWriter&) = delete;
    ChangeWriter& operator=(const ChangeWriter&) = delete;

    /// Queues one change set for zone `origin`; `done` runs on the writer
    /// thread after the commit (or the refusal).
    void submit(dns::Name origin, std::vector<zones::Change> changes, zones::ApplyOptions options, Callback done);

    /// Transactions committed and change sets applied so far (group commit: sets ≥ commits).
    [[nodiscard]] std::uint64_t commits() const;
    [[nodiscard]] std::uint64_t sets() const;

   private:
    struct Job {
        dns::Name origin;
        std::vector<zones::Change> changes;
        zones::ApplyOptions options;
        Callback done;
    };
    void run();
    /// Applies `group` (same zone and options), together when that works.
    void apply_group(std::vector<Job>& group);

    zones::Store& store_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::uint64_t commits_ = 0;
    std::uint64_t sets_ = 0;
    std::thread thread_;
};

}  // namespace enumd::server
