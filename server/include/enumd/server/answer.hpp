#pragma once
/// The authoritative answer: RFC 1034 §4.3.2 with RFC 4592 wildcards,
/// RFC 2308 negative answers, referrals, CNAME chains inside the zone and
/// additional-section processing (RFC 3403 §4 for NAPTR, SRV, MX, NS).
/// Runs on the hot path: no allocation, no exceptions.

#include <cstdint>
#include <span>

#include "enumd/dns/wire.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server {

struct AnswerOptions {
    /// RFC 3403 §4 additional processing for NAPTR (SRV + A/AAAA for "s",
    /// A/AAAA for "a"). Operators who want small responses turn it off.
    bool naptr_additional = true;
    /// Our EDNS buffer size (RFC 6891 §6.2.5), advertised in every OPT.
    std::uint16_t edns_buffer = dns::kDefaultEdnsSize;
    /// CNAME links followed inside our zones before giving up.
    unsigned max_cname_chain = 8;
};

enum class Transport : std::uint8_t { Udp, Tcp };

/// What happened, for counters and logs (named outcomes, Knot-style).
enum class AnswerKind : std::uint8_t {
    Drop,        ///< nothing to send (response, runt)
    Answer,      ///< NOERROR with data
    NoData,      ///< NOERROR, empty answer
    NxDomain,
    Referral,
    Refused,
    FormErr,
    NotImp,
    BadVers,
    ServFail,
};

struct AnswerResult {
    AnswerKind kind = AnswerKind::Drop;
    std::size_t size = 0;        ///< bytes written into the response buffer
    dns::RrType qtype = dns::RrType::A;
    std::uint8_t rcode = 0;
    bool truncated = false;
    bool not_ours = false;  ///< REFUSED because the name is in none of our zones (recursion may take it)
    /// The name a negative answer or referral speaks for, as the qname's last
    /// labels: the zone for NXDOMAIN, the delegation for a referral (0 for
    /// other answers). Response rate limiting keys those on it, as BIND and
    /// Knot do, so random names under one zone share one limit (query/rrl.hpp).
    std::uint8_t domain_labels = 0;
};

/// Builds the response to `query` into `out` (at least 65535 octets for TCP,
/// at least 4096 for UDP). The reader must hold a fresh snapshot (refresh()).
AnswerResult answer_query(zones::Reader& reader, std::span<const std::uint8_t> query, std::span<std::uint8_t> out,
                          Transport transport, const AnswerOptions& options) noexcept;

/// The same for a query the caller has parsed already (the transfer path's
/// signed SOA query: parsed once, verified and answered from one view).
/// `opt_options`: option TLVs for the response's OPT (the COOKIE of
/// query/cookies.hpp); they must outlive the call.
AnswerResult answer_query(zones::Reader& reader, const dns::QueryView& query, dns::QueryParse parsed,
                          std::span<std::uint8_t> out, Transport transport, const AnswerOptions& options,
                          std::span<const std::uint8_t> opt_options = {}) noexcept;

/// REFUSED for a client outside the query ACL: header and question echoed,
/// OPT when the query had one; malformed queries get FORMERR or nothing.
AnswerResult refuse_query(std::span<const std::uint8_t> query, std::span<std::uint8_t> out, Transport transport,
                          const AnswerOptions& options) noexcept;

}  // namespace enumd::server
