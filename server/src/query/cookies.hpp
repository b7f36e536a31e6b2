#pragma once
/// DNS cookies on the query path (RFC 7873 §5.2, server cookies of RFC 9018):
/// a query with a COOKIE option gets one back — its client cookie and a fresh
/// server cookie — whether or not its server cookie was valid (no BADCOOKIE:
/// we never require cookies); a valid one exempts the client from response
/// rate limiting (query/rrl.hpp), as in Knot, because a spoofed source cannot
/// have learnt it. The construction is dns/cookie.hpp's.

#include <sys/socket.h>

#include <cstdint>
#include <span>

#include "enumd/dns/cookie.hpp"
#include "enumd/server/rate_limit.hpp"

namespace enumd::server::query {

class Cookies {
public:
    /// The configured secret, or a random one (getrandom).
    explicit Cookies(const CookieConfig& config);

    /// The COOKIE option TLV for the response to a query carrying `option`
    /// (its COOKIE data) from `peer`, into `out`; true when the query's
    /// server cookie is ours, for this client, and fresh.
    bool respond(std::span<const std::uint8_t> option, const sockaddr* peer,
                 std::span<std::uint8_t, dns::kCookieOptionSize> out) const noexcept;

private:
    dns::CookieSecret secret_{};
};

}  // namespace enumd::server::query
