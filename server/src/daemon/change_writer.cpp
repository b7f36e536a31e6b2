#include "daemon/change_writer.hpp"

#include <cstring>

#include "stats/metrics_text.hpp"

namespace enumd::server {

ChangeWriter::ChangeWriter(zones::Store& store)
    : store_(store), thread_([this] { run(); }), sync_thread_([this] { run_sync(); }) {}

ChangeWriter::~ChangeWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();  // every queued set applied, its outcome handed to the sync thread
    {
        std::lock_guard lock(ack_mutex_);
        acks_stopping_ = true;
    }
    ack_wake_.notify_all();
    sync_thread_.join();
}

namespace {

std::uint64_t nanos(std::chrono::steady_clock::duration d) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

}  // namespace

void ChangeWriter::acknowledge(zones::ApplyResult result, Job& job) {
    const bool durable = result.ok() && result.report->changed;
    {
        std::lock_guard lock(ack_mutex_);
        acks_.push_back({std::move(result), std::move(job.done), durable, job.queued});
    }
    ack_wake_.notify_one();
}

void ChangeWriter::run_sync() {
    for (;;) {
        std::deque<Ack> batch;
        {
            std::unique_lock lock(ack_mutex_);
            ack_wake_.wait(lock, [this] { return acks_stopping_ || !acks_.empty(); });
            if (acks_.empty()) return;  // stopping, nothing left
            batch.swap(acks_);
        }
        // One sync for every commit taken: each was committed before it was queued, so this sync covers it.
        bool needed = false;
        for (const auto& a : batch) needed = needed || a.durable;
        const auto syncing = Clock::now();
        const int rc = needed ? store_.sync() : 0;
        const auto synced = Clock::now();
        if (needed) sync_time_.record(nanos(synced - syncing));
        for (auto& a : batch) {
            change_time_.record(nanos(synced - a.queued));
            if (a.durable && rc != 0) {
                a.result = zones::ApplyResult{};
                a.result.issues.push_back({std::nullopt, {}, zones::ApplyFailure::Storage,
                                           std::string("the change is committed but syncing it to disk failed: ") +
                                               std::strerror(rc)});
            }
            a.done(std::move(a.result));
        }
    }
}

void ChangeWriter::submit(dns::Name origin, std::vector<zones::Change> changes, zones::ApplyOptions options,
                          Callback done) {
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        was_empty = queue_.empty();
        queue_.push_back({std::move(origin), std::move(changes), options, std::move(done), Clock::now()});
    }
    // Only the first set of a burst wakes the writer: it looks at the queue again before it waits, so
    // the sets queued behind it while it commits are taken then (no throughput change measured:
    // tools/bench/README.md "Live changes").
    if (was_empty) wake_.notify_one();
}

std::uint64_t ChangeWriter::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

std::uint64_t ChangeWriter::sets() const {
    std::lock_guard lock(mutex_);
    return sets_;
}

void ChangeWriter::timed(const zones::ApplyResult& r) {
    if (!r.ok() || !r.report->changed) return;
    edit_time_.record(r.report->edit_ns);
    commit_time_.record(r.report->commit_ns);
}

void ChangeWriter::metrics(MetricsText& m) const {
    m.single("enumd_live_change_sets_total", "counter", "Live change sets applied or refused (API, enumctl, UPDATE).",
             sets());
    m.single("enumd_live_commits_total", "counter",
             "Durable transactions that changed records (group commit: fewer than sets).", commits());
    struct Family {
        const char* name;
        const char* help;
        const DurationHistogram& h;
    };
    for (const Family& f : {
             Family{"enumd_live_change_seconds",
                    "A change set from its submission to its reply (durable, or refused): queue, apply and sync.",
                    change_time_},
             Family{"enumd_live_edit_seconds",
                    "A live transaction's work before its commit: reading and editing nodes, the journal, the overrides.",
                    edit_time_},
             Family{"enumd_live_commit_seconds", "A live transaction's commit: page writes and their data sync.",
                    commit_time_},
             Family{"enumd_live_sync_seconds",
                    "The sync after commits that makes them durable (meta page), one for every commit taken with it.",
                    sync_time_},
         }) {
        std::array<std::uint64_t, DurationHistogram::kBuckets> counts{};
        std::uint64_t sum_ns = 0;
        f.h.add_to(counts, sum_ns);
        m.family(f.name, "histogram", f.help).histogram(f.name, counts, sum_ns);
    }
}

void ChangeWriter::run() {
    for (;;) {
        std::vector<Job> group;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, nothing left
            // The head and every following set of the same zone and options, up to one
            // change set's bound; a set for another zone waits for the next round.
            std::size_t items = 0;
            for (auto it = queue_.begin(); it != queue_.end();) {
                bool same = group.empty() || (it->origin == group.front().origin &&
                                              it->options.record_overrides == group.front().options.record_overrides &&
                                              it->options.max_changes == group.front().options.max_changes);
                if (!same) {
                    ++it;
                    continue;
                }
                if (!group.empty() && items + it->changes.size() > group.front().options.max_changes) break;
                items += it->changes.size();
                group.push_back(std::move(*it));
                it = queue_.erase(it);
            }
        }
        apply_group(group);
    }
}

void ChangeWriter::apply_group(std::vector<Job>& group) {
    std::uint64_t commits = 0;
    zones::ApplyOptions options = group.front().options;
    options.defer_sync = true;  // run_sync makes it durable before anyone hears of it
    if (group.size() > 1) {
        std::vector<zones::Change> all;
        for (auto& job : group) all.insert(all.end(), job.changes.begin(), job.changes.end());
        zones::ApplyResult together = store_.apply(group.front().origin, all, options);
        timed(together);
        if (together.ok()) {
            {
                std::lock_guard lock(mutex_);
                commits_ += together.report->changed ? 1 : 0;
                sets_ += group.size();
            }
            for (auto& job : group) acknowledge(together, job);
            return;
        }
    }
    for (auto& job : group) {
        zones::ApplyOptions own = job.options;
        own.defer_sync = true;
        zones::ApplyResult r = store_.apply(job.origin, job.changes, own);
        timed(r);
        if (r.ok() && r.report->changed) ++commits;
        {
            std::lock_guard lock(mutex_);
            commits_ += commits;
            sets_ += 1;
        }
        commits = 0;
        acknowledge(std::move(r), job);
    }
}

}  // namespace enumd::server
