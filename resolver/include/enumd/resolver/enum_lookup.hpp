#pragma once
/// ENUM resolution (RFC 6116 on RFC 3402/3403): number in, an ordered
/// failover list of URIs out, with the reason for every record not used.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/posix_regex.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/resolver/budget.hpp"
#include "enumd/resolver/lookup.hpp"
#include "enumd/resolver/naptr.hpp"
#include "enumd/resolver/select.hpp"

namespace enumd::resolver {

struct EnumOptions {
    /// Suffixes tried in order ("e164.arpa.", private trees...).
    std::vector<dns::Name> suffixes;
    numbering::ServiceFilter service;
    /// Non-RFC: keep every ORDER tier as failover (order 10 primary, order
    /// 20 standby) instead of RFC 3403 §4.1's "stop at the first ORDER that
    /// matched".
    bool failover_across_orders = false;
    /// Non-RFC: inside a tier, PREFERENCE is a proportional weight (higher
    /// gets more traffic: 100/100/200 → 25/25/50), drawn in random order.
    /// RFC 3403 §4.1 instead tries the lowest preference first.
    bool preference_as_weight = false;
    /// How many non-terminal rules may be chained before giving up.
    unsigned max_nonterminal_depth = 5;
    /// Look up tel: results again as ENUM (never when they carry npdi,
    /// RFC 4694 §4).
    bool follow_tel = false;
    /// How a regexp that matches only part of the AUS builds its result (`!^\+1!sip:!` on "+15551234"):
    /// Sed keeps the unmatched rest ("sip:5551234", RFC 3402 §3.2's "sed-style"), ReplacementOnly gives the
    /// replacement alone ("sip:", Kamailio's enum module, Asterisk). resolver/README.md "Partial matches".
    numbering::SubstReading reading = numbering::SubstReading::Sed;
    std::optional<std::uint64_t> seed;  ///< deterministic draws for tests
    numbering::RegexLimits regex_limits;
    /// Total queries and records per lookup, across suffixes and
    /// non-terminal/tel: chains (budget.hpp explains why depth is not enough).
    LookupBudget budget;
};

/// A record seen during the lookup and what became of it.
struct NaptrVerdict {
    dns::Name owner;
    NaptrRecord record;
    std::string result;  ///< the URI or the next key produced, if any
    std::string skipped; ///< empty when used; otherwise why not
};

/// One entry of the failover list.
struct EnumTarget {
    std::string uri;
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
    /// Expected share of first attempts within its tier: proportional to
    /// preference (weight mode), or split evenly among the records of the
    /// lowest preference, 0 for fallbacks (RFC mode).
    double share = 0;
    bool npdi = false;  ///< RFC 4694: final, never looked up again
    std::string service;  ///< the enumservice that matched, e.g. "sip", "pstn:tel"
};

enum class EnumOutcome {
    Ok,
    BadNumber,   ///< the input is not an E.164 number
    NxDomain,    ///< no ENUM domain exists under any suffix
    NoUsable,    ///< domains/records exist but none yields a usable URI
    Timeout,     ///< a server did not answer and nothing usable was found
    ServFail,    ///< servers failed and nothing usable was found
    Refused,     ///< a server answered REFUSED (RFC 1035 §4.1.1) and nothing usable was found
    Unreachable, ///< no server could be reached (connection refused at once) and nothing usable was found
};
const char* to_string(EnumOutcome o) noexcept;

struct EnumResult {
    EnumOutcome outcome = EnumOutcome::NoUsable;
    std::string error;       ///< for BadNumber
    std::string aus;         ///< "+61355500912"
    std::string domain;      ///< the domain that answered
    std::string server;      ///< which server answered
    std::vector<NaptrVerdict> records;
    std::vector<EnumTarget> targets;  ///< the failover list, first to try first
    std::vector<std::string> trace;   ///< queries made, one line each
    /// Set when the lookup budget stopped the lookup early ("lookup budget of
    /// 64 queries exhausted"); targets found until then are still returned.
    std::string budget_exhausted;
};

/// Pure processing of one NAPTR set: turns records into an ordered list
/// of rule applications (terminal URIs or next keys), no I/O. Exposed for
/// tests and benchmarks.
struct NaptrStep {
    enum class Kind { Uri, NextKey } kind = Kind::Uri;
    std::size_t index = 0;  ///< into the input records
    std::string value;      ///< URI or next key (text)
    std::string service;
    bool npdi = false;
};
struct NaptrSetResult {
    std::vector<std::vector<NaptrStep>> tiers;  ///< ordered tiers, each ordered
    std::vector<std::string> skipped;           ///< per input record: "" or reason
    std::vector<std::string> results;           ///< per input record: produced value
    std::vector<double> shares;                 ///< per input record
};
NaptrSetResult process_naptr_set(const std::vector<NaptrRecord>& records, const std::string& aus,
                                 const EnumOptions& options, Rng& rng);

/// Flattens tiers into the failover list per the options.
std::vector<EnumTarget> flatten_uris(const std::vector<NaptrRecord>& records, const NaptrSetResult& set,
                                     const EnumOptions& options);

/// The full lookup on `dns`: normalise, build domains for each suffix,
/// query NAPTR, follow non-terminals, select.
boost::asio::awaitable<EnumResult> enum_lookup(DnsLookup& dns, std::string number, EnumOptions options);

}  // namespace enumd::resolver
