#include "enumd/server/tsig.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::server::tsig {
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

std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

/// RFC 8945 §4.3.3: the TSIG variables in canonical form (names lower-cased, uncompressed).
void put_variables(std::vector<std::uint8_t>& d, const dns::Name& key_name, const dns::Name& alg, std::uint64_t time,
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
    dns::Name key_name;
    dns::Name algorithm;
    std::uint64_t time = 0;
    std::uint16_t fudge = 0;
    std::span<const std::uint8_t> mac;
    std::uint16_t original_id = 0;
    std::uint16_t error = 0;
    std::span<const std::uint8_t> other;
    std::size_t offset = 0;  ///< start of the TSIG RR
};

enum class Find { None, Found, Bad };

Find find_tsig(std::span<const std::uint8_t> msg, Parsed& out) {
    dns::Header h;
    if (!dns::read_header(msg, h)) return Find::Bad;
    dns::WireReader r(msg, dns::kHeaderSize);
    for (unsigned i = 0; i < h.qdcount; ++i) {
        dns::Question q;
        if (!r.read_question(q)) return Find::Bad;
    }
    std::size_t total = static_cast<std::size_t>(h.ancount) + h.nscount + h.arcount;
    for (std::size_t i = 0; i < total; ++i) {
        std::size_t start = r.position();
        dns::RecordView rr;
        if (!r.read_record(rr)) return Find::Bad;
        if (rr.type != dns::RrType::TSIG) continue;
        // RFC 8945 §5.2: the TSIG must be the last record, in the additional section.
        if (i + 1 != total || h.arcount == 0) return Find::Bad;
        out.offset = start;
        out.key_name = rr.owner;
        std::size_t off = rr.rdata_offset;
        auto alg = dns::Name::from_wire(msg, off);
        if (!alg) return Find::Bad;
        out.algorithm = *alg;
        std::size_t end = rr.rdata_offset + rr.rdata.size();
        if (off + 10 > end) return Find::Bad;
        const std::uint8_t* p = msg.data() + off;
        out.time = (static_cast<std::uint64_t>(get16(p)) << 32) | (static_cast<std::uint64_t>(get16(p + 2)) << 16) |
                   get16(p + 4);
        out.fudge = get16(p + 6);
        std::size_t maclen = get16(p + 8);
        off += 10;
        if (off + maclen + 6 > end) return Find::Bad;
        out.mac = msg.subspan(off, maclen);
        off += maclen;
        p = msg.data() + off;
        out.original_id = get16(p);
        out.error = get16(p + 2);
        std::size_t olen = get16(p + 4);
        off += 6;
        if (off + olen != end) return Find::Bad;
        out.other = msg.subspan(off, olen);
        return Find::Found;
    }
    return Find::None;
}

/// The message as it was before the TSIG was added: original ID, ARCOUNT - 1.
void put_stripped(std::vector<std::uint8_t>& d, std::span<const std::uint8_t> msg, const Parsed& t) {
    std::size_t at = d.size();
    put_bytes(d, msg.first(t.offset));
    d[at] = static_cast<std::uint8_t>(t.original_id >> 8);
    d[at + 1] = static_cast<std::uint8_t>(t.original_id);
    std::uint16_t ar = static_cast<std::uint16_t>(get16(&d[at + 10]) - 1);
    d[at + 10] = static_cast<std::uint8_t>(ar >> 8);
    d[at + 11] = static_cast<std::uint8_t>(ar);
}

bool mac_matches(std::span<const std::uint8_t> got, const std::vector<std::uint8_t>& want) {
    // RFC 8945 §5.2.2.1: a truncated MAC is accepted down to max(10, half the full size).
    std::size_t min_len = std::max<std::size_t>(10, want.size() / 2);
    if (got.size() > want.size() || got.size() < min_len) return false;
    return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

/// Appends a TSIG RR to buf; bumps ARCOUNT. 0 when it does not fit.
std::size_t append_record(std::span<std::uint8_t> buf, std::size_t size, const dns::Name& key_name,
                          const dns::Name& alg, std::uint64_t time, std::uint16_t fudge,
                          std::span<const std::uint8_t> mac, std::uint16_t original_id, std::uint16_t error,
                          std::span<const std::uint8_t> other) {
    std::vector<std::uint8_t> rr;
    put_bytes(rr, key_name.wire());
    put16(rr, static_cast<std::uint16_t>(dns::RrType::TSIG));
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
    if (size + rr.size() > buf.size() || size + rr.size() > dns::kMaxMessage || size < dns::kHeaderSize) return 0;
    std::copy(rr.begin(), rr.end(), buf.begin() + static_cast<std::ptrdiff_t>(size));
    std::uint16_t ar = static_cast<std::uint16_t>(get16(&buf[10]) + 1);
    buf[10] = static_cast<std::uint8_t>(ar >> 8);
    buf[11] = static_cast<std::uint8_t>(ar);
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

dns::Name algorithm_name(Algorithm a) { return *dns::Name::from_text(to_text(a) + "."); }

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

Verified verify_request(std::span<const std::uint8_t> msg, const std::vector<Key>& keys, std::uint64_t now) {
    Verified v;
    Parsed t;
    switch (find_tsig(msg, t)) {
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
    // RFC 8945 §5.2.3: time is checked after the MAC.
    std::uint64_t skew = now > t.time ? now - t.time : t.time - now;
    v.status = skew > t.fudge ? Verified::Status::BadTime : Verified::Status::Ok;
    return v;
}

Signer::Signer(const Key& key, std::vector<std::uint8_t> request_mac) : key_(key), mac_(std::move(request_mac)) {}

std::size_t Signer::overhead() const noexcept {
    return key_.name.wire_size() + 10 + algorithm_name(key_.algorithm).wire_size() + 16 + mac_size(key_.algorithm) +
           6;  // + other data for BADTIME
}

std::size_t Signer::sign(std::span<std::uint8_t> buf, std::size_t size, std::uint64_t now, Error error,
                         std::uint64_t other_time) {
    if (size < dns::kHeaderSize) return 0;
    dns::Name alg = algorithm_name(key_.algorithm);
    std::vector<std::uint8_t> other;
    if (error == Error::BADTIME) put48(other, other_time);  // RFC 8945 §5.2.3: our time
    std::vector<std::uint8_t> d;
    if (!mac_.empty()) {
        put16(d, static_cast<std::uint16_t>(mac_.size()));
        put_bytes(d, mac_);
    }
    put_bytes(d, std::span<const std::uint8_t>(buf.data(), size));
    if (first_) {
        put_variables(d, key_.name, alg, now, kFudge, static_cast<std::uint16_t>(error), other);
    } else {
        // RFC 8945 §5.3.1: later messages of a stream cover only the timers.
        put48(d, now);
        put16(d, kFudge);
    }
    std::vector<std::uint8_t> mac = hmac(key_, d);
    std::uint16_t id = get16(buf.data());
    std::size_t n = append_record(buf, size, key_.name, alg, now, kFudge, mac, id, static_cast<std::uint16_t>(error),
                                  other);
    if (n == 0) return 0;
    mac_ = std::move(mac);
    first_ = false;
    return n;
}

std::size_t append_unsigned(std::span<std::uint8_t> buf, std::size_t size, const dns::Name& key_name,
                            const dns::Name& algorithm, std::uint64_t now, Error error) {
    if (size < dns::kHeaderSize) return 0;
    return append_record(buf, size, key_name, algorithm, now, kFudge, {}, get16(buf.data()),
                         static_cast<std::uint16_t>(error), {});
}

ResponseVerifier::ResponseVerifier(const Key& key, std::vector<std::uint8_t> request_mac)
    : key_(key), prior_mac_(std::move(request_mac)) {}

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
    std::uint64_t skew = now > t.time ? now - t.time : t.time - now;
    if (skew > t.fudge) {
        why = "TSIG time outside the fudge window (BADTIME)";
        return false;
    }
    prior_mac_.assign(t.mac.begin(), t.mac.end());
    pending_.clear();
    first_ = false;
    return true;
}

}  // namespace enumd::server::tsig
