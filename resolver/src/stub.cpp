#include "enumd/resolver/stub.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "enumd/dns/wire.hpp"

namespace enumd::resolver {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using dns::make_error;
using dns::Result;

std::string ServerAddress::to_string() const {
    if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

Result<ServerAddress> parse_server(std::string_view text) {
    std::string host(text);
    std::string port;
    if (!text.empty() && text[0] == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) return make_error("unterminated '[' in server '" + std::string(text) + "'");
        host = std::string(text.substr(1, close - 1));
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return make_error("junk after ']' in server '" + std::string(text) + "'");
            port = std::string(text.substr(close + 2));
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        auto colon = text.find(':');
        host = std::string(text.substr(0, colon));
        port = std::string(text.substr(colon + 1));
    }
    boost::system::error_code ec;
    ServerAddress s;
    s.address = asio::ip::make_address(host, ec);
    if (ec) return make_error("server '" + std::string(text) + "' is not an IP address");
    if (!port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return make_error("bad port in server '" + std::string(text) + "'");
        }
        int p = std::stoi(port);
        if (p < 1 || p > 65535) return make_error("port out of range in server '" + std::string(text) + "'");
        s.port = static_cast<std::uint16_t>(p);
    }
    return s;
}

std::vector<ServerAddress> read_resolv_conf(const std::string& path) {
    std::vector<ServerAddress> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string key, value;
        ls >> key >> value;
        if (key != "nameserver" || value.empty()) continue;
        // resolv.conf addresses may carry a scope ("fe80::1%eth0"); keep them as given.
        if (auto s = parse_server(value)) out.push_back(*s);
    }
    return out;
}

std::vector<std::uint8_t> build_query(std::uint16_t id, const dns::Name& qname, dns::RrType qtype,
                                      std::uint16_t edns_size) {
    std::vector<std::uint8_t> buf(dns::kHeaderSize + dns::kMaxNameLength + 4 + 11);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(id, dns::flags::RD);
    w.add_question(qname, qtype, 1);
    w.add_opt(edns_size, 0, 0, false);  // RFC 6891 §6.1.2
    buf.resize(w.size());
    return buf;
}

namespace {

/// SOA MINIMUM and TTL for negative caching (RFC 2308 §5).
std::optional<std::uint32_t> soa_negative_ttl(std::span<const std::uint8_t> packet, const dns::RecordView& rr) {
    std::array<std::uint8_t, 2 * dns::kMaxNameLength + 20> buf{};
    auto n = dns::decompress_rdata(packet, rr, buf);
    if (!n) return std::nullopt;
    std::span<const std::uint8_t> rd(buf.data(), *n);
    std::size_t pos = 0;
    if (!dns::Name::from_wire(rd, pos) || !dns::Name::from_wire(rd, pos)) return std::nullopt;
    if (rd.size() < pos + 20) return std::nullopt;
    std::uint32_t minimum = (static_cast<std::uint32_t>(rd[pos + 16]) << 24) | (static_cast<std::uint32_t>(rd[pos + 17]) << 16) |
                            (static_cast<std::uint32_t>(rd[pos + 18]) << 8) | rd[pos + 19];
    return std::min(minimum, rr.ttl);
}

}  // namespace

ParsedResponse parse_response(std::span<const std::uint8_t> packet, std::uint16_t id, const dns::Name& qname,
                              dns::RrType qtype) {
    ParsedResponse out;
    dns::Header h;
    if (!dns::read_header(packet, h) || !h.qr() || h.id != id || h.qdcount != 1) return out;
    dns::WireReader r(packet, dns::kHeaderSize);
    dns::Question q;
    if (!r.read_question(q) || !q.qname.equals(qname) || q.qtype != qtype || q.qclass != 1) return out;
    out.matches = true;
    out.truncated = h.has(dns::flags::TC);
    Answer& a = out.answer;
    std::vector<dns::RecordView> answers, authority, additional;
    dns::RecordView rv;
    for (std::size_t i = 0; i < h.ancount; ++i) {
        if (!r.read_record(rv)) {
            a.status = LookupStatus::Malformed;
            a.detail = "answer section does not parse";
            return out;
        }
        answers.push_back(rv);
    }
    for (std::size_t i = 0; i < h.nscount && r.read_record(rv); ++i) authority.push_back(rv);
    for (std::size_t i = 0; i < h.arcount && r.read_record(rv); ++i) additional.push_back(rv);

    auto to_rr = [&](const dns::RecordView& v) -> std::optional<Rr> {
        std::array<std::uint8_t, 65535> buf;  // NOLINT: large but on the coroutine frame only once per record
        auto n = dns::decompress_rdata(packet, v, buf);
        if (!n) return std::nullopt;
        return Rr{v.owner, v.type, v.ttl, std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n))};
    };

    // Follow the CNAME chain from the question name (at most 8 links).
    dns::Name current = qname;
    for (int hop = 0; hop < 8; ++hop) {
        bool moved = false;
        for (const auto& v : answers) {
            if (v.type == dns::RrType::CNAME && qtype != dns::RrType::CNAME && v.owner.equals(current)) {
                if (auto rr = to_rr(v); rr) {
                    std::size_t pos = 0;
                    if (auto target = dns::Name::from_wire(rr->rdata, pos)) {
                        current = *target;
                        moved = true;
                    }
                }
                break;
            }
        }
        if (!moved) break;
    }
    out.chain_end = current;
    for (const auto& v : answers) {
        if (v.type != qtype || !v.owner.equals(current)) continue;
        if (auto rr = to_rr(v)) a.records.push_back(std::move(*rr));
    }
    for (const auto& v : additional) {
        if (v.type == dns::RrType::OPT) continue;
        if (auto rr = to_rr(v)) a.additional.push_back(std::move(*rr));
    }
    for (const auto& v : authority) {
        if (v.type == dns::RrType::SOA) {
            if (auto t = soa_negative_ttl(packet, v)) a.negative_ttl = *t;
        }
    }
    switch (static_cast<dns::Rcode>(h.rcode())) {
    case dns::Rcode::NOERROR:
        a.status = a.records.empty() ? LookupStatus::NoData : LookupStatus::Ok;
        break;
    case dns::Rcode::NXDOMAIN:
        a.status = LookupStatus::NxDomain;
        break;
    default:
        a.status = LookupStatus::ServFail;
        a.detail = "rcode " + dns::to_text(static_cast<dns::Rcode>(h.rcode()));
        break;
    }
    return out;
}

// ---------------------------------------------------------------------------

StubResolver::StubResolver(StubOptions options) : opts_(std::move(options)), rng_(std::random_device{}()) {
    if (!opts_.servers.empty()) {
        servers_ = opts_.servers;
        source_ = "explicit";
    } else {
        servers_ = read_resolv_conf(opts_.resolv_conf);
        source_ = opts_.resolv_conf;
    }
    if (opts_.log) opts_.log("resolver: DNS servers " + describe_servers());
}

std::string StubResolver::describe_servers() const {
    std::string s;
    for (const auto& sv : servers_) s += (s.empty() ? "" : ", ") + sv.to_string();
    if (s.empty()) s = "none";
    return s + " (" + source_ + ")";
}

std::uint16_t StubResolver::random_u16() {
    std::lock_guard lock(mu_);
    return static_cast<std::uint16_t>(rng_());
}

std::optional<Answer> StubResolver::cache_get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        ++stats_.misses;
        return std::nullopt;
    }
    auto now = std::chrono::steady_clock::now();
    if (it->second.expires <= now) {
        cache_.erase(it);
        ++stats_.misses;
        return std::nullopt;
    }
    ++stats_.hits;
    Answer a = it->second.answer;
    a.from_cache = true;
    // Hand out the remaining TTL, not the original one.
    auto left = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - now).count());
    for (auto& rr : a.records) rr.ttl = std::min(rr.ttl, left);
    return a;
}

void StubResolver::cache_put(const std::string& key, const Answer& a) {
    std::uint32_t ttl = 0;
    if (a.status == LookupStatus::Ok) {
        ttl = UINT32_MAX;
        for (const auto& rr : a.records) ttl = std::min(ttl, rr.ttl);
    } else if (a.status == LookupStatus::NxDomain || a.status == LookupStatus::NoData) {
        ttl = a.negative_ttl;  // RFC 2308 §5: no SOA, no negative caching
    }
    ttl = std::min(ttl, opts_.cache_max_ttl);
    if (ttl == 0) return;
    std::lock_guard lock(mu_);
    if (cache_.size() >= opts_.cache_max_entries) {
        // Evict expired entries first, then the one expiring soonest.
        auto now = std::chrono::steady_clock::now();
        std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
        if (cache_.size() >= opts_.cache_max_entries) {
            auto victim = std::min_element(cache_.begin(), cache_.end(), [](const auto& x, const auto& y) {
                return x.second.expires < y.second.expires;
            });
            cache_.erase(victim);
        }
    }
    cache_[key] = Entry{a, std::chrono::steady_clock::now() + std::chrono::seconds(ttl)};
}

StubResolver::CacheStats StubResolver::cache_stats() const {
    std::lock_guard lock(mu_);
    CacheStats s = stats_;
    s.entries = cache_.size();
    return s;
}

void StubResolver::clear_cache() {
    std::lock_guard lock(mu_);
    cache_.clear();
}

namespace {

enum class Exchange { Answered, Timeout, NetworkError };

/// One UDP try: send from a random source port, wait until `timeout` for a
/// packet from `server` that answers this query; others are ignored.
asio::awaitable<Exchange> udp_exchange(const ServerAddress& server, const std::vector<std::uint8_t>& query,
                                       std::uint16_t id, const dns::Name& qname, dns::RrType qtype,
                                       std::chrono::milliseconds timeout, std::uint16_t port_seed,
                                       ParsedResponse& out) {
    auto ex = co_await asio::this_coro::executor;
    udp::endpoint peer(server.address, server.port);
    auto sock = std::make_shared<udp::socket>(ex);
    boost::system::error_code ec;
    sock->open(peer.protocol(), ec);
    if (ec) co_return Exchange::NetworkError;
    // Random source port (RFC 5452 §9.2); on collision try the next few.
    bool bound = false;
    for (int i = 0; i < 16 && !bound; ++i) {
        auto port = static_cast<std::uint16_t>(1024 + (port_seed + i * 7919) % (65536 - 1024));
        sock->bind(udp::endpoint(peer.protocol() == udp::v4() ? udp::endpoint(asio::ip::address_v4::any(), port)
                                                               : udp::endpoint(asio::ip::address_v6::any(), port)),
                   ec);
        bound = !ec;
    }
    if (!bound) {
        sock->bind(udp::endpoint(peer.protocol(), 0), ec);
        if (ec) co_return Exchange::NetworkError;
    }
    co_await sock->async_send_to(asio::buffer(query), peer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Exchange::NetworkError;

    // No awaitable operators in Boost 1.74: a timer that closes the wait.
    auto timer = std::make_shared<asio::steady_timer>(ex, timeout);
    auto expired = std::make_shared<bool>(false);
    timer->async_wait([sock, expired](const boost::system::error_code& tec) {
        if (!tec) {
            *expired = true;
            boost::system::error_code ignore;
            sock->cancel(ignore);
        }
    });
    std::vector<std::uint8_t> buf(65535);
    for (;;) {
        udp::endpoint from;
        std::size_t n = co_await sock->async_receive_from(asio::buffer(buf), from,
                                                          asio::redirect_error(asio::use_awaitable, ec));
        if (*expired || ec == asio::error::operation_aborted) co_return Exchange::Timeout;
        if (ec) {
            // ICMP port unreachable shows as connection_refused on Linux.
            timer->cancel();
            co_return Exchange::NetworkError;
        }
        if (from != peer) continue;  // not from the server we asked: ignore (RFC 5452 §9.1)
        auto parsed = parse_response(std::span<const std::uint8_t>(buf.data(), n), id, qname, qtype);
        if (!parsed.matches) continue;  // wrong ID or question: keep waiting
        timer->cancel();
        out = std::move(parsed);
        co_return Exchange::Answered;
    }
}

/// One TCP try (RFC 7766), after a truncated UDP answer.
asio::awaitable<Exchange> tcp_exchange(const ServerAddress& server, const std::vector<std::uint8_t>& query,
                                       std::uint16_t id, const dns::Name& qname, dns::RrType qtype,
                                       std::chrono::milliseconds timeout, ParsedResponse& out) {
    auto ex = co_await asio::this_coro::executor;
    auto sock = std::make_shared<tcp::socket>(ex);
    auto timer = std::make_shared<asio::steady_timer>(ex, timeout);
    auto expired = std::make_shared<bool>(false);
    timer->async_wait([sock, expired](const boost::system::error_code& tec) {
        if (!tec) {
            *expired = true;
            boost::system::error_code ignore;
            sock->close(ignore);
        }
    });
    boost::system::error_code ec;
    co_await sock->async_connect(tcp::endpoint(server.address, server.port), asio::redirect_error(asio::use_awaitable, ec));
    std::vector<std::uint8_t> framed;
    if (!ec) {
        // RFC 7766 §8: two-octet length prefix.
        framed.resize(query.size() + 2);
        framed[0] = static_cast<std::uint8_t>(query.size() >> 8);
        framed[1] = static_cast<std::uint8_t>(query.size());
        std::copy(query.begin(), query.end(), framed.begin() + 2);
        co_await asio::async_write(*sock, asio::buffer(framed), asio::redirect_error(asio::use_awaitable, ec));
    }
    std::array<std::uint8_t, 2> len{};
    if (!ec) co_await asio::async_read(*sock, asio::buffer(len), asio::redirect_error(asio::use_awaitable, ec));
    std::vector<std::uint8_t> body;
    if (!ec) {
        body.resize(static_cast<std::size_t>(len[0] << 8 | len[1]));
        co_await asio::async_read(*sock, asio::buffer(body), asio::redirect_error(asio::use_awaitable, ec));
    }
    timer->cancel();
    if (*expired) co_return Exchange::Timeout;
    if (ec) co_return Exchange::NetworkError;
    auto parsed = parse_response(body, id, qname, qtype);
    if (!parsed.matches) co_return Exchange::NetworkError;
    out = std::move(parsed);
    co_return Exchange::Answered;
}

}  // namespace

asio::awaitable<Answer> StubResolver::query(dns::Name qname, dns::RrType qtype) {
    // An authoritative server answers a CNAME into another zone with the
    // CNAME alone: chase it ourselves (at most 8 links, like the answer parser).
    dns::Name name = qname;
    Answer a;
    for (int hop = 0; hop < 8; ++hop) {
        dns::Name end = name;
        a = co_await query_once(name, qtype, end);
        if (a.status != LookupStatus::NoData || end.equals(name)) break;
        if (opts_.log) opts_.log("resolver: " + name.to_text() + " is a CNAME for " + end.to_text() + ", following");
        name = end;
    }
    co_return a;
}

asio::awaitable<Answer> StubResolver::query_once(dns::Name qname, dns::RrType qtype, dns::Name& chain_end) {
    std::string key = qname.lowercased().to_text() + "/" + dns::to_text(qtype);
    if (opts_.cache) {
        if (auto hit = cache_get(key)) co_return *hit;
    }
    Answer last;
    last.status = LookupStatus::Timeout;
    last.detail = servers_.empty() ? "no DNS servers configured" : "no answer";
    bool any_failure_answer = false;
    for (unsigned attempt = 0; attempt < std::max(1U, opts_.attempts); ++attempt) {
        for (const auto& server : servers_) {
            std::uint16_t id = random_u16();  // RFC 5452 §9.2: unpredictable IDs
            auto query = build_query(id, qname, qtype, opts_.edns_size);
            ParsedResponse resp;
            auto outcome = co_await udp_exchange(server, query, id, qname, qtype, opts_.timeout, random_u16(), resp);
            if (outcome == Exchange::Answered && resp.truncated) {
                if (opts_.log) opts_.log("resolver: " + qname.to_text() + " truncated over UDP from " + server.to_string() + ", retrying over TCP");
                ParsedResponse tcp_resp;
                auto t = co_await tcp_exchange(server, query, id, qname, qtype, opts_.timeout, tcp_resp);
                if (t == Exchange::Answered) {
                    resp = std::move(tcp_resp);
                } else {
                    outcome = t;
                }
            }
            if (outcome != Exchange::Answered) {
                if (opts_.log) {
                    opts_.log("resolver: " + qname.to_text() + " " + dns::to_text(qtype) + " via " + server.to_string() +
                              (outcome == Exchange::Timeout ? ": timeout" : ": network error") + ", trying next");
                }
                if (!any_failure_answer) {
                    last.status = LookupStatus::Timeout;
                    last.server = server.to_string();
                }
                continue;
            }
            resp.answer.server = server.to_string();
            if (resp.answer.status == LookupStatus::ServFail || resp.answer.status == LookupStatus::Malformed) {
                // Another server may do better; remember this one's answer.
                last = resp.answer;
                any_failure_answer = true;
                if (opts_.log) opts_.log("resolver: " + server.to_string() + " answered " + resp.answer.detail + ", trying next");
                continue;
            }
            chain_end = resp.chain_end;
            // A CNAME whose target lies outside the answer is not cached here
            // (the chase above caches the target's answer).
            if (opts_.cache && resp.chain_end.equals(qname)) cache_put(key, resp.answer);
            co_return resp.answer;
        }
    }
    co_return last;
}

namespace {

/// Runs `aw` to completion on this thread. The io_context is kept per
/// thread: creating one (an epoll instance, an eventfd) costs more than a
/// cached lookup. Not for use from inside a handler of that same context.
template <typename T>
T run_blocking(asio::awaitable<T> aw) {
    thread_local asio::io_context io;
    io.restart();
    auto fut = asio::co_spawn(io, std::move(aw), asio::use_future);
    io.run();
    return fut.get();
}

}  // namespace

Answer StubResolver::query_blocking(const dns::Name& qname, dns::RrType qtype) {
    return run_blocking(query(qname, qtype));
}

EnumResult StubResolver::enum_lookup_blocking(const std::string& number, const EnumOptions& options) {
    return run_blocking(enum_lookup(*this, number, options));
}

SipLocateResult StubResolver::locate_sip_blocking(const std::string& uri, const SipLocateOptions& options) {
    return run_blocking(locate_sip_server(*this, uri, options));
}

SnaptrResult StubResolver::snaptr_blocking(const dns::Name& domain, const SnaptrOptions& options) {
    return run_blocking(snaptr_resolve(*this, domain, options));
}

}  // namespace enumd::resolver
