#include "enumd/zones/bulk_numbers.hpp"

#include <unistd.h>

#include <algorithm>
#include <queue>

#include "enumd/numbering/e164.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/route.hpp"
#include "temp_file.hpp"

namespace enumd::zones {
namespace {

static_assert(sizeof(BulkEntry) == 40, "runs are arrays of BulkEntry on disk");
static_assert(std::is_trivially_copyable_v<BulkEntry>);

/// Digits, then input order (file, line): of repeated numbers the first written sorts first.
bool input_less(const BulkEntry& a, const BulkEntry& b) noexcept {
    int c = std::memcmp(a.digits.data(), b.digits.data(), a.digits.size());
    if (c != 0) return c < 0;
    return a.file != b.file ? a.file < b.file : a.line < b.line;
}

/// Entries per read or write through a run or the merged file: 32,768 × 40 = 1.25 MiB.
constexpr std::size_t kIoEntries = std::size_t{1} << 15;

using detail::write_all;

/// Reads up to `max` entries at entry index `at` of `fd`; the count read, -1 on an error.
long read_entries(int fd, std::uint64_t at, BulkEntry* out, std::size_t max) {
    long n = detail::read_some(fd, out, max * sizeof(BulkEntry), at * sizeof(BulkEntry));
    return n < 0 ? -1 : n / static_cast<long>(sizeof(BulkEntry));
}

/// A buffered walk over `count` entries of a run file.
struct RunReader {
    int fd = -1;
    std::uint64_t count = 0;
    std::uint64_t next_index = 0;  ///< of the file, next to read
    std::vector<BulkEntry> buf;
    std::size_t pos = 0;
    bool failed = false;
    /// The current entry, or null at the end.
    const BulkEntry* current() {
        if (pos < buf.size()) return &buf[pos];
        if (next_index >= count) return nullptr;
        buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kIoEntries, count - next_index)));
        long n = read_entries(fd, next_index, buf.data(), buf.size());
        if (n <= 0) {
            failed = true;
            buf.clear();
            return nullptr;
        }
        buf.resize(static_cast<std::size_t>(n));
        next_index += static_cast<std::uint64_t>(n);
        pos = 0;
        return &buf[0];
    }
};

}  // namespace

BulkNumbers::~BulkNumbers() {
    if (fd_ >= 0) ::close(fd_);
}

bool BulkNumbers::for_each(const std::function<bool(const BulkEntry&)>& f) const {
    if (fd_ < 0) {
        for (const auto& e : memory_)
            if (!f(e)) return true;
        return true;
    }
    std::vector<BulkEntry> buf(kIoEntries);
    for (std::uint64_t at = 0; at < count_;) {
        long n = read_entries(fd_, at, buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(kIoEntries, count_ - at)));
        if (n <= 0) return false;
        for (long i = 0; i < n; ++i)
            if (!f(buf[static_cast<std::size_t>(i)])) return true;
        at += static_cast<std::uint64_t>(n);
    }
    return true;
}

BulkSorter::BulkSorter(std::string dir, std::size_t run_entries)
    : dir_(std::move(dir)), run_entries_(std::max<std::size_t>(1, run_entries)) {}

BulkSorter::~BulkSorter() {
    for (int fd : runs_) ::close(fd);
}

int BulkSorter::temp_file() {
    std::string dir;
    int fd = detail::unlinked_temp_file(dir_, dir);
    if (fd < 0) error_ = "cannot create a temporary file in " + dir + " for sorting numbers";
    return fd;
}

bool BulkSorter::spill() {
    std::sort(run_.begin(), run_.end(), input_less);
    int fd = temp_file();
    if (fd < 0) return false;
    std::uint64_t off = 0;
    if (!write_all(fd, run_.data(), run_.size() * sizeof(BulkEntry), off)) {
        ::close(fd);
        error_ = "cannot write a sorted run of numbers to a temporary file (disk full?)";
        return false;
    }
    runs_.push_back(fd);
    run_sizes_.push_back(run_.size());
    run_.clear();
    return true;
}

bool BulkSorter::add(const BulkEntry& e) {
    if (!error_.empty()) return false;
    // The whole run at once: address space, paged in as it fills, and no copies while it grows.
    if (run_.capacity() == 0) run_.reserve(run_entries_);
    run_.push_back(e);
    ++added_;
    if (run_.size() >= run_entries_) return spill();
    return true;
}

std::unique_ptr<BulkNumbers> BulkSorter::finish(
    const std::function<bool(const BulkEntry&, const BulkEntry* same)>& keep) {
    auto out = std::make_unique<BulkNumbers>();
    if (!error_.empty()) return out;
    if (runs_.empty()) {
        // One run: sorted in memory, kept there (at most kBulkRunEntries).
        std::sort(run_.begin(), run_.end(), input_less);
        const BulkEntry* first = nullptr;  // of the current digits
        for (const auto& e : run_) {
            const BulkEntry* same = first != nullptr && !(*first < e) ? first : nullptr;
            if (same == nullptr) first = &e;
            if (keep(e, same)) out->memory_.push_back(e);
        }
        out->count_ = out->memory_.size();
        run_ = {};
        return out;
    }
    if (!run_.empty() && !spill()) return out;
    run_ = {};
    // k-way merge: a heap of run indexes by their current entry; equal
    // digits come out in run order, that is in input order.
    std::vector<RunReader> readers(runs_.size());
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        readers[i].fd = runs_[i];
        readers[i].count = run_sizes_[i];
    }
    auto later = [&](std::size_t a, std::size_t b) {
        const BulkEntry& x = *readers[a].current();
        const BulkEntry& y = *readers[b].current();
        int c = std::memcmp(x.digits.data(), y.digits.data(), x.digits.size());
        return c != 0 ? c > 0 : input_less(y, x);
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t i = 0; i < readers.size(); ++i)
        if (readers[i].current() != nullptr) heap.push(i);
    int fd = temp_file();
    if (fd < 0) return out;
    std::vector<BulkEntry> wbuf;
    wbuf.reserve(kIoEntries);
    std::uint64_t off = 0;
    BulkEntry first{};  // of the current digits
    bool have_first = false;
    bool ok = true;
    while (!heap.empty() && ok) {
        std::size_t i = heap.top();
        heap.pop();
        BulkEntry e = *readers[i].current();
        ++readers[i].pos;
        if (readers[i].current() != nullptr) heap.push(i);
        const BulkEntry* same = have_first && !(first < e) ? &first : nullptr;
        if (same == nullptr) {
            first = e;
            have_first = true;
        }
        if (keep(e, same)) {
            wbuf.push_back(e);
            ++out->count_;
            if (wbuf.size() == kIoEntries) {
                ok = write_all(fd, wbuf.data(), wbuf.size() * sizeof(BulkEntry), off);
                wbuf.clear();
            }
        }
    }
    if (ok && !wbuf.empty()) ok = write_all(fd, wbuf.data(), wbuf.size() * sizeof(BulkEntry), off);
    for (const auto& r : readers) ok = ok && !r.failed;
    for (int r : runs_) ::close(r);
    runs_.clear();
    if (!ok) {
        ::close(fd);
        error_ = "cannot merge the sorted runs of numbers (disk full?)";
        out->count_ = 0;
        return out;
    }
    out->fd_ = fd;
    return out;
}

std::vector<Record> bulk_records(const Zone& zone) {
    std::vector<Record> out;
    if (!zone.bulk) return out;
    const std::string implied = numbering::implied_digits(zone.origin);
    zone.bulk->for_each([&](const BulkEntry& e) {
        if (e.route == 0 || e.route > zone.routes.size()) return true;
        auto owner = numbering::owner_from_digits(implied + std::string(e.digits.data(), e.digit_count()), zone.origin);
        if (!owner) return true;
        RouteRef ref;
        ref.route = e.route;
        ref.rn_length = e.rn_length;
        std::copy_n(e.rn.begin(), e.rn_length, ref.rn.begin());
        SourceLoc loc{e.file < zone.bulk->files.size() ? zone.bulk->files[e.file] : std::string(),
                      static_cast<int>(e.line), 0};
        for (const RouteNaptr& t : zone.routes[e.route - 1].records) {
            auto rdata = expand_route_naptr(t, ref.rn_digits());
            if (rdata)
                out.push_back(Record{*owner, dns::RrType::NAPTR, t.ttl.value_or(zone.bulk->ttl), std::move(*rdata), loc,
                                     false, ref});
        }
        return true;
    });
    return out;
}

void materialize_bulk(Zone& zone) {
    for (auto& r : bulk_records(zone)) zone.records.push_back(std::move(r));
    zone.bulk.reset();
}

}  // namespace enumd::zones
