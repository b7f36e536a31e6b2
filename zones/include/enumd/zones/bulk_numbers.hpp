#pragma once
/// Bulk numbers (zones/README.md "Bulk numbers from CSV"): the routed numbers
/// of a zone's `numbers_csv` files, kept out of Zone::records so that neither
/// the loader nor the compile holds them all in memory. The loader appends
/// one fixed-size entry per number to a BulkSorter, which sorts them in runs
/// of kBulkRunEntries, spills each run to an unlinked temporary file and
/// merges the runs into one stream in key order (an external merge sort);
/// Store::write reads that stream once per write attempt and appends the
/// nodes to LMDB in key order. Memory: one run, one read buffer per run.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace enumd::zones {

/// One routed number. `digits` are the number's digits after those its
/// zone's origin implies, NUL-padded: comparing the arrays bytewise orders
/// the entries as their owners' lookup keys (one label per digit, one key
/// octet each, the shorter prefix first, RFC 4034 §6.1).
struct BulkEntry {
    std::array<char, 16> digits{};
    std::array<char, 15> rn{};  ///< routing number digits (RFC 4694 §4), rn_length of them
    std::uint8_t rn_length = 0;
    std::uint16_t route = 0;  ///< 1 + index into Zone::routes
    std::uint16_t file = 0;   ///< index into BulkNumbers::files (diagnostics)
    std::uint32_t line = 0;   ///< 1-based line in that file
    [[nodiscard]] std::size_t digit_count() const noexcept { return ::strnlen(digits.data(), digits.size()); }
    friend bool operator<(const BulkEntry& a, const BulkEntry& b) noexcept {
        return std::memcmp(a.digits.data(), b.digits.data(), a.digits.size()) < 0;
    }
};

/// Entries per sorted run: 2^21 × 40 bytes = 80 MiB, the bulk of a large
/// compile's memory whatever the number count (issue 10: ≤ 300 MB at 100 M).
inline constexpr std::size_t kBulkRunEntries = std::size_t{1} << 21;

/// A zone's bulk numbers, sorted by owner and free of repeats: in memory when
/// they fit one run, else in an unlinked temporary file (gone with the
/// process, even after kill -9). Read it with `for_each` as often as needed.
class BulkNumbers {
   public:
    BulkNumbers() = default;
    ~BulkNumbers();
    BulkNumbers(const BulkNumbers&) = delete;
    BulkNumbers& operator=(const BulkNumbers&) = delete;

    [[nodiscard]] std::uint64_t size() const noexcept { return count_; }
    /// The files the entries came from (BulkEntry::file).
    std::vector<std::string> files;
    /// The zone's default TTL, which every bulk number's records take.
    std::uint32_t ttl = 3600;

    /// Calls `f` on every entry in order; stops early when it returns false.
    /// False on a read error.
    bool for_each(const std::function<bool(const BulkEntry&)>& f) const;

   private:
    friend class BulkSorter;
    std::vector<BulkEntry> memory_;
    int fd_ = -1;
    std::uint64_t count_ = 0;
};

/// Collects entries, then hands out the sorted stream.
class BulkSorter {
   public:
    /// `dir`: where runs go ("" → the system's temporary directory).
    explicit BulkSorter(std::string dir = {}, std::size_t run_entries = kBulkRunEntries);
    ~BulkSorter();
    BulkSorter(const BulkSorter&) = delete;
    BulkSorter& operator=(const BulkSorter&) = delete;

    /// False (with `error`) when a run could not be written.
    bool add(const BulkEntry& e);
    [[nodiscard]] std::uint64_t size() const noexcept { return added_; }
    /// Merges the runs: `keep` sees every entry in order, with the entry
    /// before it of the same digits when there was one (a repeat: `keep`
    /// reports it) or null; entries it returns false for are dropped. The
    /// result holds the kept entries, in memory or in a new unlinked file.
    std::unique_ptr<BulkNumbers> finish(const std::function<bool(const BulkEntry&, const BulkEntry* same)>& keep);
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

   private:
    bool spill();
    int temp_file();

    std::string dir_;
    std::size_t run_entries_;
    std::vector<BulkEntry> run_;
    std::vector<int> runs_;  ///< descriptors of the spilled runs
    std::vector<std::uint64_t> run_sizes_;
    std::uint64_t added_ = 0;
    std::string error_;
};

struct Zone;
struct Record;

/// The records of `zone`'s bulk numbers, as the YAML `route:` of each would
/// give them (marked with their route). Memory grows with the count: for
/// tools that show a zone file's records (check -p, export, diff), not for
/// compiles.
std::vector<Record> bulk_records(const Zone& zone);
/// Moves the bulk numbers into zone.records (bulk_records) and drops zone.bulk.
void materialize_bulk(Zone& zone);

}  // namespace enumd::zones
