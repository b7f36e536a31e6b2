#pragma once
// The store's on-disk format helpers shared by the compile path (store.cpp)
// and the live write path (store_update.cpp). Not a public header.

#include <lmdb.h>

#include <cstdint>
#include <span>
#include <string>

#include "enumd/dns/result.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::zones::detail {

/// One LMDB transaction, aborted unless committed.
class Txn {
public:
    Txn() = default;
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    ~Txn() {
        if (txn_ != nullptr) mdb_txn_abort(txn_);
    }
    int begin(MDB_env* env, unsigned flags = 0) {
        env_ = (flags & MDB_RDONLY) != 0 ? nullptr : env;
        return mdb_txn_begin(env, nullptr, flags, &txn_);
    }
    /// Commits; a write transaction returns only once it is on disk: the environment is opened with
    /// MDB_NOMETASYNC (Store::open), so the meta page LMDB wrote without waiting is synced here. The new
    /// version is visible to readers from the meta write on, one fsync before this returns.
    /// `sync` false: the caller syncs (Store::sync) before it tells anyone the commit is done.
    int commit(bool sync = true) {
        int rc = mdb_txn_commit(txn_);
        txn_ = nullptr;
        if (rc == 0 && env_ != nullptr && sync) rc = mdb_env_sync(env_, 1);
        return rc;
    }
    [[nodiscard]] MDB_txn* get() const noexcept { return txn_; }

private:
    MDB_txn* txn_ = nullptr;
    MDB_env* env_ = nullptr;  ///< set for write transactions (synced at commit)
};

// ---- defined in store.cpp (the format's one definition)
/// "what: LMDB's sentence"; remembers MDB_MAP_FULL/MDB_MAP_RESIZED so the
/// write is run again in a grown map (Store::write_growing).
std::string lmdb_error(const char* what, int rc);
std::string id_prefix(std::uint32_t id);
std::string zone_db_key(const std::string& origin_key);
std::string journal_prefix(const std::string& origin_key);
std::string routes_key(std::uint32_t id);
std::string plain_key(std::uint32_t id);
std::string encode_meta(const ZoneMeta& m);
bool decode_meta(std::span<const std::uint8_t> v, ZoneMeta& m);
void put_journal_record(std::string& out, const dns::Name& owner, std::uint16_t type, std::uint32_t ttl,
                        std::span<const std::uint8_t> rdata);
/// Keeps at most `depth` newest entries, and of those only as many as hold `budget` records together.
int trim_journal(MDB_txn* t, unsigned journal, const std::string& jprefix, std::size_t depth, std::size_t budget);
int delete_prefix(MDB_txn* t, unsigned dbi, const std::string& prefix);
const char* generation_key() noexcept;

// ---- defined in store_update.cpp
/// Called by every compile of a zone inside its write transaction: records
/// what live changes need of the file (default TTL, named route sets) and,
/// when the zone has live overrides, returns `merged` = the file's zone with
/// them applied (auto-serial, so the serial never goes back); else `&zone`.
/// Fails when an override no longer fits the file (its route set is gone).
dns::Result<const Zone*> prepare_live(MDB_txn* t, unsigned live_dbi, const Zone& zone, Zone& merged);
/// Drops a zone's live data (the zone is removed). 0 or an LMDB error.
int drop_live(MDB_txn* t, unsigned live_dbi, const std::string& origin_key);
/// A fingerprint of the live overrides of the zone `origin_key` (0 when none): equal before and after
/// means no live change to the zone came in between (Store::write_once's staged versions).
std::uint64_t live_fingerprint(MDB_txn* t, unsigned live_dbi, const std::string& origin_key);

}  // namespace enumd::zones::detail
