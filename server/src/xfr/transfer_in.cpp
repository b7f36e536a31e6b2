#include "transfer_in.hpp"

#include <map>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server::xfr {

namespace {

// Bounds memory for a hostile primary.
constexpr std::uint64_t kMaxTransferRecords = 50000000;

std::uint32_t soa_serial(std::span<const std::uint8_t> rdata) {
    auto t = dns::soa_timers(rdata);
    return t ? t->serial : 0;
}

}  // namespace

TransferReader::TransferReader(const dns::Name& origin, std::optional<zones::Record> ours, std::string source)
    : origin_(origin), ours_(std::move(ours)), source_(std::move(source)) {}

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
        rec.loc.file = source_;
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
        records_.push_back(std::move(rec));
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
            records_.push_back(std::move(rec));
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
    changes_.push_back({part_ == Part::Add, std::move(rec)});
    return Step::More;
}

TransferReader::Step TransferReader::interrupted() {
    // Only a newer SOA came, and nothing after it: a server that wants AXFR.
    if (ours_ && seen_ == 1 && form_ == Form::Unknown) return fail(Step::IxfrUnusable, "IXFR answered with a newer SOA only");
    return Step::Failed;
}

std::optional<zones::Zone> apply_ixfr(zones::Zone base, const zones::Record& final_soa,
                                      std::vector<TransferReader::Change>& changes, std::string& why) {
    auto key_of = [](const zones::Record& r) {
        std::string k = r.owner.to_lookup_key();
        k.push_back('\0');
        k.append(reinterpret_cast<const char*>(&r.type), sizeof r.type);
        k.append(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size());
        return k;
    };
    std::map<std::string, zones::Record> current;
    for (auto& r : base.records) {
        if (r.type == dns::RrType::SOA && r.owner == base.origin) continue;
        current.emplace(key_of(r), std::move(r));
    }
    for (auto& c : changes) {
        std::string k = key_of(c.rec);
        if (c.add) {
            current[k] = std::move(c.rec);
        } else if (current.erase(k) == 0) {
            why = "IXFR deletes a record we do not have";
            return std::nullopt;
        }
    }
    zones::Zone out;
    out.origin = base.origin;
    out.records.push_back(final_soa);
    for (auto& [k, r] : current) {
        r.loc.file = final_soa.loc.file;
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace enumd::server::xfr
