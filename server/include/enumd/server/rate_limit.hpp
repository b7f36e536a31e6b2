#pragma once
/// `rate_limit:` and `cookies:` in the config file: response rate limiting
/// of UDP answers (server/src/query/rrl.hpp) and DNS cookies (RFC 7873/9018,
/// server/src/query/cookies.hpp), whose valid holders are not rate limited.
/// Each field's meaning: server/README.md "Response rate limiting".

#include <cstddef>
#include <array>
#include <cstdint>
#include <optional>

#include "enumd/server/acl.hpp"

namespace enumd::server {

struct RrlConfig {
    enum class Mode : std::uint8_t {
        Auto,  ///< on for listeners on addresses other than loopback (127.0.0.0/8, ::1)
        On,    ///< on for every listener
        Off,
    };
    Mode mode = Mode::Auto;
    unsigned responses_per_second = 20;  ///< per client network and response key (Knot's default rate)
    /// Every slip-th limited response goes out truncated, the others are
    /// dropped; 0 drops all, 1 truncates all (Knot's default: a real client
    /// always gets a TC and retries over TCP; a truncated reply is no larger
    /// than the query, so nothing is amplified).
    unsigned slip = 1;
    unsigned ipv4_prefix = 24;
    unsigned ipv6_prefix = 56;
    std::size_t table_size = 1U << 18;  ///< buckets (8 bytes each)
    /// Clients never limited (SIP proxies, monitoring). The recursion allow
    /// list is always exempt too: those clients are trusted already.
    Acl exempt;
};

struct CookieConfig {
    bool enabled = true;
    /// The RFC 9018 server secret (16 octets); random at every start when not
    /// given. Servers behind one anycast address share it.
    std::optional<std::array<std::uint8_t, 16>> secret;
};

}  // namespace enumd::server
