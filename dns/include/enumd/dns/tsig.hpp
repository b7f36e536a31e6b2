#pragma once
/// TSIG (RFC 8945): shared-secret transaction signatures for zone transfers
/// and NOTIFY. HMAC through OpenSSL; hmac-sha256 is what operators use,
/// hmac-sha1/384/512 come along for interop. Wire work only: where keys
/// come from (configuration) is the server's business.
///
/// Wire (RFC 8945 §4.2): owner = key name, TYPE 250, CLASS ANY, TTL 0,
/// RDATA = algorithm name, time signed (u48), fudge, MAC size, MAC,
/// original ID, error, other len, other data. Always the last record.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/wire.hpp"

namespace enumd::dns::tsig {

enum class Algorithm : std::uint8_t { HmacSha1, HmacSha256, HmacSha384, HmacSha512 };

/// "hmac-sha256" (as in Knot and BIND configuration) → algorithm.
std::optional<Algorithm> algorithm_from_text(std::string_view text);
/// The algorithm's domain name on the wire ("hmac-sha256.").
Name algorithm_name(Algorithm a);
std::string to_text(Algorithm a);

/// RFC 4648 base64 (BIND/Knot secret format); nothing when malformed.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

struct Key {
    Name name;
    Algorithm algorithm = Algorithm::HmacSha256;
    std::vector<std::uint8_t> secret;
};

/// TSIG error codes (RFC 8945 §3, IANA "TSIG Error values").
enum class Error : std::uint16_t { NoError = 0, BADSIG = 16, BADKEY = 17, BADTIME = 18, BADTRUNC = 22 };

/// Default fudge: 300 s (RFC 8945 §10). It is both what we put into the
/// records we sign and the most clock skew we accept: a request's own
/// fudge can narrow the window, never widen it (RFC 8945 §5.2.3 lets the
/// signer choose the fudge; an attacker replaying an old request would
/// choose 65535).
inline constexpr std::uint16_t kFudge = 300;

/// Outcome of checking the TSIG of a received request (RFC 8945 §5.2).
struct Verified {
    enum class Status : std::uint8_t {
        Unsigned,  ///< no TSIG record
        Ok,
        FormErr,   ///< TSIG not last, more than one, malformed
        BadKey,    ///< key name or algorithm unknown → NOTAUTH + BADKEY
        BadSig,    ///< MAC does not verify → NOTAUTH + BADSIG
        BadTime,   ///< outside the fudge window → NOTAUTH + BADTIME (signed)
    };
    Status status = Status::Unsigned;
    const Key* key = nullptr;        ///< the key used, when known
    Name key_name;              ///< as received (for error responses)
    Name algorithm;             ///< as received
    std::vector<std::uint8_t> mac;   ///< the request MAC (goes into the response digest)
    std::size_t tsig_offset = 0;     ///< where the TSIG RR starts in the request
    std::uint16_t original_id = 0;
    std::uint64_t time_signed = 0;
};

/// Checks the TSIG of a parsed request against `keys` at unix time `now`;
/// the time must lie within min(request fudge, `max_fudge`) of `now`.
/// Uses the view's record walk (MessageView::tsig_offset): no second parse.
Verified verify_request(const MessageView& msg, const std::vector<Key>& keys, std::uint64_t now,
                        std::uint16_t max_fudge = kFudge);
/// The same for a message not parsed yet.
Verified verify_request(std::span<const std::uint8_t> msg, const std::vector<Key>& keys, std::uint64_t now,
                        std::uint16_t max_fudge = kFudge);

/// Signs a sequence of messages: a request, or the responses to a signed
/// request (RFC 8945 §5.3; multi-message answers chain each MAC to the prior
/// one, §5.3.1). Every message is signed.
class Signer {
public:
    /// `request_mac` empty for a request; the request's MAC for its responses.
    /// `fudge` goes into every record signed.
    Signer(const Key& key, std::vector<std::uint8_t> request_mac, std::uint16_t fudge = kFudge);
    /// Appends the TSIG record to the message in `buf[0, size)` and bumps
    /// ARCOUNT. Returns the new size, or 0 when `buf` has no room.
    std::size_t sign(std::span<std::uint8_t> buf, std::size_t size, std::uint64_t now,
                     Error error = Error::NoError, std::uint64_t other_time = 0);
    [[nodiscard]] const std::vector<std::uint8_t>& mac() const noexcept { return mac_; }
    /// Room needed for the TSIG record of this key.
    [[nodiscard]] std::size_t overhead() const noexcept;

private:
    const Key& key_;
    std::vector<std::uint8_t> mac_;  ///< prior MAC (request MAC before the first response)
    std::uint16_t fudge_;
    bool first_ = true;
};

/// Appends an unsigned TSIG record carrying `error` (BADKEY/BADSIG answers,
/// RFC 8945 §5.3.2: MAC size 0). Returns the new size or 0.
std::size_t append_unsigned(std::span<std::uint8_t> buf, std::size_t size, const Name& key_name,
                            const Name& algorithm, std::uint64_t now, Error error);

/// Verifies the responses to a request signed with `key` (client side of a
/// transfer): every message may carry a TSIG; unsigned ones in between are
/// accumulated (RFC 8945 §5.3.1), the last one must be signed.
class ResponseVerifier {
public:
    /// Responses must be signed within min(their fudge, `max_fudge`) of `now`.
    ResponseVerifier(const Key& key, std::vector<std::uint8_t> request_mac, std::uint16_t max_fudge = kFudge);
    /// Checks one message; returns false on a bad or missing signature.
    /// `signed_out` says whether this message carried a TSIG.
    bool verify(std::span<const std::uint8_t> msg, std::uint64_t now, bool& signed_out, std::string& why);

private:
    const Key& key_;
    std::vector<std::uint8_t> prior_mac_;
    std::vector<std::uint8_t> pending_;  ///< unsigned messages since the last signed one
    std::uint16_t max_fudge_;
    bool first_ = true;
};

}  // namespace enumd::dns::tsig
