#pragma once
// Where a zone's live overrides are kept in the "live" database: a log with
// one entry per committed change set, folded into fewer entries now and then.
// Not a public header; store_update.cpp is its one user.
//
// Why a log: the overrides are read only when the zone is compiled again,
// exported or diffed, never by a query; written one record per owner into a
// B-tree keyed by owner, a batch of 10,000 random numbers dirtied about 2,000
// leaf pages of it (a third of what the batch wrote to disk, a third of its
// time). One entry per change set is one sequential run of pages.
//
// Keys (beside the zone's file info "D<origin>", store_update.cpp):
//   "L" len16 origin seq64   one change set's overrides: (u16 key length, relative key,
//                            u32 value length, encoded override) in canonical key order
//   "S" origin               the log's state: next seq (never reused while the zone exists, so the
//                            state alone tells whether anything was logged), bytes logged, bytes
//                            after the last fold
//   "O" len16 origin key     one override per owner, as databases before the log keep them;
//                            read as the oldest entries and folded into the log at its first fold

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace enumd::zones::live_log {

/// f(relative key, encoded override) for each owner the zone's overrides hold, newest value, in canonical order.
using Visit = std::function<void(std::string_view key, std::span<const std::uint8_t> value)>;

/// Visits the zone's overrides (see Visit). 0 or an LMDB error; MDB_CORRUPTED for an unreadable entry.
int for_each(MDB_txn* t, MDB_dbi live, const std::string& origin_key, const Visit& f);

/// Bytes logged beyond twice the folded size before the log is folded again.
inline constexpr std::uint64_t kFoldMargin = std::uint64_t{8} << 20;

/// Appends one change set's overrides (relative key, encoded override; canonical order, one per key) and folds
/// the log (one value per owner, in chunks) when it holds more than twice its folded size plus `margin` bytes:
/// reading it stays proportional to the overrides it holds, and the folds' cost per change stays constant.
/// 0 or an LMDB error.
int append(MDB_txn* t, MDB_dbi live, const std::string& origin_key,
           const std::vector<std::pair<std::string, std::string>>& overrides, std::uint64_t margin = kFoldMargin);

/// Removes every override of the zone. `forget` also removes the log's state (the zone is removed); without it
/// the sequence goes on, so fingerprint() still tells this drop from any earlier state. 0 or an LMDB error.
int drop(MDB_txn* t, MDB_dbi live, const std::string& origin_key, bool forget);

/// Differs after every append, fold or drop (0 when the zone never had overrides).
std::uint64_t fingerprint(MDB_txn* t, MDB_dbi live, const std::string& origin_key);

/// Entries the zone's log holds now (per-owner records of older databases counted one each); for the tests.
std::size_t entries(MDB_txn* t, MDB_dbi live, const std::string& origin_key);

}  // namespace enumd::zones::live_log
