#pragma once
/// Resolution of one name and type: the cache first, then forwarders (the
/// longest matching per-domain entry, else the defaults), stub zones, or
/// iteration from the closest known zone cut (RFC 1034 §5.3.3) with
/// optional QNAME minimisation (RFC 9156); CNAME chains followed across
/// zones; serve-stale (RFC 8767) and prefetch.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cache.hpp"
#include "counters.hpp"
#include "response.hpp"
#include "transport.hpp"

namespace enumd::server::recursor {

/// What the client is told.
struct Resolution {
    std::uint8_t rcode = static_cast<std::uint8_t>(dns::Rcode::SERVFAIL);
    std::vector<RRset> answer;
    std::vector<RRset> authority;
    bool stale = false;
    /// A SERVFAIL because upstreams failed: its Extended DNS Error (RFC 8914), 0 for none.
    std::uint16_t ede = 0;
    std::string ede_text;
};

class Iterator {
public:
    Iterator(const RecursorConfig& cfg, Counters& counters, Cache& cache, Transport& transport,
             std::vector<Upstream> roots, boost::asio::io_context& io)
        : cfg_(cfg), counters_(counters), cache_(cache), transport_(transport), roots_(std::move(roots)), io_(io) {}

    boost::asio::awaitable<Resolution> resolve(dns::Name qname, dns::RrType qtype, Clock::time_point deadline,
                                               unsigned depth);
    /// The answer `resolve` would give from the cache alone (the CNAME chain
    /// followed, TTLs counted down), without counting a hit or prefetching;
    /// nothing when some link is not cached. What the message cache stores.
    std::optional<Resolution> cached(const dns::Name& qname, dns::RrType qtype);
    /// Background refresh of one RRset; the digest puts it in the cache.
    boost::asio::awaitable<void> prefetch(dns::Name name, dns::RrType qtype);

private:
    /// The forwarders for `name`: the longest matching per-domain entry, else the defaults.
    [[nodiscard]] const std::vector<Upstream>* forwarders_for(const dns::Name& name) const;
    /// Addresses of the NS targets known to the cache.
    std::vector<Upstream> addresses_of(const RRset& ns);
    /// The deepest known zone cut at or above `name`: stub zones, cached NS
    /// with known addresses, else the root hints.
    std::pair<dns::Name, std::vector<Upstream>> closest_cut(const dns::Name& name);
    boost::asio::awaitable<std::optional<Response>> iterate(const dns::Name& qname, dns::RrType qtype, dns::Name& zone,
                                                            Clock::time_point deadline, unsigned depth);
    /// Caches a referral's NS and its in-bailiwick glue; returns the addresses
    /// to ask next (resolving NS names when there is no glue).
    boost::asio::awaitable<std::vector<Upstream>> follow(const RRset& ns, const dns::Name& zone, const Response& m,
                                                         Clock::time_point deadline, unsigned depth);
    /// Asks forwarders or iterates, whichever applies to `name`.
    boost::asio::awaitable<std::optional<Response>> fetch(const dns::Name& name, dns::RrType qtype, dns::Name& zone,
                                                          Clock::time_point deadline, unsigned depth,
                                                          UpstreamFailure* why = nullptr);
    /// Scrubs a response and caches what is kept.
    Resolution digest(const Response& m, const dns::Name& name, dns::RrType qtype, const dns::Name& zone);

    const RecursorConfig& cfg_;
    Counters& counters_;
    Cache& cache_;
    Transport& transport_;
    std::vector<Upstream> roots_;
    boost::asio::io_context& io_;
    std::unordered_set<std::string> prefetching_;  // one refresh per RRset at a time
};

}  // namespace enumd::server::recursor
