#pragma once
/// One query through enumd, whatever transport brought it (net/udp_listener.cpp,
/// net/tcp_session.cpp). The steps, in order:
///   0. UPDATE (RFC 2136) → handed to the writer thread (update.hpp; its own access control)
///   1. transfer / NOTIFY / signed-SOA dispatch (xfr.hpp; its own access control)
///   2. the query ACL (query/acl.cpp) → REFUSED
///   3. the authoritative answer from our zones (auth/answer.cpp), from the view of the client's
///      address or of a trusted resolver's EDNS Client Subnet (zones/README.md "Views")
///   4. names outside our zones → for clients in the recursor's ACL: a cache hit answered here
///      (the message cache), a miss handed to the recursor thread
///   5. the counters (stats/stats.cpp)
///   6. response rate limiting of UDP answers on rate-limited listeners (query/rrl.hpp)
/// Runs on the hot path: no allocation, no exceptions.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "enumd/server/acl.hpp"
#include "enumd/server/answer.hpp"
#include "enumd/server/recursor.hpp"
#include "enumd/server/stats.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server {
namespace xfr {
class Service;
}
namespace update {
class Writer;
}

namespace query {

class ResponseRateLimiter;
class Cookies;

/// What the transport does with the query.
enum class Next : std::uint8_t {
    Send,     ///< `size` bytes of the response are in `out` (0 = drop)
    Recurse,  ///< hand the query to the recursor, which replies later
    Update,   ///< hand the message to the update writer (update.hpp), which replies after its commit
};

struct Handled {
    Next next = Next::Send;
    std::size_t size = 0;
};

/// What a worker thread's pipeline uses; all pointers outlive it.
struct PipelineParts {
    zones::Reader* reader = nullptr;
    ThreadStats* stats = nullptr;
    const AnswerOptions* options = nullptr;
    const Acl* acl = nullptr;
    xfr::Service* xfr = nullptr;   ///< null = no transfers
    Recursor* recursor = nullptr;  ///< null when recursion is off
    update::Writer* update = nullptr;  ///< null: UPDATE is answered NOTIMP
    ResponseRateLimiter* rrl = nullptr;  ///< null: no response rate limiting
    const Cookies* cookies = nullptr;    ///< null: COOKIE options are ignored (`cookies: {enabled: false}`)
    /// The resolvers whose EDNS Client Subnet chooses views (RFC 7871, `client_subnet: {trust: …}`);
    /// null: enumd does not speak ECS and ignores the option (RFC 6891 §6.1.2).
    const Acl* client_subnet = nullptr;
};

class Pipeline {
public:
    explicit Pipeline(PipelineParts parts) noexcept : p_(parts) {}
    /// The response to `q` in `out` (at least 4096 octets; 65535 for TCP).
    /// `rate_limited`: the query came to a UDP listener under response rate limiting.
    Handled handle(std::span<const std::uint8_t> q, std::span<std::uint8_t> out, Transport t,
                   const sockaddr* peer, bool rate_limited = false) noexcept;
    [[nodiscard]] ResponseRateLimiter* rrl() const noexcept { return p_.rrl; }
    [[nodiscard]] Recursor* recursor() const noexcept { return p_.recursor; }
    [[nodiscard]] ThreadStats* stats() const noexcept { return p_.stats; }
    [[nodiscard]] const AnswerOptions& options() const noexcept { return *p_.options; }
    [[nodiscard]] xfr::Service* xfr() const noexcept { return p_.xfr; }
    [[nodiscard]] update::Writer* update() const noexcept { return p_.update; }

private:
    /// Step 6: the response in `out` as sent, truncated or dropped (its size).
    std::size_t rate_limit(std::span<const std::uint8_t> q, std::span<std::uint8_t> out, const AnswerResult& r,
                           const sockaddr* peer) noexcept;
    PipelineParts p_;
};

/// SERVFAIL for a query we could not answer (database unreadable); 0 = drop.
std::size_t servfail(std::span<const std::uint8_t> q, std::span<std::uint8_t> out) noexcept;

}  // namespace query
}  // namespace enumd::server
