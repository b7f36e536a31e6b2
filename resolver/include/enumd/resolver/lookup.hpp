#pragma once
/// The pluggable DNS lookup the resolution logic runs on: the stub
/// transport implements it for the network, tests implement it with tables.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"

namespace enumd::resolver {

/// What one query came back with, as the resolution logic needs it.
enum class LookupStatus {
    Ok,        ///< NOERROR with records of the asked type
    NoData,    ///< NOERROR, name exists, no records of that type
    NxDomain,  ///< RCODE 3
    ServFail,  ///< SERVFAIL, NOTIMP or any other error rcode but REFUSED
    Timeout,   ///< no answer from any server within the retries
    Malformed, ///< answers that did not parse or did not match the question
    Refused,   ///< RCODE 5 REFUSED (RFC 1035 §4.1.1): the server will not answer this client (ACL, not its zone)
    /// No server could be asked: the connection was refused (ICMP port unreachable on a connected UDP socket,
    /// a TCP RST), no route, no socket. Known at once, not after the timeout.
    Unreachable,
};
const char* to_string(LookupStatus s) noexcept;

/// What the failed queries of one resolution (ENUM, RFC 3263, S-NAPTR, ePDG) saw, so that the outcome names the
/// most telling failure: a refusal or an unreachable server is not a SERVFAIL, nor a timeout (issue 13).
struct FailureTally {
    bool timeout = false;
    bool unreachable = false;
    bool refused = false;
    bool servfail = false;  ///< SERVFAIL, other error rcodes, malformed answers
    void note(LookupStatus s) noexcept;
    [[nodiscard]] bool any() const noexcept { return timeout || unreachable || refused || servfail; }
    /// The status to report when nothing usable was found: timeout, then unreachable, refused, servfail (the first
    /// seen in that order); Ok when no query failed.
    [[nodiscard]] LookupStatus worst() const noexcept;
};

/// One record in uncompressed form.
struct Rr {
    dns::Name owner;
    dns::RrType type = dns::RrType::A;
    std::uint32_t ttl = 0;
    std::vector<std::uint8_t> rdata;
};

struct Answer {
    LookupStatus status = LookupStatus::ServFail;
    /// Records of the asked type owned by the query name or by the end of
    /// its CNAME chain, in answer order.
    std::vector<Rr> records;
    /// Additional-section records (SRV/NAPTR glue); may be used as hints.
    std::vector<Rr> additional;
    /// Negative caching time (RFC 2308 §5): min(SOA TTL, SOA MINIMUM).
    std::uint32_t negative_ttl = 0;
    std::string server;  ///< "127.0.0.1:53" — who answered, for logs
    bool from_cache = false;
    std::string detail;  ///< human detail on errors
};

/// A DNS lookup. Names are absolute: no search list is ever applied.
class DnsLookup {
public:
    virtual ~DnsLookup() = default;
    virtual boost::asio::awaitable<Answer> query(dns::Name qname, dns::RrType qtype) = 0;
};

/// SRV rdata (RFC 2782).
struct SrvRecord {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    dns::Name target;
};
std::optional<SrvRecord> parse_srv_rdata(std::span<const std::uint8_t> rdata);
/// A / AAAA rdata as text ("192.0.2.1", "2001:db8::1").
std::optional<std::string> parse_address_rdata(dns::RrType type, std::span<const std::uint8_t> rdata);

}  // namespace enumd::resolver
