#pragma once
// Reading an incoming transfer message by message: the AXFR form (RFC 5936
// §2.2: SOA, the zone, SOA) or the IXFR form (RFC 1995 §4: SOA(new), then
// per version SOA(old) deletions SOA(next) additions, then SOA(new)), told
// apart by the second record. Without sockets, so it is tested directly.
// The AXFR form's records (but the apex's) go straight into an external sort
// (zones/sorted_records.hpp) and from there into the store's write
// transaction: memory does not grow with the zone (issue 12 item 8).
// Private to server/src/xfr.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/zones/model.hpp"
#include "enumd/zones/sorted_records.hpp"

namespace enumd::server::xfr {

class TransferReader {
public:
    enum class Step {
        More,          ///< the reply goes on in the next message
        Done,          ///< the closing SOA was read
        UpToDate,      ///< IXFR answered with our own (or an older) SOA only
        Failed,        ///< malformed, refused, too large: why() says
        IxfrUnusable,  ///< IXFR cannot be used here; AXFR may
    };
    struct Change {
        bool add = false;
        zones::Record rec;
    };

    /// `ours` is our SOA for an IXFR request, none for AXFR; `source` names
    /// the primary in record locations and messages; `run_bytes` is the
    /// external sort's run size (tests make it small).
    TransferReader(const dns::Name& origin, std::optional<zones::Record> ours, std::string source,
                   std::size_t run_bytes = zones::kRecordRunBytes);

    /// The next message of the reply (its TSIG already checked by the caller).
    Step feed(std::span<const std::uint8_t> msg);
    /// The stream ended (closed or timed out) before Done.
    Step interrupted();

    [[nodiscard]] const std::string& why() const noexcept { return why_; }
    [[nodiscard]] bool ixfr_form() const noexcept { return form_ == Form::Ixfr; }
    [[nodiscard]] const zones::Record& final_soa() const noexcept { return final_soa_; }
    /// AXFR form, after Done: the zone — the apex's records (SOA first) in
    /// `records`, the rest sorted in `streamed`. Null (see why()) when the
    /// external sort failed (a full disk).
    std::optional<zones::Zone> take_zone();
    /// AXFR form: records read so far, the apex's and the rest.
    [[nodiscard]] std::uint64_t record_count() const noexcept { return apex_.size() + sorter_.size(); }
    /// IXFR form: the changes in order.
    std::vector<Change>& changes() noexcept { return changes_; }

private:
    Step fail(Step s, std::string why);
    Step record(zones::Record rec);

    dns::Name origin_;
    std::optional<zones::Record> ours_;
    std::string source_;
    enum class Form { Unknown, Axfr, Ixfr } form_ = Form::Unknown;
    enum class Part { Del, Add } part_ = Part::Del;
    std::uint32_t final_serial_ = 0;
    std::uint32_t diff_to_ = 0;
    std::uint64_t seen_ = 0;
    bool ended_ = false;
    zones::Record final_soa_;
    std::string origin_key_;
    std::vector<zones::Record> apex_;
    zones::RecordSorter sorter_;
    std::vector<Change> changes_;
    std::vector<std::uint8_t> rdbuf_ = std::vector<std::uint8_t>(65535);
    std::string why_;
};

/// Calls its argument with every record of the stored version of the zone
/// (owner, type, TTL, rdata); false when the version could not be read.
using StoredRecords = std::function<bool(
    const std::function<void(const dns::Name&, std::uint16_t, std::uint32_t, std::span<const std::uint8_t>)>&)>;

/// The IXFR changes applied to the stored version (RFC 1995 §4, in order):
/// the new zone as take_zone gives it, or nothing (with `why`) when a
/// deletion names a record we do not hold or a record lies outside the zone.
/// Memory grows with the changes, not with the zone.
std::optional<zones::Zone> apply_ixfr(const dns::Name& origin, const StoredRecords& stored, const zones::Record& final_soa,
                                      std::vector<TransferReader::Change>& changes, std::string& why,
                                      std::size_t run_bytes = zones::kRecordRunBytes);

}  // namespace enumd::server::xfr
