#pragma once
/// The recursor's use of the client exchange: one question to a set of
/// servers (random order, two rounds, within the query's deadline), with
/// 0x20 case randomisation and the EDNS fallback, parsed into a Response.

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "counters.hpp"
#include "enumd/resolver/exchange.hpp"
#include "enumd/server/recursor.hpp"
#include "response.hpp"

namespace enumd::server::recursor {

class Transport {
public:
    Transport(const RecursorConfig& cfg, Counters& counters, std::shared_ptr<resolver::Exchanger> exchanger)
        : cfg_(cfg), counters_(counters), exchanger_(std::move(exchanger)) {}

    /// Asks `servers` until one gives a usable answer: SERVFAIL and REFUSED
    /// move on to the next server, so do FORMERR/NOTIMP left after the
    /// retry without EDNS (RFC 6891 §7). Nothing when all fail or the
    /// deadline passes.
    boost::asio::awaitable<std::optional<Response>> ask(std::vector<Upstream> servers, dns::Name qname,
                                                        dns::RrType qtype, bool rd, Clock::time_point deadline);

private:
    const RecursorConfig& cfg_;
    Counters& counters_;
    std::shared_ptr<resolver::Exchanger> exchanger_;
};

}  // namespace enumd::server::recursor
