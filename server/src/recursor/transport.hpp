#pragma once
/// The recursor's use of the client exchange: one question to a set of
/// servers (random order, two rounds, within the query's deadline), with
/// 0x20 case randomisation and the EDNS fallback, parsed into a Response.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "counters.hpp"
#include "enumd/resolver/exchange.hpp"
#include "enumd/server/recursor.hpp"
#include "response.hpp"

namespace enumd::server::recursor {

/// Why the upstreams of one question gave no usable answer.
struct UpstreamFailure {
    std::uint16_t ede = 22;  ///< RFC 8914 INFO-CODE: 22 No Reachable Authority, 23 Network Error
    std::string text;        ///< "127.0.0.1:9: connection refused"
};

class Transport {
public:
    Transport(const RecursorConfig& cfg, Counters& counters, std::shared_ptr<resolver::Exchanger> exchanger)
        : cfg_(cfg), counters_(counters), exchanger_(std::move(exchanger)) {}

    /// Asks `servers` until one gives a usable answer: SERVFAIL and REFUSED
    /// move on to the next server, so do FORMERR/NOTIMP left after the
    /// retry without EDNS (RFC 6891 §7). Nothing when all fail or the
    /// deadline passes.
    /// `why` (optional): when no usable answer came, what the last server did — for the log line and the
    /// Extended DNS Error of the SERVFAIL (RFC 8914 §4.23 Network Error when a server could not be talked to at
    /// all, e.g. ICMP port unreachable; §4.22 No Reachable Authority when none answered in time or usably).
    boost::asio::awaitable<std::optional<Response>> ask(std::vector<Upstream> servers, dns::Name qname,
                                                        dns::RrType qtype, bool rd, Clock::time_point deadline,
                                                        UpstreamFailure* why = nullptr);

private:
    const RecursorConfig& cfg_;
    Counters& counters_;
    std::shared_ptr<resolver::Exchanger> exchanger_;
};

}  // namespace enumd::server::recursor
