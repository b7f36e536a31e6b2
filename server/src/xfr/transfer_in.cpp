#include "transfer_in.hpp"

#include <cstring>
#include <map>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server::xfr {

namespace {

// Bounds what a hostile primary can make us write: records go to temporary
// files, not memory, so this is a disk bound (a zone of 10^9 records).
constexpr std::uint64_t kMaxTransferRecords = 1000000000;
// IXFR changes are held in memory until applied: beyond this many, AXFR
// (streamed) instead.
constexpr std::size_t kMaxIxfrChanges = 1000000;

std::uint32_t soa_serial(std::span<const std::uint8_t> rdata) {
    auto t = dns::soa_timers(rdata);
    return t ? t->serial : 0;
}

}  // namespace

TransferReader::TransferReader(const dns::Name& origin, std::optional<zones::Record> ours, std::string source,
                               std::size_t run_bytes)
    : origin_(origin),
      ours_(std::move(ours)),
      source_(std::move(source)),
      origin_key_(origin.to_lookup_key()),
      sorter_({}, run_bytes) {}

TransferReader::Step TransferReader::fail(Step s, std::string why) {
    why_ = std::move(why);
    return s;
}

TransferReader::Step TransferReader::feed(std::span<const std::uint8_t> msg) {
    dns::Header h;
    if (!dns::read_header(msg, h)) return fail(Step::Failed, "unexpected message in the transfer");
    if (h.rcode() != 0) {
        const bool notimp = h.rcode() == static_cast<std::uint8_t>(dns::Rcode::NOTIMP);
        return fail(ours_ && notimp ? Step::IxfrUnusable : Step::Failed,
                    "transfer refused: " + dns::to_text(static_cast<dns::Rcode>(h.rcode())));
    }
    dns::WireReader r(msg, dns::kHeaderSize);
    for (unsigned i = 0; i < h.qdcount; ++i) {
        dns::Question question;
        if (!r.read_question(question)) return fail(Step::Failed, "malformed question in the transfer");
    }
    for (unsigned i = 0; i < h.ancount; ++i) {
        dns::RecordView rv;
        if (!r.read_record(rv)) return fail(Step::Failed, "malformed record in the transfer");
        auto rdlen = dns::decompress_rdata(msg, rv, rdbuf_);
        if (!rdlen) return fail(Step::Failed, "malformed rdata in the transfer");
        if (ended_) return fail(Step::Failed, "records after the closing SOA");
        if (++seen_ > kMaxTransferRecords) return fail(Step::Failed, "zone too large");
        zones::Record rec;
        rec.owner = rv.owner;
        rec.type = rv.type;
        rec.ttl = rv.ttl;
        rec.rdata.assign(rdbuf_.begin(), rdbuf_.begin() + static_cast<std::ptrdiff_t>(*rdlen));
        if (Step s = record(std::move(rec)); s != Step::More) return s;
    }
    if (ended_) return Step::Done;
    if (seen_ == 1 && form_ == Form::Unknown && ours_ && !dns::serial_lt(soa_serial(ours_->rdata), final_serial_)) {
        // RFC 1995 §4: a lone SOA not newer than ours says we are up to date. A
        // newer one starts a reply that may go on in the next message.
        return Step::UpToDate;
    }
    return Step::More;
}

TransferReader::Step TransferReader::record(zones::Record rec) {
    const bool apex_soa = rec.type == dns::RrType::SOA && rec.owner == origin_ && dns::soa_timers(rec.rdata);
    const std::uint32_t serial = apex_soa ? soa_serial(rec.rdata) : 0;
    if (seen_ == 1) {
        if (!apex_soa) return fail(Step::Failed, "transfer does not start with the zone's SOA");
        final_serial_ = serial;
        final_soa_ = rec;
        final_soa_.loc.file = source_;
        apex_.push_back(std::move(rec));
        return Step::More;
    }
    if (form_ == Form::Unknown) {
        // RFC 1995 §4: a second SOA (not the closing one) starts the IXFR form.
        if (apex_soa && ours_ && serial != final_serial_) {
            form_ = Form::Ixfr;
            part_ = Part::Del;
            if (serial != soa_serial(ours_->rdata)) return fail(Step::IxfrUnusable, "IXFR does not start at our serial");
            return Step::More;
        }
        form_ = Form::Axfr;
    }
    if (form_ == Form::Axfr) {
        if (apex_soa) {
            ended_ = true;  // RFC 5936 §2.2: the closing SOA
        } else if (rec.type != dns::RrType::SOA) {
            if (!rec.owner.is_subdomain_of(origin_))
                return fail(Step::Failed, "record " + rec.owner.to_text() + " outside the zone in the transfer");
            std::string key = rec.owner.to_lookup_key();
            if (key.size() == origin_key_.size()) {
                apex_.push_back(std::move(rec));
            } else if (!sorter_.add(std::string_view(key).substr(origin_key_.size()),
                                    static_cast<std::uint16_t>(rec.type), rec.ttl, rec.rdata)) {
                return fail(Step::Failed, "storing the transfer: " + sorter_.error());
            }
        }
        return Step::More;
    }
    // IXFR form: SOA(old) deletions SOA(new) additions, per version; the closing SOA ends it.
    if (apex_soa) {
        if (part_ == Part::Del) {
            part_ = Part::Add;
            diff_to_ = serial;
        } else if (diff_to_ == final_serial_) {
            ended_ = true;
        } else {
            part_ = Part::Del;
        }
        return Step::More;
    }
    if (changes_.size() >= kMaxIxfrChanges)
        return fail(Step::IxfrUnusable, "IXFR with more than " + std::to_string(kMaxIxfrChanges) + " changes");
    changes_.push_back({part_ == Part::Add, std::move(rec)});
    return Step::More;
}

TransferReader::Step TransferReader::interrupted() {
    // Only a newer SOA came, and nothing after it: a server that wants AXFR.
    if (ours_ && seen_ == 1 && form_ == Form::Unknown) return fail(Step::IxfrUnusable, "IXFR answered with a newer SOA only");
    return Step::Failed;
}

std::optional<zones::Zone> TransferReader::take_zone() {
    zones::Zone z;
    z.origin = origin_;
    z.loc.file = source_;
    for (auto& r : apex_) r.loc.file = source_;
    z.records = std::move(apex_);
    apex_.clear();
    auto sorted = sorter_.finish();
    if (!sorted) {
        why_ = "storing the transfer: " + sorter_.error();
        return std::nullopt;
    }
    z.streamed = std::move(sorted);
    return z;
}

namespace {

/// A record's identity in an IXFR: relative key (length first), type, rdata.
void identity(std::string& out, std::string_view rel_key, std::uint16_t type, std::span<const std::uint8_t> rdata) {
    out.clear();
    auto klen = static_cast<std::uint16_t>(rel_key.size());
    out.append(reinterpret_cast<const char*>(&klen), 2);
    out.append(rel_key);
    out.append(reinterpret_cast<const char*>(&type), 2);
    out.append(reinterpret_cast<const char*>(rdata.data()), rdata.size());
}

}  // namespace

std::optional<zones::Zone> apply_ixfr(const dns::Name& origin, const StoredRecords& stored, const zones::Record& final_soa,
                                      std::vector<TransferReader::Change>& changes, std::string& why,
                                      std::size_t run_bytes) {
    // The net effect of the changes per record, applied in order: a deletion
    // needs the record there (from an earlier addition, or the stored version).
    struct Net {
        bool needs_stored = false;  ///< deleted before any addition: the stored version must hold it
        bool present = false;       ///< there after the last change
        bool seen = false;          ///< found in the stored version
        std::uint32_t ttl = 0;
    };
    const std::string origin_key = origin.to_lookup_key();
    std::map<std::string, Net> net;
    std::string id;
    for (auto& c : changes) {
        if (!c.rec.owner.is_subdomain_of(origin)) {
            why = "IXFR changes a record outside the zone (" + c.rec.owner.to_text() + ")";
            return std::nullopt;
        }
        std::string key = c.rec.owner.to_lookup_key();
        identity(id, std::string_view(key).substr(origin_key.size()), static_cast<std::uint16_t>(c.rec.type), c.rec.rdata);
        auto it = net.find(id);
        if (c.add) {
            Net& n = it == net.end() ? net[id] : it->second;
            n.present = true;
            n.ttl = c.rec.ttl;
        } else if (it == net.end()) {
            net[id].needs_stored = true;
        } else if (!it->second.present) {
            why = "IXFR deletes a record we do not have";
            return std::nullopt;
        } else {
            it->second.present = false;
        }
    }
    changes.clear();
    changes.shrink_to_fit();

    zones::Zone out;
    out.origin = origin;
    out.loc.file = final_soa.loc.file;
    out.records.push_back(final_soa);
    zones::RecordSorter sorter({}, run_bytes);
    bool ok = true;
    auto emit = [&](std::string_view rel_key, std::uint16_t type, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
        if (rel_key.empty()) {
            zones::Record r;
            r.owner = origin;
            r.type = static_cast<dns::RrType>(type);
            r.ttl = ttl;
            r.rdata.assign(rdata.begin(), rdata.end());
            r.loc.file = final_soa.loc.file;
            out.records.push_back(std::move(r));
        } else if (!sorter.add(rel_key, type, ttl, rdata)) {
            ok = false;
        }
    };
    std::string key;
    bool read = stored([&](const dns::Name& owner, std::uint16_t type, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
        if (type == static_cast<std::uint16_t>(dns::RrType::SOA) && owner == origin) return;
        key = owner.to_lookup_key();
        std::string_view rel = std::string_view(key).substr(origin_key.size());
        identity(id, rel, type, rdata);
        auto it = net.find(id);
        if (it == net.end()) {
            emit(rel, type, ttl, rdata);
            return;
        }
        it->second.seen = true;
        if (it->second.present) emit(rel, type, it->second.ttl, rdata);
    });
    if (!read) {
        why = "cannot read the stored zone";
        return std::nullopt;
    }
    for (const auto& [k, n] : net) {
        if (n.needs_stored && !n.seen) {
            why = "IXFR deletes a record we do not have";
            return std::nullopt;
        }
        if (!n.present || n.seen) continue;
        std::uint16_t klen = 0;
        std::memcpy(&klen, k.data(), 2);
        std::uint16_t type = 0;
        std::memcpy(&type, k.data() + 2 + klen, 2);
        std::span<const std::uint8_t> rdata(reinterpret_cast<const std::uint8_t*>(k.data()) + 4 + klen, k.size() - 4 - klen);
        emit(std::string_view(k).substr(2, klen), type, n.ttl, rdata);
    }
    auto sorted = ok ? sorter.finish() : nullptr;
    if (!sorted) {
        why = "storing the transfer: " + sorter.error();
        return std::nullopt;
    }
    out.streamed = std::move(sorted);
    return out;
}

}  // namespace enumd::server::xfr
