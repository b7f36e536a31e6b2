#pragma once
/// Records of a zone too large to hold as Record objects — a zone transfer
/// in (AXFR, or IXFR applied to the stored version) — kept out of
/// Zone::records as compact entries: the owner's lookup key relative to the
/// origin, type, TTL and rdata. A RecordSorter sorts them in runs of
/// kRecordRunBytes, spills each run to an unlinked temporary file and hands
/// out a SortedRecords, which merges the runs on every read (an external
/// merge sort, as bulk_numbers.hpp does for routed numbers). Store::write
/// reads the stream once per write attempt and appends the nodes to LMDB in
/// key order. Memory: one run while collecting, one read buffer per run
/// while writing — whatever the zone's size (issue 12 item 8: a secondary
/// held ~530 bytes per record before).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace enumd::zones {

/// One record as the stream hands it out; the views last until the next one.
struct SortedRecord {
    std::string_view key;  ///< owner's lookup key relative to the zone's origin (dns/name.hpp)
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;  ///< uncompressed wire form
};

/// Bytes of entries per sorted run (64 MiB): the bulk of a large transfer's memory.
inline constexpr std::size_t kRecordRunBytes = std::size_t{64} << 20;

/// Records in (key, type, rdata) order — the canonical order of the store's
/// nodes and of their RRsets — with repeats in input order (the first copy
/// first). Read it with for_each as often as needed.
class SortedRecords {
   public:
    SortedRecords() = default;
    ~SortedRecords();
    SortedRecords(const SortedRecords&) = delete;
    SortedRecords& operator=(const SortedRecords&) = delete;

    /// Records, repeats included.
    [[nodiscard]] std::uint64_t size() const noexcept { return count_; }
    /// Bytes of the entries (an estimate of what writing them needs).
    [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
    /// Calls `f` on every record in order; stops early when it returns
    /// false. False on a read error of the temporary file.
    bool for_each(const std::function<bool(const SortedRecord&)>& f) const;

   private:
    friend class RecordSorter;
    std::string memory_;                ///< one run kept in memory (no spill)
    std::vector<std::uint32_t> order_;  ///< its entries' offsets, sorted
    int fd_ = -1;                       ///< the spilled runs, one after another
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs_;  ///< (offset, bytes) of each run
    std::uint64_t count_ = 0;
    std::uint64_t bytes_ = 0;
};

class RecordSorter {
   public:
    /// `dir`: where runs go ("" → the system's temporary directory).
    explicit RecordSorter(std::string dir = {}, std::size_t run_bytes = kRecordRunBytes);
    ~RecordSorter();
    RecordSorter(const RecordSorter&) = delete;
    RecordSorter& operator=(const RecordSorter&) = delete;

    /// False (see error()) when a run could not be written, or the key (> 511
    /// octets) or rdata (> 65,535) cannot be an owner or rdata.
    bool add(std::string_view key, std::uint16_t type, std::uint32_t ttl, std::span<const std::uint8_t> rdata);
    [[nodiscard]] std::uint64_t size() const noexcept { return count_; }
    /// The sorted records; null (see error()) when spilling or merging failed.
    std::unique_ptr<SortedRecords> finish();
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

   private:
    bool spill();

    std::string dir_;
    std::size_t run_bytes_;
    std::string run_;
    std::vector<std::uint32_t> offsets_;
    int fd_ = -1;
    std::uint64_t file_bytes_ = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs_;
    std::uint64_t count_ = 0;
    std::uint64_t bytes_ = 0;
    std::string error_;
};

}  // namespace enumd::zones
