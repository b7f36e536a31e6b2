#include "enumd/zones/sorted_records.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <queue>

#include "enumd/zones/model.hpp"
#include "temp_file.hpp"

namespace enumd::zones {
namespace {

// An entry: u16 key length, key, u16 type, u32 TTL, u16 rdata length, rdata (host order; never leaves the process).
constexpr std::size_t kFixed = 2 + 2 + 4 + 2;
constexpr std::size_t kMaxKey = 511;
/// Bytes read from a run at a time while merging.
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

template <typename T>
T get(const char* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::size_t entry_size(const char* p) noexcept {
    auto klen = get<std::uint16_t>(p);
    return kFixed + klen + get<std::uint16_t>(p + 2 + klen + 6);
}

SortedRecord decode(const char* p) noexcept {
    SortedRecord r;
    auto klen = get<std::uint16_t>(p);
    r.key = std::string_view(p + 2, klen);
    p += 2 + klen;
    r.type = get<std::uint16_t>(p);
    r.ttl = get<std::uint32_t>(p + 2);
    auto rdlen = get<std::uint16_t>(p + 6);
    r.rdata = {reinterpret_cast<const std::uint8_t*>(p + 8), rdlen};
    return r;
}

/// (key, type, rdata): the store's node order, then its RRsets' and their records' order.
int compare(const SortedRecord& a, const SortedRecord& b) noexcept {
    if (int c = a.key.compare(b.key); c != 0) return c;
    if (a.type != b.type) return a.type < b.type ? -1 : 1;
    if (rdata_less(a.rdata, b.rdata)) return -1;
    if (rdata_less(b.rdata, a.rdata)) return 1;
    return 0;
}

/// A buffered walk over one spilled run.
struct RunCursor {
    int fd = -1;
    std::uint64_t pos = 0;  ///< next file offset to read
    std::uint64_t end = 0;
    std::vector<char> buf = std::vector<char>(kReadChunk);
    std::size_t at = 0;   ///< the current entry in buf
    std::size_t len = 0;  ///< bytes of buf filled
    SortedRecord cur;
    std::size_t cur_size = 0;
    bool failed = false;

    /// At least `n` bytes from `at` in the buffer (fewer only at the run's end).
    bool ensure(std::size_t n) {
        if (len - at >= n) return true;
        std::memmove(buf.data(), buf.data() + at, len - at);
        len -= at;
        at = 0;
        if (buf.size() < n) buf.resize(n);
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - len, end - pos));
        long r = detail::read_some(fd, buf.data() + len, want, pos);
        if (r < 0) {
            failed = true;
            return false;
        }
        len += static_cast<std::size_t>(r);
        pos += static_cast<std::uint64_t>(r);
        return len - at >= n;
    }
    /// Moves to the next entry (the first on the first call); false at the end or on an error.
    bool next() {
        at += cur_size;
        cur_size = 0;
        if (at == len && pos == end) return false;
        if (!ensure(2)) return fail();
        auto klen = get<std::uint16_t>(buf.data() + at);
        if (!ensure(kFixed + klen)) return fail();
        std::size_t size = entry_size(buf.data() + at);
        if (!ensure(size)) return fail();
        cur = decode(buf.data() + at);
        cur_size = size;
        return true;
    }
    bool fail() {
        failed = true;
        return false;
    }
};

}  // namespace

SortedRecords::~SortedRecords() {
    if (fd_ >= 0) ::close(fd_);
}

bool SortedRecords::for_each(const std::function<bool(const SortedRecord&)>& f) const {
    if (fd_ < 0) {
        for (std::uint32_t off : order_)
            if (!f(decode(memory_.data() + off))) return true;
        return true;
    }
    // k-way merge: a heap of run indexes by their current record; equal
    // records come out in run order, that is in input order.
    std::vector<RunCursor> runs(runs_.size());
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        runs[i].fd = fd_;
        runs[i].pos = runs_[i].first;
        runs[i].end = runs_[i].first + runs_[i].second;
    }
    auto later = [&](std::size_t a, std::size_t b) {
        int c = compare(runs[a].cur, runs[b].cur);
        return c != 0 ? c > 0 : a > b;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].next()) heap.push(i);
        if (runs[i].failed) return false;
    }
    while (!heap.empty()) {
        std::size_t i = heap.top();
        heap.pop();
        if (!f(runs[i].cur)) return true;
        if (runs[i].next()) heap.push(i);
        if (runs[i].failed) return false;
    }
    return true;
}

RecordSorter::RecordSorter(std::string dir, std::size_t run_bytes)
    : dir_(std::move(dir)), run_bytes_(std::max<std::size_t>(1, run_bytes)) {}

RecordSorter::~RecordSorter() {
    if (fd_ >= 0) ::close(fd_);
}

bool RecordSorter::add(std::string_view key, std::uint16_t type, std::uint32_t ttl,
                       std::span<const std::uint8_t> rdata) {
    if (!error_.empty()) return false;
    if (key.size() > kMaxKey) {
        error_ = "an owner name too long to store";
        return false;
    }
    if (rdata.size() > 0xffff) {
        error_ = "rdata longer than 65,535 octets";
        return false;
    }
    if (run_.size() > 0xffffffffu - (kFixed + kMaxKey + 0xffff)) {
        error_ = "a sorted run larger than 4 GiB";
        return false;
    }
    offsets_.push_back(static_cast<std::uint32_t>(run_.size()));
    char fixed[kFixed];
    auto klen = static_cast<std::uint16_t>(key.size());
    auto rdlen = static_cast<std::uint16_t>(rdata.size());
    std::memcpy(fixed, &klen, 2);
    run_.append(fixed, 2);
    run_.append(key);
    std::memcpy(fixed, &type, 2);
    std::memcpy(fixed + 2, &ttl, 4);
    std::memcpy(fixed + 6, &rdlen, 2);
    run_.append(fixed, 8);
    run_.append(reinterpret_cast<const char*>(rdata.data()), rdata.size());
    ++count_;
    bytes_ += kFixed + key.size() + rdata.size();
    if (run_.size() >= run_bytes_) return spill();
    return true;
}

namespace {
void sort_run(const std::string& run, std::vector<std::uint32_t>& offsets) {
    // Stable: of equal records the first given stays first (its TTL counts, RFC 2181 §5.2 as the store reads it).
    std::stable_sort(offsets.begin(), offsets.end(), [&](std::uint32_t a, std::uint32_t b) {
        return compare(decode(run.data() + a), decode(run.data() + b)) < 0;
    });
}
}  // namespace

bool RecordSorter::spill() {
    if (offsets_.empty()) return true;
    sort_run(run_, offsets_);
    if (fd_ < 0) {
        std::string dir;
        fd_ = detail::unlinked_temp_file(dir_, dir);
        if (fd_ < 0) {
            error_ = "cannot create a temporary file in " + dir + " for sorting records";
            return false;
        }
    }
    // Entries in sorted order, through one buffer of at most kReadChunk bytes.
    const std::uint64_t start = file_bytes_;
    std::string out;
    out.reserve(kReadChunk + kFixed + kMaxKey + 0xffff);
    bool ok = true;
    for (std::uint32_t off : offsets_) {
        out.append(run_.data() + off, entry_size(run_.data() + off));
        if (out.size() >= kReadChunk) {
            ok = detail::write_all(fd_, out.data(), out.size(), file_bytes_);
            out.clear();
            if (!ok) break;
        }
    }
    if (ok && !out.empty()) ok = detail::write_all(fd_, out.data(), out.size(), file_bytes_);
    if (!ok || file_bytes_ - start != run_.size()) {
        error_ = "cannot write a sorted run of records to a temporary file (disk full?)";
        return false;
    }
    runs_.emplace_back(start, file_bytes_ - start);
    run_.clear();
    offsets_.clear();
    return true;
}

std::unique_ptr<SortedRecords> RecordSorter::finish() {
    if (!error_.empty()) return nullptr;
    auto out = std::make_unique<SortedRecords>();
    out->count_ = count_;
    out->bytes_ = bytes_;
    if (runs_.empty()) {
        sort_run(run_, offsets_);
        out->memory_ = std::move(run_);
        out->order_ = std::move(offsets_);
        run_ = {};
        offsets_ = {};
        return out;
    }
    if (!spill()) return nullptr;
    run_ = {};
    offsets_ = {};
    out->fd_ = fd_;
    fd_ = -1;
    out->runs_ = std::move(runs_);
    return out;
}

}  // namespace enumd::zones
