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
#include "enumd/numbering/snaptr.hpp"
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
    Refused,      ///< a server answered REFUSED (RFC 1035 §4.1.1)
    Unreachable,  ///< no server could be reached (connection refused at once)
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

/// The services field parser lives in numbering/ (zones generate these records).
using numbering::parse_snaptr_service;
using numbering::SnaptrService;

struct SnaptrOptions {
    std::string app_service;     ///< e.g. "x-3gpp-pgw"
    std::string app_protocol;    ///< e.g. "x-s5-gtp"; empty: any
    unsigned max_nonterminal_depth = 5;
    bool ipv6 = true;
    std::optional<std::uint64_t> seed;
    LookupBudget budget;  ///< total queries/records per call (budget.hpp)
};

/// One candidate, in the order S-NAPTR ranks them (TS 29.303 §5.1.1 / RFC
/// 3958 §2.2): NAPTR order, then preference; inside an "s" record, RFC 2782
/// (SRV priority, then weighted draw); A before AAAA per host.
struct SnaptrTarget {
    std::string host;        ///< the canonical node name (TS 29.303 §4.3.2): "a" replacement or SRV target
    std::uint16_t port = 0;  ///< from SRV; 0 when the record had flag "a"
    std::string address;
    std::string service;     ///< the NAPTR services field that matched
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
    std::uint16_t srv_priority = 0;  ///< "s" records only
    std::uint16_t srv_weight = 0;    ///< "s" records only
    std::string why;                 ///< how this candidate was reached, for people
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

// ---------------------------------------------------------------------------
// Node pairs: collocation and topological closeness (TS 29.303 §4.3.2, Annex C)

/// A canonical node name split as TS 29.303 §4.3.2 writes it:
/// "topon|topoff.<interface label>.<node name>".
struct CanonicalNodeName {
    bool topon = false;     ///< first label "topon": usable for topology matching
    bool canonical = false; ///< the name starts with "topon." or "topoff."
    std::string node;       ///< the name after the topon/topoff label and the interface label, lower-case
    std::string rest;       ///< the name after the topon/topoff label only, lower-case
};
CanonicalNodeName parse_canonical_node_name(std::string_view host);

/// The number of labels two names share from the right (case-insensitive).
unsigned common_suffix_labels(std::string_view a, std::string_view b);

/// The chosen pair of nodes from two S-NAPTR candidate lists (e.g. an SGW
/// for x-3gpp-sgw:x-s5-gtp and a PGW for x-3gpp-pgw:x-s5-gtp). Indices are
/// into the two lists.
struct NodePair {
    std::size_t first = 0, second = 0;
    bool collocated = false;
    unsigned common_labels = 0;  ///< labels shared after the topon/topoff label
    std::string why;
};
/// TS 29.303 Annex C: a collocated pair (the node names equal once the
/// topon/topoff and interface labels are dropped) wins; else, among pairs of
/// "topon" names, the one sharing the longest label suffix (topological
/// closeness); else the best-ranked pair. Ties go to the better-ranked pair
/// (smaller sum of the two ranks, then the first list's rank). Nothing when a
/// list is empty.
std::optional<NodePair> select_node_pair(const std::vector<SnaptrTarget>& first,
                                         const std::vector<SnaptrTarget>& second);

}  // namespace enumd::resolver
