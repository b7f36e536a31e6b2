#pragma once
/// Locating SIP servers (RFC 3263) with RFC 2782 SRV selection, and
/// S-NAPTR (RFC 3958) as TS 29.303 uses it for EPC/5GC node selection.
/// All DNS goes through a DnsLookup, so every path is unit-testable.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enumd/dns/result.hpp"
#include "enumd/resolver/budget.hpp"
#include "enumd/resolver/lookup.hpp"
#include "enumd/resolver/select.hpp"

namespace enumd::resolver {

enum class SipTransport { Udp, Tcp, Tls };
const char* to_string(SipTransport t) noexcept;

struct SipUri {
    bool sips = false;
    std::string user;
    std::string host;       ///< the TARGET: maddr if present, else the host (RFC 3263 §4); no brackets
    bool numeric = false;   ///< host is an IPv4 or IPv6 literal
    std::optional<std::uint16_t> port;
    std::optional<SipTransport> transport;  ///< the transport= parameter
};
/// Parses "sip:" / "sips:" URIs (RFC 3261 §19.1.1) far enough to locate the
/// server: host, port, transport parameter.
dns::Result<SipUri> parse_sip_uri(std::string_view text);

/// One place to send a request, in failover order.
struct SipTarget {
    SipTransport transport = SipTransport::Udp;
    std::string host;
    std::uint16_t port = 0;
    std::string address;
};

enum class LocateOutcome {
    Ok,
    BadUri,
    NotOffered,  ///< SRV target "." (RFC 2782): service decidedly not offered
    NxDomain,    ///< the host does not exist
    NoAddress,   ///< names found but no A/AAAA
    Timeout,
    ServFail,
};
const char* to_string(LocateOutcome o) noexcept;

struct SipLocateOptions {
    /// Transports this client supports, in preference order for the SRV
    /// queries made when there are no NAPTR records (RFC 3263 §4.1).
    std::vector<SipTransport> transports = {SipTransport::Udp, SipTransport::Tcp, SipTransport::Tls};
    bool ipv6 = true;  ///< also query AAAA
    std::optional<std::uint64_t> seed;
    LookupBudget budget;  ///< total queries/records per call (budget.hpp)
};

struct SipLocateResult {
    LocateOutcome outcome = LocateOutcome::NoAddress;
    std::string error;
    std::vector<SipTarget> targets;  ///< a fresh list per call: failover state belongs to the caller
    std::vector<std::string> trace;
    std::string server;
};

/// RFC 3263 §4: numeric host → use it; explicit port → A/AAAA only (§4.2);
/// transport= respected; else NAPTR (SIP+D2U, SIP+D2T, SIPS+D2T, flag "s";
/// a SIPS URI discards non-SIPS services) → SRV → A/AAAA; no NAPTR → SRV
/// per supported transport; no SRV → A/AAAA on the default port.
boost::asio::awaitable<SipLocateResult> locate_sip_server(DnsLookup& dns, std::string uri, SipLocateOptions options);

/// RFC 2782 order of a full SRV set: priority tiers ascending, weighted
/// random order inside each tier (see rfc2782_order). Returns indices.
std::vector<std::size_t> order_srv(const std::vector<SrvRecord>& srv, Rng& rng);

// ---------------------------------------------------------------------------
// S-NAPTR (RFC 3958)

/// An S-NAPTR services field "app-service:app-protocol[:app-protocol...]"
/// (RFC 3958 §6.5), e.g. "x-3gpp-pgw:x-s5-gtp:x-s8-gtp" (TS 29.303 §19.4.3).
struct SnaptrService {
    std::string app_service;               ///< lower-cased
    std::vector<std::string> app_protocols;  ///< lower-cased
};
dns::Result<SnaptrService> parse_snaptr_service(std::string_view field);

struct SnaptrOptions {
    std::string app_service;     ///< e.g. "x-3gpp-pgw"
    std::string app_protocol;    ///< e.g. "x-s5-gtp"; empty: any
    unsigned max_nonterminal_depth = 5;
    bool ipv6 = true;
    std::optional<std::uint64_t> seed;
    LookupBudget budget;  ///< total queries/records per call (budget.hpp)
};

struct SnaptrTarget {
    std::string host;
    std::uint16_t port = 0;  ///< from SRV; 0 when the record had flag "a"
    std::string address;
    std::string service;     ///< the NAPTR services field that matched
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
};

struct SnaptrResult {
    LocateOutcome outcome = LocateOutcome::NoAddress;
    std::vector<SnaptrTarget> targets;
    std::vector<std::string> trace;
};

/// RFC 3958 §2.2: NAPTR at `domain`, keep records whose service matches,
/// order/preference ascending; flag "s" → SRV, "a" → A/AAAA, empty →
/// NAPTR at the replacement (non-terminal, loop and depth limited);
/// records with a regexp or other flags are ignored.
boost::asio::awaitable<SnaptrResult> snaptr_resolve(DnsLookup& dns, dns::Name domain, SnaptrOptions options);

}  // namespace enumd::resolver
