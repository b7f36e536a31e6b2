#pragma once
/// How far a compile has got, for a progress line on a terminal (issue 13: "Compile and load show progress on a
/// terminal (records, rate, ETA) and nothing extra otherwise"). The readers (RFC 1035, YAML numbers, CSV) and
/// Store::write advance the process's one Progress as they go; whoever shows it (enumctl compile and check,
/// enumd's first compile — cli::ProgressLine, only when stderr is a terminal) reads `line()` from another thread.
///
/// Every counter is a relaxed atomic: advancing costs one uncontended add per record, and a reader sees figures
/// that are at most a moment old, which is all a progress line needs. Nothing here allocates on the way.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace enumd::zones {

class Progress {
   public:
    enum class Phase : int { Idle = 0, Reading, Checking, Building, Writing };

    /// Enters a phase: its rate and ETA count from here.
    void phase(Phase p) noexcept;
    /// A source file of `size` bytes is being read (a zone file, an $INCLUDE, a numbers_csv file): the value to
    /// add to offsets in it for `at` (its first byte's place in all the bytes read).
    std::uint64_t add_source(std::uint64_t size) noexcept;
    /// The reader has got to byte `offset` of all the sources (the base from add_source plus its offset).
    void at(std::uint64_t offset) noexcept { bytes_read_.store(offset, std::memory_order_relaxed); }
    /// `n` more records (or numbers) read.
    void read(std::uint64_t n = 1) noexcept { records_read_.fetch_add(n, std::memory_order_relaxed); }
    /// Writing: `n` more names to write (known per zone once its names are built, when the Writing phase starts),
    /// and one more written.
    void to_write(std::uint64_t n) noexcept { names_to_write_.fetch_add(n, std::memory_order_relaxed); }
    void wrote(std::uint64_t n = 1) noexcept { names_written_.fetch_add(n, std::memory_order_relaxed); }
    /// A database write starts (Building: records into names), or starts over (the LMDB map grew, store.hpp)
    /// and writes its names again.
    void write_restarted() noexcept;

    /// "reading 1,234,567 records, 310,512/s, 43% of 512.0 MB, ETA 0:12" — empty when Idle.
    [[nodiscard]] std::string line() const;
    /// Back to Idle with every count at zero (a reload compiles again).
    void reset() noexcept;

   private:
    static std::int64_t now_ns() noexcept;

    std::atomic<int> phase_{0};
    std::atomic<std::int64_t> phase_start_ns_{0};
    std::atomic<std::uint64_t> phase_start_count_{0};  ///< records_read or names_written as the phase began
    std::atomic<std::uint64_t> phase_start_bytes_{0};
    std::atomic<std::uint64_t> bytes_total_{0};
    std::atomic<std::uint64_t> bytes_read_{0};
    std::atomic<std::uint64_t> records_read_{0};
    std::atomic<std::uint64_t> names_to_write_{0};
    std::atomic<std::uint64_t> names_written_{0};
};

/// The process's one Progress.
Progress& progress() noexcept;

}  // namespace enumd::zones
