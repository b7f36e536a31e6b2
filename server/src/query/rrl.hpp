#pragma once
/// Response rate limiting (RRL) for UDP answers: the design BIND 9 and Knot
/// DNS share. Spoofed queries make a server reflect its answers at a victim;
/// a NAPTR answer with additional processing is about 28 times the query.
/// RRL counts the responses sent to each client network (IPv4 /24, IPv6 /56
/// by default) per kind of response, and beyond `responses_per_second` in a
/// second answers only every `slip`-th query, with a truncated response
/// (TC=1, no records: a real client retries over TCP, which is not limited)
/// and drops the rest.
///
/// The key of a response is its client network, its class, and
///   - answers and NODATA: the qname and qtype (identical responses);
///   - NXDOMAIN: the zone, referrals: the delegation, so that random names
///     under one zone share one limit (AnswerResult::domain_labels);
///   - errors (REFUSED, FORMERR, ...): the client network alone.
/// The table is fixed-size and shared by the worker threads: one 64-bit
/// atomic per bucket holding (key tag, second, count); two keys that land in
/// one bucket at once share a count, which can only limit earlier, never let
/// more through. No allocation and no lock on the query path.

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "enumd/server/answer.hpp"
#include "enumd/server/rate_limit.hpp"

namespace enumd::server::query {

using server::RrlConfig;

class ResponseRateLimiter {
public:
    explicit ResponseRateLimiter(const RrlConfig& config);

    enum class Verdict : std::uint8_t { Send, Slip, Drop };

    /// Counts the response in `result` (built for `query`) to `peer` at
    /// `now_sec` (a monotonic second) and says what to do with it.
    Verdict account(const sockaddr* peer, std::span<const std::uint8_t> query, const AnswerResult& result,
                    std::uint32_t now_sec) noexcept;

    [[nodiscard]] const RrlConfig& config() const noexcept { return config_; }

private:
    [[nodiscard]] std::uint64_t key_of(const sockaddr* peer, std::span<const std::uint8_t> query,
                                       const AnswerResult& result) const noexcept;
    RrlConfig config_;
    std::uint64_t seed_;
    std::size_t mask_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> table_;
};

/// Rewrites the response of `size` octets in `out` into the truncated reply
/// a limited client gets (RFC 1035 §4.1.1 TC): the header and question, no
/// records, TC=1. Returns the new size (the question is echoed as the
/// response holds it).
std::size_t slip_response(std::span<std::uint8_t> out, std::size_t size) noexcept;

/// The second of CLOCK_MONOTONIC_COARSE (cheap: no system call).
std::uint32_t rrl_now() noexcept;

}  // namespace enumd::server::query
