#include "enumd/dns/tsig.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::dns::tsig {
namespace {

constexpr std::uint16_t kClassAny = 255;

const EVP_MD* md_of(Algorithm a) {
    switch (a) {
        case Algorithm::HmacSha1: return EVP_sha1();
        case Algorithm::HmacSha256: return EVP_sha256();
        case Algorithm::HmacSha384: return EVP_sha384();
        case Algorithm::HmacSha512: return EVP_sha512();
    }
    return EVP_sha256();
}

std::size_t mac_size(Algorithm a) { return static_cast<std::size_t>(EVP_MD_get_size(md_of(a))); }

void put16(std::vector<std::uint8_t>& v, std::uint16_t x) {
    v.push_back(static_cast<std::uint8_t>(x >> 8));
    v.push_back(static_cast<std::uint8_t>(x));
}
void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    put16(v, static_cast<std::uint16_t>(x >> 16));
    put16(v, static_cast<std::uint16_t>(x));
}
void put48(std::vector<std::uint8_t>& v, std::uint64_t x) {
    put16(v, static_cast<std::uint16_t>(x >> 32));
    put32(v, static_cast<std::uint32_t>(x));
}
void put_bytes(std::vector<std::uint8_t>& v, std::span<const std::uint8_t> b) { v.insert(v.end(), b.begin(), b.end()); }


/// RFC 8945 §4.3.3: the TSIG variables in canonical form (names lower-cased, uncompressed).
void put_variables(std::vector<std::uint8_t>& d, const Name& key_name, const Name& alg, std::uint64_t time,
                   std::uint16_t fudge, std::uint16_t error, std::span<const std::uint8_t> other) {
    put_bytes(d, key_name.lowercased().wire());
    put16(d, kClassAny);
    put32(d, 0);
    put_bytes(d, alg.lowercased().wire());
    put48(d, time);
    put16(d, fudge);
    put16(d, error);
    put16(d, static_cast<std::uint16_t>(other.size()));
    put_bytes(d, other);
}

std::vector<std::uint8_t> hmac(const Key& key, const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned len = 0;
    HMAC(md_of(key.algorithm), key.secret.data(), static_cast<int>(key.secret.size()), data.data(), data.size(),
         out.data(), &len);
    out.resize(len);
    return out;
}

/// The parsed TSIG record at the end of a message.
struct Parsed {
    Name key_name;
    Name algorithm;
    std::uint64_t time = 0;
    std::uint16_t fudge = 0;
    std::span<const std::uint8_t> mac;
    std::uint16_t original_id = 0;
    std::uint16_t error = 0;
    std::span<const std::uint8_t> other;
    std::size_t offset = 0;  ///< start of the TSIG RR
};

enum class Find { None, Found, Bad };

/// The TSIG record the message walk found (RFC 8945 §4.2 layout).
Find find_tsig(const MessageView& m, Parsed& out) {
    if (!m.records_ok) return Find::Bad;
    if (m.tsig_offset == 0) return Find::None;
    // RFC 8945 §5.2: the TSIG must be the last record, in the additional section.
    if (!m.tsig_last) return Find::Bad;
    std::span<const std::uint8_t> msg = m.packet;
    WireReader r(msg, m.tsig_offset);
    RecordView rr;
    if (!r.read_record(rr)) return Find::Bad;
    out.offset = m.tsig_offset;
    out.key_name = rr.owner;
    std::size_t off = rr.rdata_offset;
    auto alg = Name::from_wire(msg, off);
    if (!alg) return Find::Bad;
    out.algorithm = *alg;
    std::size_t end = rr.rdata_offset + rr.rdata.size();
    if (off + 10 > end) return Find::Bad;
    const std::uint8_t* p = msg.data() + off;
    out.time = (static_cast<std::uint64_t>(load_u16(p)) << 32) | load_u32(p + 2);
    out.fudge = load_u16(p + 6);
    std::size_t maclen = load_u16(p + 8);
    off += 10;
    if (off + maclen + 6 > end) return Find::Bad;
    out.mac = msg.subspan(off, maclen);
    off += maclen;
    p = msg.data() + off;
    out.original_id = load_u16(p);
    out.error = load_u16(p + 2);
    std::size_t olen = load_u16(p + 4);
    off += 6;
    if (off + olen != end) return Find::Bad;
    out.other = msg.subspan(off, olen);
    return Find::Found;
}

Find find_tsig(std::span<const std::uint8_t> msg, Parsed& out) {
    MessageView m;
    parse_message(msg, m);
    return find_tsig(m, out);
}

/// RFC 8945 §5.2.3: the time check, with the request's fudge capped by ours.
bool time_ok(std::uint64_t now, std::uint64_t signed_at, std::uint16_t fudge, std::uint16_t max_fudge) {
    std::uint64_t skew = now > signed_at ? now - signed_at : signed_at - now;
    return skew <= std::min(fudge, max_fudge);
}

/// The message as it was before the TSIG was added: original ID, ARCOUNT - 1.
void put_stripped(std::vector<std::uint8_t>& d, std::span<const std::uint8_t> msg, const Parsed& t) {
    std::size_t at = d.size();
    put_bytes(d, msg.first(t.offset));
    std::span<std::uint8_t> h(d.data() + at, kHeaderSize);
    header::set_id(h, t.original_id);
    header::set_count(h, header::kArcount, static_cast<std::uint16_t>(header::count(h, header::kArcount) - 1));
}

bool mac_matches(std::span<const std::uint8_t> got, const std::vector<std::uint8_t>& want) {
    // RFC 8945 §5.2.2.1: a truncated MAC is accepted down to max(10, half the full size).
    std::size_t min_len = std::max<std::size_t>(10, want.size() / 2);
    if (got.size() > want.size() || got.size() < min_len) return false;
    return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

/// Appends a TSIG RR to buf; bumps ARCOUNT. 0 when it does not fit.
std::size_t append_record(std::span<std::uint8_t> buf, std::size_t size, const Name& key_name,
                          const Name& alg, std::uint64_t time, std::uint16_t fudge,
                          std::span<const std::uint8_t> mac, std::uint16_t original_id, std::uint16_t error,
                          std::span<const std::uint8_t> other) {
    std::vector<std::uint8_t> rr;
    put_bytes(rr, key_name.wire());
    put16(rr, static_cast<std::uint16_t>(RrType::TSIG));
    put16(rr, kClassAny);
    put32(rr, 0);
    std::vector<std::uint8_t> rdata;
    put_bytes(rdata, alg.wire());
    put48(rdata, time);
    put16(rdata, fudge);
    put16(rdata, static_cast<std::uint16_t>(mac.size()));
    put_bytes(rdata, mac);
    put16(rdata, original_id);
    put16(rdata, error);
    put16(rdata, static_cast<std::uint16_t>(other.size()));
    put_bytes(rdata, other);
    put16(rr, static_cast<std::uint16_t>(rdata.size()));
    put_bytes(rr, rdata);
    if (size + rr.size() > buf.size() || size + rr.size() > kMaxMessage || size < kHeaderSize) return 0;
    std::copy(rr.begin(), rr.end(), buf.begin() + static_cast<std::ptrdiff_t>(size));
    header::set_count(buf, header::kArcount, static_cast<std::uint16_t>(header::count(buf, header::kArcount) + 1));
    return size + rr.size();
}

}  // namespace

std::optional<Algorithm> algorithm_from_text(std::string_view text) {
    std::string t(text);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!t.empty() && t.back() == '.') t.pop_back();
    if (t == "hmac-sha1") return Algorithm::HmacSha1;
    if (t == "hmac-sha256") return Algorithm::HmacSha256;
    if (t == "hmac-sha384") return Algorithm::HmacSha384;
    if (t == "hmac-sha512") return Algorithm::HmacSha512;
    return std::nullopt;
}

std::string to_text(Algorithm a) {
    switch (a) {
        case Algorithm::HmacSha1: return "hmac-sha1";
        case Algorithm::HmacSha256: return "hmac-sha256";
        case Algorithm::HmacSha384: return "hmac-sha384";
        case Algorithm::HmacSha512: return "hmac-sha512";
    }
    return "hmac-sha256";
}

Name algorithm_name(Algorithm a) { return *Name::from_text(to_text(a) + "."); }

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    std::string t;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) t.push_back(c);
    }
    if (t.empty() || t.size() % 4 != 0) return std::nullopt;
    for (std::size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' ||
                  (c == '=' && i + 2 >= t.size());
        if (!ok) return std::nullopt;
    }
    std::vector<std::uint8_t> out(t.size() / 4 * 3);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(t.data()), static_cast<int>(t.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero octets.
    std::size_t pad = static_cast<std::size_t>(std::count(t.end() - 2, t.end(), '='));
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

Verified verify_request(std::span<const std::uint8_t> msg, const std::vector<Key>& keys, std::uint64_t now,
                        std::uint16_t max_fudge) {
    MessageView m;
    parse_message(msg, m);
    return verify_request(m, keys, now, max_fudge);
}

Verified verify_request(const MessageView& m, const std::vector<Key>& keys, std::uint64_t now,
                        std::uint16_t max_fudge) {
    Verified v;
    Parsed t;
    std::span<const std::uint8_t> msg = m.packet;
    switch (find_tsig(m, t)) {
        case Find::None: return v;
        case Find::Bad: v.status = Verified::Status::FormErr; return v;
        case Find::Found: break;
    }
    v.key_name = t.key_name;
    v.algorithm = t.algorithm;
    v.tsig_offset = t.offset;
    v.original_id = t.original_id;
    v.time_signed = t.time;
    for (const auto& k : keys) {
        if (k.name == t.key_name && algorithm_name(k.algorithm) == t.algorithm) v.key = &k;
    }
    if (v.key == nullptr) {
        v.status = Verified::Status::BadKey;
        return v;
    }
    std::vector<std::uint8_t> d;
    put_stripped(d, msg, t);
    put_variables(d, t.key_name, t.algorithm, t.time, t.fudge, t.error, t.other);
    std::vector<std::uint8_t> want = hmac(*v.key, d);
    if (!mac_matches(t.mac, want)) {
        v.status = Verified::Status::BadSig;
        return v;
    }
    v.mac.assign(t.mac.begin(), t.mac.end());
    // RFC 8945 §5.2.3: time is checked after the MAC, within the request's
    // fudge but never more than ours (a replayed request names its own).
    v.status = time_ok(now, t.time, t.fudge, max_fudge) ? Verified::Status::Ok : Verified::Status::BadTime;
    return v;
}

Signer::Signer(const Key& key, std::vector<std::uint8_t> request_mac, std::uint16_t fudge)
    : key_(key), mac_(std::move(request_mac)), fudge_(fudge) {}

std::size_t Signer::overhead() const noexcept {
    return key_.name.wire_size() + 10 + algorithm_name(key_.algorithm).wire_size() + 16 + mac_size(key_.algorithm) +
           6;  // + other data for BADTIME
}

std::size_t Signer::sign(std::span<std::uint8_t> buf, std::size_t size, std::uint64_t now, Error error,
                         std::uint64_t other_time) {
    if (size < kHeaderSize) return 0;
    Name alg = algorithm_name(key_.algorithm);
    std::vector<std::uint8_t> other;
    if (error == Error::BADTIME) put48(other, other_time);  // RFC 8945 §5.2.3: our time
    std::vector<std::uint8_t> d;
    if (!mac_.empty()) {
        put16(d, static_cast<std::uint16_t>(mac_.size()));
        put_bytes(d, mac_);
    }
    put_bytes(d, std::span<const std::uint8_t>(buf.data(), size));
    if (first_) {
        put_variables(d, key_.name, alg, now, fudge_, static_cast<std::uint16_t>(error), other);
    } else {
        // RFC 8945 §5.3.1: later messages of a stream cover only the timers.
        put48(d, now);
        put16(d, fudge_);
    }
    std::vector<std::uint8_t> mac = hmac(key_, d);
    std::uint16_t id = load_u16(buf.data());
    std::size_t n = append_record(buf, size, key_.name, alg, now, fudge_, mac, id, static_cast<std::uint16_t>(error),
                                  other);
    if (n == 0) return 0;
    mac_ = std::move(mac);
    first_ = false;
    return n;
}

std::size_t append_unsigned(std::span<std::uint8_t> buf, std::size_t size, const Name& key_name,
                            const Name& algorithm, std::uint64_t now, Error error) {
    if (size < kHeaderSize) return 0;
    return append_record(buf, size, key_name, algorithm, now, kFudge, {}, load_u16(buf.data()),
                         static_cast<std::uint16_t>(error), {});
}

ResponseVerifier::ResponseVerifier(const Key& key, std::vector<std::uint8_t> request_mac, std::uint16_t max_fudge)
    : key_(key), prior_mac_(std::move(request_mac)), max_fudge_(max_fudge) {}

bool ResponseVerifier::verify(std::span<const std::uint8_t> msg, std::uint64_t now, bool& signed_out,
                              std::string& why) {
    Parsed t;
    signed_out = false;
    switch (find_tsig(msg, t)) {
        case Find::Bad: why = "malformed TSIG"; return false;
        case Find::None:
            if (first_) {
                why = "first response is not signed";
                return false;
            }
            // RFC 8945 §5.3.1: up to 99 unsigned messages may follow a signed one.
            if (pending_.size() > 99 * 65535) {
                why = "too many unsigned messages";
                return false;
            }
            put_bytes(pending_, msg);
            return true;
        case Find::Found: break;
    }
    signed_out = true;
    if (!(t.key_name == key_.name) || !(t.algorithm == algorithm_name(key_.algorithm))) {
        why = "signed with another key";
        return false;
    }
    if (t.error != 0) {
        why = "TSIG error " + std::to_string(t.error);
        return false;
    }
    std::vector<std::uint8_t> d;
    put16(d, static_cast<std::uint16_t>(prior_mac_.size()));
    put_bytes(d, prior_mac_);
    put_bytes(d, pending_);
    put_stripped(d, msg, t);
    if (first_) {
        put_variables(d, t.key_name, t.algorithm, t.time, t.fudge, t.error, t.other);
    } else {
        put48(d, t.time);
        put16(d, t.fudge);
    }
    std::vector<std::uint8_t> want = hmac(key_, d);
    if (!mac_matches(t.mac, want)) {
        why = "bad TSIG signature (BADSIG)";
        return false;
    }
    if (!time_ok(now, t.time, t.fudge, max_fudge_)) {
        why = "TSIG time outside the fudge window (BADTIME)";
        return false;
    }
    prior_mac_.assign(t.mac.begin(), t.mac.end());
    pending_.clear();
    first_ = false;
    return true;
}

}  // namespace enumd::dns::tsig
