#include "enumd/server/xfr.hpp"

#include <ctime>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/response.hpp"
#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/notify.hpp"
#include "secondary.hpp"

namespace enumd::server::xfr {

using dns::Name;
using dns::ResponseWriter;
using dns::RrType;
using dns::Section;

namespace {

/// Transfer responses copy ID, opcode and RD from the request, not CD.
constexpr dns::Echo kTransferEcho{true, false};

std::uint64_t unix_now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

struct Record {
    Name owner;
    RrType type = RrType::A;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;
};

/// A single response: errors, or the SOA answer of an up-to-date IXFR.
class OneMessage : public Stream {
public:
    explicit OneMessage(std::vector<std::uint8_t> msg) : msg_(std::move(msg)) {}
    std::size_t next(std::span<std::uint8_t> out) override {
        if (sent_ || msg_.empty() || msg_.size() > out.size()) return 0;
        std::copy(msg_.begin(), msg_.end(), out.begin());
        sent_ = true;
        return msg_.size();
    }

private:
    std::vector<std::uint8_t> msg_;
    bool sent_ = false;
};

/// What to send, in order: SOA records, a whole-zone walk, journal entries.
struct Item {
    enum class Kind : std::uint8_t { Soa, Walk, Journal } kind = Kind::Soa;
    zones::JournalView journal;
    std::size_t offset = 0;
    bool used = false;
};

/// AXFR (RFC 5936 §2.2) or IXFR (RFC 1995 §4) responses from one snapshot.
class TransferStream : public Stream {
public:
    TransferStream(std::unique_ptr<zones::Reader> reader, const zones::ZoneInfo& zone, dns::QueryView q,
                   std::vector<std::uint8_t> question, const tsig::Key* key, std::vector<std::uint8_t> request_mac,
                   std::size_t message_size)
        : reader_(std::move(reader)),
          zone_(zone),
          q_(std::move(q)),
          question_(std::move(question)),
          message_size_(message_size) {
        q_.packet = {};  // the request buffer does not outlive the call; question_ holds the question
        if (key != nullptr) signer_.emplace(*key, std::move(request_mac));
    }
    ~TransferStream() override {
        it_ = zones::Reader::NodeIterator();  // close the cursor before the transaction
        if (reader_) reader_->release();
    }

    /// Finds the apex SOA; false when the zone has none (never for compiled zones).
    bool init() {
        auto apex = reader_->get(zone_, zone_.origin);
        if (!apex) return false;
        auto soa = apex->find(RrType::SOA);
        if (!soa) return false;
        std::size_t off = 0;
        if (!soa->next(off, soa_.rdata)) return false;
        auto timers = dns::soa_timers(soa_.rdata);
        if (!timers) return false;
        serial_ = timers->serial;
        soa_.owner = zone_.origin;
        soa_.type = RrType::SOA;
        soa_.ttl = soa->ttl;
        return true;
    }
    [[nodiscard]] std::uint32_t serial() const { return serial_; }

    void plan_axfr() {
        plan_.push_back({Item::Kind::Soa, {}, 0, false});
        plan_.push_back({Item::Kind::Walk, {}, 0, false});
        plan_.push_back({Item::Kind::Soa, {}, 0, false});
        it_ = reader_->iterate(zone_);
    }
    /// RFC 1995 §4: current SOA, then per version old SOA, deletions, new SOA, additions, then current SOA.
    void plan_ixfr(const std::vector<zones::JournalView>& chain) {
        plan_.push_back({Item::Kind::Soa, {}, 0, false});
        for (const auto& j : chain) plan_.push_back({Item::Kind::Journal, j, 0, false});
        plan_.push_back({Item::Kind::Soa, {}, 0, false});
    }
    void set_limit(std::size_t n) { message_size_ = n; }
    /// IXFR from `client` when the journal chains to the current serial.
    bool plan_ixfr_from(std::uint32_t client) {
        std::vector<zones::JournalView> chain;
        std::uint32_t at = client;
        const std::uint32_t current = serial();
        // Bounded: the store keeps a few entries per zone.
        for (int hops = 0; at != current && hops < 1024; ++hops) {
            auto j = reader_->journal(zone_, at);
            if (!j || !dns::serial_lt(at, j->to_serial())) return false;
            chain.push_back(*j);
            at = j->to_serial();
        }
        if (at != current) return false;
        plan_ixfr(chain);
        return true;
    }
    /// Up to date (RFC 1995 §4): a single SOA.
    void plan_soa_only() { plan_.push_back({Item::Kind::Soa, {}, 0, false}); }

    std::size_t next(std::span<std::uint8_t> out) override {
        if (finished_) return 0;
        const bool edns = q_.edns.has_value();
        ResponseWriter w(out, std::min<std::size_t>(message_size_, dns::kMaxMessage), q_, kTransferEcho);
        w.set_flag(dns::flags::AA);
        if (edns) w.reserve_opt();
        if (signer_) w.reserve(signer_->overhead());
        // RFC 5936 §2.2.1: the question in the first message; later ones may omit it.
        if (first_) w.add_question_raw(question_, q_.question.qname);
        first_ = false;
        std::size_t added = 0;
        for (;;) {
            if (!have_cur_) {
                if (!fetch()) {
                    finished_ = true;
                    break;
                }
                have_cur_ = true;
            }
            if (!w.add_record(Section::Answer, cur_.owner, cur_.type, 1, cur_.ttl, cur_.rdata)) {
                if (added == 0) {
                    finished_ = true;  // a record larger than a message: cannot happen below 64 KiB
                    return 0;
                }
                break;
            }
            have_cur_ = false;
            ++added;
        }
        std::size_t size = edns ? w.finish(0, dns::OptOut{}) : w.size();
        if (signer_) {
            if (signer_) w.release(signer_->overhead());
            size = signer_->sign(out, size, unix_now());
        }
        return size;
    }

private:
    bool fetch() {
        while (idx_ < plan_.size()) {
            Item& item = plan_[idx_];
            switch (item.kind) {
                case Item::Kind::Soa:
                    if (!item.used) {
                        item.used = true;
                        cur_ = soa_;
                        return true;
                    }
                    break;
                case Item::Kind::Walk:
                    if (walk_next()) return true;
                    break;
                case Item::Kind::Journal: {
                    zones::JournalRecord r;
                    if (item.journal.next(item.offset, r)) {
                        cur_.owner = r.owner;
                        cur_.type = r.type;
                        cur_.ttl = r.ttl;
                        cur_.rdata = r.rdata;
                        return true;
                    }
                    break;
                }
            }
            ++idx_;
        }
        return false;
    }

    bool walk_next() {
        for (;;) {
            if (!have_node_) {
                if (!it_.next(node_owner_, node_)) return false;
                have_node_ = true;
                rrset_off_ = 0;
                have_rs_ = false;
            }
            if (!have_rs_) {
                std::size_t o = rrset_off_;
                if (!node_.next(o, rs_)) {
                    have_node_ = false;
                    continue;
                }
                rrset_off_ = o;
                rdata_off_ = 0;
                have_rs_ = true;
                // The apex SOA opens and closes the transfer, never in between.
                if (rs_.type == RrType::SOA && (node_.flags() & zones::node_flags::kApex) != 0) {
                    have_rs_ = false;
                    continue;
                }
            }
            std::span<const std::uint8_t> rd;
            if (!rs_.next(rdata_off_, rd)) {
                have_rs_ = false;
                continue;
            }
            cur_.owner = node_owner_;
            cur_.type = rs_.type;
            cur_.ttl = rs_.ttl;
            cur_.rdata = rd;
            return true;
        }
    }

    std::unique_ptr<zones::Reader> reader_;
    zones::ZoneInfo zone_;
    dns::QueryView q_;
    std::vector<std::uint8_t> question_;
    std::size_t message_size_;
    std::optional<tsig::Signer> signer_;
    Record soa_;
    std::uint32_t serial_ = 0;
    std::vector<Item> plan_;
    std::size_t idx_ = 0;
    Record cur_;
    bool have_cur_ = false;
    bool first_ = true;
    bool finished_ = false;
    zones::Reader::NodeIterator it_;
    bool have_node_ = false;
    Name node_owner_;
    zones::NodeView node_;
    std::size_t rrset_off_ = 0;
    zones::RrsetView rs_;
    bool have_rs_ = false;
    std::size_t rdata_off_ = 0;
};

/// A one-message response with `rcode`, question echoed, OPT when asked,
/// TSIG as RFC 8945 §5.3 says for the verification outcome.
std::vector<std::uint8_t> simple_response(const dns::QueryView& q, bool parsed, std::uint8_t rcode,
                                          const tsig::Verified& v, std::size_t limit, std::uint16_t extra_flags = 0) {
    std::vector<std::uint8_t> out(dns::kMaxMessage);
    ResponseWriter w(out, limit, q, kTransferEcho);
    w.set_flag(extra_flags);
    std::size_t size = w.error(static_cast<dns::Rcode>(rcode), parsed);
    using S = tsig::Verified::Status;
    if (v.status == S::BadKey || v.status == S::BadSig) {
        std::size_t n = tsig::append_unsigned(out, size, v.key_name, v.algorithm, unix_now(),
                                              v.status == S::BadKey ? tsig::Error::BADKEY : tsig::Error::BADSIG);
        if (n != 0) size = n;
    } else if ((v.status == S::Ok || v.status == S::BadTime) && v.key != nullptr) {
        tsig::Signer signer(*v.key, v.mac);
        std::size_t n = signer.sign(out, size, v.status == S::BadTime ? v.time_signed : unix_now(),
                                    v.status == S::BadTime ? tsig::Error::BADTIME : tsig::Error::NoError, unix_now());
        if (n != 0) size = n;
    }
    out.resize(size);
    return out;
}

}  // namespace

const ZonePolicy& Settings::policy(const Name& origin, const std::string& source) const noexcept {
    for (const auto& z : zones) {
        if (z.origin && *z.origin == origin) return z;
    }
    for (const auto& z : zones) {
        if (!z.origin && !z.file.empty() && z.file == source) return z;
    }
    return defaults;
}

const tsig::Key* Settings::key(const std::string& name) const noexcept {
    auto n = Name::from_text(name);
    if (!n) return nullptr;
    for (const auto& k : keys) {
        if (k.name == *n) return &k;
    }
    return nullptr;
}

Kind classify(std::span<const std::uint8_t> msg) noexcept {
    if (msg.size() < dns::kHeaderSize) return Kind::None;
    if (dns::header::has(msg, dns::flags::QR)) return Kind::None;  // responses are not ours to handle
    const dns::Opcode opcode = dns::header::opcode(msg);
    if (opcode == dns::Opcode::NOTIFY) return Kind::Notify;
    if (opcode != dns::Opcode::QUERY || dns::header::count(msg, dns::header::kQdcount) != 1) return Kind::None;
    const bool has_additional = dns::header::count(msg, dns::header::kArcount) != 0;
    // The question's QTYPE without a full parse (cheap enough for every packet).
    std::size_t p = dns::kHeaderSize;
    while (p < msg.size() && msg[p] != 0) {
        if ((msg[p] & 0xC0) != 0) return Kind::None;  // no compression in a question of a query
        p += 1 + msg[p];
    }
    if (p + 3 > msg.size()) return Kind::None;
    const auto qtype = static_cast<RrType>(dns::load_u16(msg.data() + p + 1));
    if (qtype == RrType::AXFR) return Kind::Axfr;
    if (qtype == RrType::IXFR) return Kind::Ixfr;
    if (qtype == RrType::SOA && has_additional) return Kind::Soa;
    return Kind::None;
}

Service::Service(Settings settings, zones::Store& store)
    : settings_(std::move(settings)),
      store_(store),
      notifier_(std::make_unique<Notifier>(settings_)),
      secondaries_(std::make_unique<Secondaries>(settings_, store_, *this)) {}

Service::~Service() { stop(); }

void Service::start() { secondaries_->start(); }

void Service::stop() {
    if (secondaries_) secondaries_->stop();
    if (notifier_) notifier_->stop();
}

std::unique_ptr<Stream> Service::start_transfer(std::span<const std::uint8_t> query, const sockaddr* peer) {
    dns::QueryView q;
    dns::QueryParse parsed = dns::parse_query(query, q);
    return open(q, parsed, peer, false);
}

std::optional<std::size_t> Service::handle_datagram(std::span<const std::uint8_t> query, std::span<std::uint8_t> out,
                                                    const sockaddr* peer, Transport transport,
                                                    const AnswerOptions& options) {
    Kind kind = classify(query);
    dns::QueryView q;
    dns::QueryParse parsed = dns::parse_query(query, q);
    if (parsed == dns::QueryParse::Drop) return 0;
    std::vector<std::uint8_t> msg;
    if (kind == Kind::Soa) {
        if (parsed != dns::QueryParse::Ok) return std::nullopt;
        // Parsed once: the TSIG is verified and the question answered from the same view.
        tsig::Verified v = tsig::verify_request(q, settings_.keys, unix_now());
        using S = tsig::Verified::Status;
        if (v.status == S::Unsigned || v.status == S::FormErr) return std::nullopt;
        if (v.status != S::Ok) {
            msg = simple_response(q, true, static_cast<std::uint8_t>(dns::Rcode::NOTAUTH), v, dns::kMaxUdpPlain);
        } else {
            // RFC 8945 §5.3: a signed query gets a signed answer.
            auto rd = store_.reader();
            if (!rd || !(*rd)->refresh()) return std::nullopt;
            tsig::Signer signer(*v.key, v.mac);
            std::size_t room = out.size() > signer.overhead() ? out.size() - signer.overhead() : 0;
            // The answer reads only the question and EDNS: the TSIG record does not disturb it.
            AnswerResult r = answer_query(**rd, q, parsed, out.first(room), transport, options);
            (*rd)->release();
            if (r.size == 0) return 0;
            std::size_t n = signer.sign(out, r.size, unix_now());
            return n == 0 ? r.size : n;
        }
    } else if (kind == Kind::Notify) {
        if (!q.has_question) return 0;
        tsig::Verified v = tsig::verify_request(q, settings_.keys, unix_now());
        using S = tsig::Verified::Status;
        std::uint8_t rcode = static_cast<std::uint8_t>(dns::Rcode::NOERROR);
        if (v.status == S::BadKey || v.status == S::BadSig || v.status == S::BadTime) {
            rcode = static_cast<std::uint8_t>(dns::Rcode::NOTAUTH);
        } else if (!secondaries_->is_secondary(q.question.qname)) {
            // RFC 1996 §3.10-ish: not a zone we are secondary for.
            rcode = static_cast<std::uint8_t>(dns::Rcode::NOTAUTH);
        } else if (!secondaries_->notify(q.question.qname, peer, v.status == S::Ok ? v.key : nullptr)) {
            rcode = static_cast<std::uint8_t>(dns::Rcode::REFUSED);  // not from a primary, or not signed as required
        }
        if (rcode != 0)
            log_limited(LogLevel::Warn, "zone " + q.question.qname.to_text(), "NOTIFY refused",
                {{"rcode", dns::to_text(static_cast<dns::Rcode>(rcode))}});
        msg = simple_response(q, false, rcode, v.status == S::FormErr ? tsig::Verified{} : v, dns::kMaxUdpPlain,
                              rcode == 0 ? dns::flags::AA : 0);
    } else if (kind == Kind::Axfr) {
        if (transport == Transport::Tcp) return std::nullopt;
        // RFC 5936 §4.2: AXFR is a TCP protocol.
        msg = simple_response(q, parsed == dns::QueryParse::Ok, static_cast<std::uint8_t>(dns::Rcode::FORMERR),
                              tsig::Verified{}, dns::kMaxUdpPlain);
    } else if (kind == Kind::Ixfr) {
        // RFC 1995 §2: over UDP the reply is the current SOA; the client then uses TCP.
        if (transport == Transport::Tcp) return std::nullopt;  // streamed by the TCP session
        auto stream = open(q, parsed, peer, true);
        if (!stream) return 0;
        return stream->next(out.first(std::min<std::size_t>(out.size(), 4096)));
    } else {
        return 0;
    }
    if (msg.size() > out.size()) return 0;
    std::copy(msg.begin(), msg.end(), out.begin());
    return msg.size();
}

std::unique_ptr<Stream> Service::open(const dns::QueryView& q, dns::QueryParse parsed, const sockaddr* peer,
                                      bool udp) {
    tsig::Verified none;
    if (parsed == dns::QueryParse::Drop) return nullptr;
    auto one = [&](std::uint8_t rcode, const tsig::Verified& v) {
        return std::make_unique<OneMessage>(
            simple_response(q, parsed == dns::QueryParse::Ok, rcode, v, dns::kMaxMessage));
    };
    if (parsed != dns::QueryParse::Ok) return one(static_cast<std::uint8_t>(dns::Rcode::FORMERR), none);

    tsig::Verified v = tsig::verify_request(q, settings_.keys, unix_now());
    using S = tsig::Verified::Status;
    switch (v.status) {
        case S::FormErr: return one(static_cast<std::uint8_t>(dns::Rcode::FORMERR), none);
        case S::BadKey:
        case S::BadSig:
        case S::BadTime:
            log_limited(LogLevel::Warn, "zone " + q.question.qname.to_text(), "transfer refused, TSIG failed",
                {{"key", v.key_name.to_text()},
                 {"error", v.status == S::BadKey ? "BADKEY" : v.status == S::BadSig ? "BADSIG" : "BADTIME"}});
            return one(static_cast<std::uint8_t>(dns::Rcode::NOTAUTH), v);
        default: break;
    }

    auto rd = store_.reader();
    if (!rd || !(*rd)->refresh()) return one(static_cast<std::uint8_t>(dns::Rcode::SERVFAIL), v);
    std::unique_ptr<zones::Reader> reader = std::move(*rd);
    const zones::ZoneInfo* zone = nullptr;
    for (const auto& z : reader->zones()) {
        if (z.origin == q.question.qname) zone = &z;
    }
    // RFC 5936 §2.2.1: not authoritative for that zone → NOTAUTH.
    if (zone == nullptr) {
        reader->release();
        return one(static_cast<std::uint8_t>(dns::Rcode::NOTAUTH), v);
    }
    const ZonePolicy& pol = settings_.policy(zone->origin, zone->meta.source);
    bool address_ok = pol.allow_set ? pol.allow.allows(peer) : !pol.keys.empty();
    bool key_ok = pol.keys.empty();
    if (v.status == S::Ok) {
        for (const auto& k : pol.keys) {
            if (const tsig::Key* want = settings_.key(k); want == v.key) key_ok = true;
        }
    }
    if (!address_ok || !key_ok) {
        log_limited(LogLevel::Warn, "zone " + zone->origin.to_text(), "transfer refused by policy",
            {{"signed", v.status == S::Ok ? "yes" : "no"}});
        reader->release();
        return one(static_cast<std::uint8_t>(dns::Rcode::REFUSED), v);
    }

    std::span<const std::uint8_t> asked = q.question_bytes();
    std::vector<std::uint8_t> question(asked.begin(), asked.end());
    zones::ZoneInfo zi = *zone;
    auto stream = std::make_unique<TransferStream>(std::move(reader), zi, q, std::move(question),
                                                   v.status == S::Ok ? v.key : nullptr, v.mac, settings_.message_size);
    // The stream owns the reader now; `zone` pointed into it and is not used below.
    if (!stream->init()) return one(static_cast<std::uint8_t>(dns::Rcode::SERVFAIL), v);
    std::uint32_t current = stream->serial();
    if (q.question.qtype == RrType::AXFR) {
        stream->plan_axfr();
        log(LogLevel::Info, "zone " + zi.origin.to_text(), "AXFR out", {{"serial", std::to_string(current)}});
        return stream;
    }
    // IXFR: the client's SOA is the first authority record (RFC 1995 §3).
    std::optional<std::uint32_t> client;
    if (q.header.ancount == 0 && q.header.nscount >= 1) {
        auto authority = q.records(Section::Authority);
        dns::RecordView rr;
        if (authority.next(rr) && rr.type == RrType::SOA) {
            if (auto timers = dns::soa_timers(rr.rdata)) client = timers->serial;
        }
    }
    if (!client) return one(static_cast<std::uint8_t>(dns::Rcode::FORMERR), v);
    stream->set_limit(udp ? dns::kMaxUdpPlain : settings_.message_size);
    if (udp || !dns::serial_lt(*client, current)) {
        stream->plan_soa_only();
        log(LogLevel::Info, "zone " + zi.origin.to_text(), "IXFR out, up to date", {{"serial", std::to_string(current)}});
        return stream;
    }
    // Follow the journal from the client's serial to ours; AXFR format when it does not reach.
    if (stream->plan_ixfr_from(*client)) {
        log(LogLevel::Info, "zone " + zi.origin.to_text(), "IXFR out",
            {{"from", std::to_string(*client)}, {"serial", std::to_string(current)}});
    } else {
        stream->plan_axfr();
        log(LogLevel::Info, "zone " + zi.origin.to_text(), "IXFR out as AXFR, history does not reach back",
            {{"from", std::to_string(*client)}, {"serial", std::to_string(current)}});
    }
    return stream;
}

}  // namespace enumd::server::xfr

namespace enumd::server::xfr {

void Service::zones_written(const zones::WriteReport& report) {
    auto rd = store_.reader();
    if (!rd || !(*rd)->refresh()) return;
    for (const auto& z : report.zones) {
        // RFC 1996 §3.7: NOTIFY when the zone changed — content or serial.
        if (!z.changed && z.previous_serial == z.serial) continue;
        std::string source;
        for (const auto& info : (*rd)->zones()) {
            if (info.origin == z.origin) source = info.meta.source;
        }
        const ZonePolicy& pol = settings_.policy(z.origin, source);
        if (pol.notify.empty()) continue;
        const tsig::Key* key = pol.keys.empty() ? nullptr : settings_.key(pol.keys.front());
        notifier_->notify(z.origin, z.serial, pol.notify, key);
    }
    (*rd)->release();
}

std::string Service::missing_zones_text(const std::vector<zones::ZoneInfo>& present) const {
    std::string out;
    for (const auto& z : settings_.secondaries) {
        bool found = false;
        for (const auto& p : present) found = found || p.origin == z.origin;
        if (!found) out += z.origin.to_text() + " serial=none" + secondaries_->status(z.origin) + "\n";
    }
    return out;
}

std::string Service::zone_status(const dns::Name& origin, const std::string& source) const {
    if (secondaries_->is_secondary(origin)) return secondaries_->status(origin);
    const ZonePolicy& pol = settings_.policy(origin, source);
    std::string s = " role=primary";
    s += pol.allow_set || !pol.keys.empty() ? " transfer=allowed" : " transfer=refused";
    std::string n = notifier_ ? notifier_->status(origin) : std::string();
    if (!n.empty()) s += " " + n;
    return s;
}

}  // namespace enumd::server::xfr
