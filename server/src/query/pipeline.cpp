#include "query/pipeline.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <optional>

#include "enumd/dns/client_subnet.hpp"
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
    // The response's OPT options: a COOKIE, an ECS option.
    std::array<std::uint8_t, dns::kCookieOptionSize + dns::kMaxClientSubnetOption> opts{};
    std::size_t opts_size = 0;
    // DNS cookies (RFC 7873 §5.2): the response carries one whenever the query did.
    bool cookie_valid = false;
    if (p_.cookies != nullptr && parsed == dns::QueryParse::Ok && view.edns && !view.edns->cookie.empty()) {
        std::array<std::uint8_t, dns::kCookieOptionSize> cookie{};
        cookie_valid = p_.cookies->respond(view.edns->cookie, peer, cookie);
        std::memcpy(opts.data(), cookie.data(), cookie.size());
        opts_size = cookie.size();
    }
    // Views (zones/README.md "Views"): the client address chooses, or a trusted resolver's ECS.
    zones::ViewClient client;
    bool by_client = false;
    if (p_.reader->has_views()) [[unlikely]] {
        if (auto c = zones::ViewClient::from_bytes(client_address(peer))) {  // IPv4-mapped folded to IPv4
            client = *c;
            by_client = true;
        }
    }
    if (p_.client_subnet != nullptr && parsed == dns::QueryParse::Ok && view.edns && view.edns->has_client_subnet) {
        const std::optional<dns::ClientSubnet> ecs = dns::parse_client_subnet(view.edns->client_subnet);
        if (!ecs) {
            // RFC 7871 §6: a malformed option (bad FAMILY, prefix, ADDRESS length or bits) is FORMERR.
            AnswerResult r = answer_query(*p_.reader, view, dns::QueryParse::FormErr, out, t, *p_.options);
            p_.reader->release();
            p_.stats->record(r, t, now_ns() - t0);
            return {Next::Send, rate_limited ? rate_limit(q, out, r, peer) : r.size};
        }
        // RFC 7871 §7.1.2: from a resolver we do not trust the option is ignored (and not echoed).
        if (p_.client_subnet->allows(peer)) {
            std::uint8_t scope = 0;
            // SOURCE PREFIX-LENGTH 0: the client withheld its address; the resolver's own chooses, and the
            // answer is for /0 queries only (scope 0, §7.1.2, as BIND answers).
            if (ecs->source > 0) {
                client.v6 = ecs->v6();
                client.address = ecs->address;
                by_client = true;
                // §7.2.1: SCOPE PREFIX-LENGTH — the bits of the address the choice of view depended on, in
                // the zone of the question (0 when the zone has no views: the answer is the same for all).
                if (const zones::ZoneInfo* zone = p_.reader->find_zone(view.question.qname);
                    zone != nullptr && zone->views != nullptr)
                    scope = zone->views->scope(client, zone->views->select(client));
            }
            opts_size += dns::write_client_subnet_option(*ecs, scope, std::span<std::uint8_t>(opts).subspan(opts_size));
        }
    }
    if (by_client) p_.reader->set_view_client(&client);
    AnswerResult r = answer_query(*p_.reader, view, parsed, out, t, *p_.options,
                                  std::span<const std::uint8_t>(opts.data(), opts_size));
    if (by_client) p_.reader->set_view_client(nullptr);
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
