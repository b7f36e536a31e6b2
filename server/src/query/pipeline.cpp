#include "query/pipeline.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "enumd/dns/response.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/xfr.hpp"
#include "query/cookies.hpp"
#include "query/rrl.hpp"

namespace enumd::server::query {
namespace {

std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

std::size_t servfail(std::span<const std::uint8_t> q, std::span<std::uint8_t> out) noexcept {
    // The header alone: ID, opcode and RD echoed (dns/response.hpp).
    return dns::header_only_response(q, out, dns::Rcode::SERVFAIL, dns::Echo{true, false});
}

std::size_t Pipeline::rate_limit(std::span<const std::uint8_t> q, std::span<std::uint8_t> out, const AnswerResult& r,
                                 const sockaddr* peer) noexcept {
    if (p_.rrl->config().exempt.allows(peer)) return r.size;
    switch (p_.rrl->account(peer, q, r, rrl_now())) {
        case ResponseRateLimiter::Verdict::Send: return r.size;
        case ResponseRateLimiter::Verdict::Slip:
            p_.stats->rrl_slipped.fetch_add(1, std::memory_order_relaxed);
            return slip_response(out, r.size);
        case ResponseRateLimiter::Verdict::Drop: break;
    }
    p_.stats->rrl_dropped.fetch_add(1, std::memory_order_relaxed);
    return 0;
}

Handled Pipeline::handle(std::span<const std::uint8_t> q, std::span<std::uint8_t> out, Transport t,
                         const sockaddr* peer, bool rate_limited) noexcept {
    rate_limited = rate_limited && p_.rrl != nullptr && t == Transport::Udp;
    const std::uint64_t t0 = now_ns();
    // 0. RFC 2136 UPDATE: never on this thread — the writer applies it and replies after its commit.
    if (q.size() >= dns::kHeaderSize && !dns::header::has(q, dns::flags::QR) &&
        dns::header::opcode(q) == dns::Opcode::UPDATE) {
        if (p_.update != nullptr) return {Next::Update, 0};
        return {Next::Send, dns::header_only_response(q, out, dns::Rcode::NOTIMP, dns::Echo{true, false})};
    }
    // 1. Transfers, NOTIFY and signed SOA queries have their own access control (xfr.hpp).
    if (p_.xfr != nullptr && xfr::classify(q) != xfr::Kind::None) {
        if (auto n = p_.xfr->handle_datagram(q, out, peer, t, *p_.options)) return {Next::Send, *n};
    }
    // 2. The query ACL.
    if (!p_.acl->allows(peer)) {
        AnswerResult r = refuse_query(q, out, t, *p_.options);
        p_.stats->record(r, t, now_ns() - t0);
        return {Next::Send, rate_limited ? rate_limit(q, out, r, peer) : r.size};
    }
    // 3. The authoritative answer from one fresh read snapshot.
    if (!p_.reader->refresh()) {
        p_.stats->servfail_internal.fetch_add(1, std::memory_order_relaxed);
        return {Next::Send, servfail(q, out)};
    }
    dns::QueryView view;
    const dns::QueryParse parsed = dns::parse_query(q, view);
    // DNS cookies (RFC 7873 §5.2): the response carries one whenever the query did.
    std::array<std::uint8_t, dns::kCookieOptionSize> cookie{};
    std::span<const std::uint8_t> opt_options;
    bool cookie_valid = false;
    if (p_.cookies != nullptr && parsed == dns::QueryParse::Ok && view.edns && !view.edns->cookie.empty()) {
        cookie_valid = p_.cookies->respond(view.edns->cookie, peer, cookie);
        opt_options = cookie;
    }
    AnswerResult r = answer_query(*p_.reader, view, parsed, out, t, *p_.options, opt_options);
    p_.reader->release();
    // 4. Local zones always win; the rest goes to the recursor for clients in
    // its ACL (never an open resolver). RA only where recursion is offered.
    const bool may_recurse = p_.recursor != nullptr && p_.recursor->config().allow.allows(peer);
    if (r.not_ours && may_recurse) {
        // A cache hit is answered here, on the worker that received the query; a miss hops to the
        // recursor thread. The size limit is the one the recursor applies (udp_listener.cpp hand_to_recursor).
        std::size_t limit = std::min<std::size_t>(out.size(), dns::kMaxMessage);
        if (t == Transport::Udp) limit = std::min(dns::udp_response_limit(view, p_.options->edns_buffer), limit);
        if (parsed == dns::QueryParse::Ok) {
            if (std::size_t n = p_.recursor->answer_from_cache(view, out, limit)) {
                p_.stats->record_recursive(out.first(n), t, now_ns() - t0);  // in the totals, as a miss is
                return {Next::Send, n};
            }
        }
        return {Next::Recurse, 0};
    }
    if (may_recurse) dns::header::set(out.first(r.size), dns::flags::RA);
    // 5. Counters.
    p_.stats->record(r, t, now_ns() - t0);
    // 6. Response rate limiting; clients allowed to recurse are trusted already, and a valid
    // server cookie proves the source address is not spoofed.
    if (rate_limited && !may_recurse && !cookie_valid) return {Next::Send, rate_limit(q, out, r, peer)};
    return {Next::Send, r.size};
}

}  // namespace enumd::server::query
