#include "enumd/resolver/exchange.hpp"

#include <sys/random.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>

namespace enumd::resolver {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using dns::make_error;

std::string ServerAddress::to_string() const {
    if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

dns::Result<ServerAddress> parse_server(std::string_view text) {
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

void random_bytes(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // Only before the kernel pool is initialised or on ENOSYS: never use a guessable ID instead.
            throw std::runtime_error("getrandom failed");
        }
        done += static_cast<std::size_t>(n);
    }
}

std::uint16_t random_u16() {
    std::array<std::uint8_t, 2> b{};
    random_bytes(b);
    return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

dns::Name randomize_case(const dns::Name& name) {
    std::array<std::uint8_t, dns::kMaxNameLength> wire{};
    auto src = name.wire();
    std::copy(src.begin(), src.end(), wire.begin());
    std::array<std::uint8_t, dns::kMaxNameLength / 8 + 1> bits{};
    random_bytes(bits);
    // Length octets are never letters (labels are at most 63 octets < 'A').
    for (std::size_t i = 0; i < src.size(); ++i) {
        std::uint8_t c = wire[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter) continue;
        bool upper = ((bits[i / 8] >> (i % 8)) & 1) != 0;
        wire[i] = static_cast<std::uint8_t>(upper ? (c & ~0x20) : (c | 0x20));
    }
    auto out = dns::Name::from_uncompressed(std::span<const std::uint8_t>(wire.data(), src.size()));
    return out ? *out : name;
}

const char* to_string(Outcome o) noexcept {
    switch (o) {
    case Outcome::Answered: return "answered";
    case Outcome::Timeout: return "timeout";
    case Outcome::NetworkError: return "network error";
    }
    return "?";
}

std::uint8_t Reply::rcode() const noexcept {
    dns::Header h;
    if (!answered() || !dns::read_header(message, h)) return 0;
    return h.rcode();
}

std::vector<std::uint8_t> build_request(std::uint16_t id, const Request& request, bool with_edns) {
    std::size_t size = dns::kHeaderSize + dns::kMaxNameLength + 4 + dns::kOptRecordSize;
    for (const auto& r : request.records) size += r.owner.wire_size() + dns::kRecordFixedSize + r.rdata.size();
    std::vector<std::uint8_t> buf(size);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(id, request.flags);
    w.add_question(request.qname, request.qtype, request.qclass);
    for (const auto& r : request.records) w.add_record(r.section, r.owner, r.type, 1, r.ttl, r.rdata);
    if (with_edns && request.edns_size) w.add_opt(*request.edns_size, 0, 0, false);  // RFC 6891 §6.1.2
    buf.resize(w.size());
    if (request.sign) request.sign(buf);
    return buf;
}

namespace {

/// The question section of a message (the octets after the header up to the
/// end of the one question), or empty when there is not exactly one.
std::span<const std::uint8_t> question_octets(std::span<const std::uint8_t> msg, const dns::Header& h) noexcept {
    if (h.qdcount != 1) return {};
    dns::WireReader r(msg, dns::kHeaderSize);
    dns::Question q;
    if (!r.read_question(q)) return {};
    return msg.subspan(dns::kHeaderSize, r.position() - dns::kHeaderSize);
}

/// Later messages of a transfer: same ID, QR, and the question if present.
bool continues(std::span<const std::uint8_t> response, std::span<const std::uint8_t> query, bool exact_case) noexcept {
    dns::Header h, qh;
    if (!dns::read_header(response, h) || !dns::read_header(query, qh)) return false;
    if (!h.qr() || h.id != qh.id) return false;
    return h.qdcount == 0 || answers(response, query, exact_case);
}

/// Closes the socket when the deadline passes; re-arming moves the deadline.
template <typename Socket>
class Watchdog {
public:
    Watchdog(asio::any_io_executor ex, std::shared_ptr<Socket> sock)
        : timer_(std::make_shared<asio::steady_timer>(std::move(ex))), sock_(std::move(sock)) {}
    ~Watchdog() { timer_->cancel(); }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void arm(std::chrono::milliseconds after) {
        timer_->expires_after(after);
        // A handler already queued for an older deadline sees a later expiry and does nothing.
        timer_->async_wait([t = timer_, s = sock_, f = fired_](const boost::system::error_code& ec) {
            if (ec || t->expiry() > asio::steady_timer::clock_type::now()) return;
            *f = true;
            boost::system::error_code ignored;
            s->close(ignored);
        });
    }
    [[nodiscard]] bool fired() const noexcept { return *fired_; }

private:
    std::shared_ptr<asio::steady_timer> timer_;
    std::shared_ptr<Socket> sock_;
    std::shared_ptr<bool> fired_ = std::make_shared<bool>(false);
};

Reply failed(Outcome o, std::string detail) {
    Reply r;
    r.outcome = o;
    r.detail = std::move(detail);
    return r;
}

/// One UDP try from a connected socket on a random source port.
asio::awaitable<Reply> udp_try(const ServerAddress& server, const std::vector<std::uint8_t>& query,
                               const Request& request) {
    auto ex = co_await asio::this_coro::executor;
    udp::endpoint peer(server.address, server.port);
    auto sock = std::make_shared<udp::socket>(ex);
    boost::system::error_code ec;
    sock->open(peer.protocol(), ec);
    if (ec) co_return failed(Outcome::NetworkError, "socket: " + ec.message());
    // Random source port (RFC 5452 §9.2); on collision draw again, then let the kernel choose.
    bool bound = false;
    for (int i = 0; i < 16 && !bound; ++i) {
        auto port = static_cast<std::uint16_t>(1024 + random_u16() % (65536 - 1024));
        sock->bind(udp::endpoint(peer.protocol(), port), ec);
        bound = !ec;
    }
    if (!bound) {
        sock->bind(udp::endpoint(peer.protocol(), 0), ec);
        if (ec) co_return failed(Outcome::NetworkError, "bind: " + ec.message());
    }
    // Connected: the kernel delivers only datagrams from the server (RFC 5452 §9.1).
    sock->connect(peer, ec);
    if (ec) co_return failed(Outcome::NetworkError, "connect: " + ec.message());
    Watchdog<udp::socket> dog(ex, sock);
    dog.arm(request.timeout);
    co_await sock->async_send(asio::buffer(query), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return failed(dog.fired() ? Outcome::Timeout : Outcome::NetworkError, "send: " + ec.message());
    std::vector<std::uint8_t> buf(dns::kMaxMessage);
    for (;;) {
        std::size_t n = co_await sock->async_receive(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (dog.fired()) co_return failed(Outcome::Timeout, "no answer");
        // ICMP port unreachable shows as connection_refused on a connected socket.
        if (ec) co_return failed(Outcome::NetworkError, ec.message());
        std::span<const std::uint8_t> got(buf.data(), n);
        if (!answers(got, query, request.exact_case)) continue;  // a wrong ID or question: keep waiting (RFC 5452 §9.1)
        Reply r;
        r.outcome = Outcome::Answered;
        r.message.assign(got.begin(), got.end());
        co_return r;
    }
}

/// TCP (RFC 7766 §8: two-octet length prefix): the query, then messages to
/// `on_message` until it returns false. Each step has `timeout`.
asio::awaitable<Reply> tcp_session(const ServerAddress& server, const std::vector<std::uint8_t>& query,
                                   const Request& request, const StreamHandler& on_message) {
    const auto timeout = request.timeout;
    auto ex = co_await asio::this_coro::executor;
    auto sock = std::make_shared<tcp::socket>(ex);
    Watchdog<tcp::socket> dog(ex, sock);
    boost::system::error_code ec;
    auto broken = [&](const char* step) {
        return failed(dog.fired() ? Outcome::Timeout : Outcome::NetworkError,
                      std::string(step) + (dog.fired() ? ": timed out" : ": " + ec.message()));
    };
    dog.arm(timeout);
    co_await sock->async_connect(tcp::endpoint(server.address, server.port), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || dog.fired()) co_return broken("connect");
    std::vector<std::uint8_t> framed(query.size() + 2);
    framed[0] = static_cast<std::uint8_t>(query.size() >> 8);
    framed[1] = static_cast<std::uint8_t>(query.size());
    std::copy(query.begin(), query.end(), framed.begin() + 2);
    dog.arm(timeout);
    co_await asio::async_write(*sock, asio::buffer(framed), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || dog.fired()) co_return broken("send");
    std::vector<std::uint8_t> body;
    for (bool first = true;; first = false) {
        std::array<std::uint8_t, 2> len{};
        dog.arm(timeout);
        co_await asio::async_read(*sock, asio::buffer(len), asio::redirect_error(asio::use_awaitable, ec));
        if (ec || dog.fired()) co_return broken(first ? "receive" : "transfer interrupted");
        body.resize(static_cast<std::size_t>(len[0] << 8 | len[1]));
        co_await asio::async_read(*sock, asio::buffer(body), asio::redirect_error(asio::use_awaitable, ec));
        if (ec || dog.fired()) co_return broken("transfer interrupted mid-message");
        if (first ? !answers(body, query, request.exact_case) : !continues(body, query, request.exact_case)) {
            co_return failed(Outcome::NetworkError, "a TCP message that does not answer the query");
        }
        if (!on_message(body)) break;
    }
    Reply r;
    r.outcome = Outcome::Answered;
    r.over_tcp = true;
    r.message = std::move(body);
    co_return r;
}

/// One query with a fresh ID: UDP with TC → TCP, or TCP only.
asio::awaitable<Reply> one_try(const ServerAddress& server, const Request& request, bool with_edns) {
    auto query = build_request(random_u16(), request, with_edns);
    auto single = [](std::span<const std::uint8_t>) { return false; };
    if (request.tcp_only) co_return co_await tcp_session(server, query, request, single);
    Reply r = co_await udp_try(server, query, request);
    dns::Header h;
    if (r.answered() && request.tcp_on_truncation && dns::read_header(r.message, h) && h.has(dns::flags::TC)) {
        // RFC 7766 §5: the same question over TCP.
        co_return co_await tcp_session(server, query, request, single);
    }
    co_return r;
}

}  // namespace

bool answers(std::span<const std::uint8_t> response, std::span<const std::uint8_t> query, bool exact_case) noexcept {
    dns::Header h, qh;
    if (!dns::read_header(response, h) || !dns::read_header(query, qh)) return false;
    if (!h.qr() || h.id != qh.id || h.opcode() != qh.opcode()) return false;
    auto asked = question_octets(query, qh);
    auto got = question_octets(response, h);
    if (asked.empty() || got.size() != asked.size()) return false;
    if (exact_case) return std::equal(asked.begin(), asked.end(), got.begin());
    // RFC 4343: names compare without case; type and class octet for octet.
    dns::WireReader ra(query, dns::kHeaderSize), rg(response, dns::kHeaderSize);
    dns::Question qa, qg;
    return ra.read_question(qa) && rg.read_question(qg) && qa.qname == qg.qname && qa.qtype == qg.qtype &&
           qa.qclass == qg.qclass;
}

asio::awaitable<Reply> NetExchanger::exchange(ServerAddress server, Request request) {
    const bool edns = request.edns_size.has_value();
    Reply r = co_await one_try(server, request, edns);
    const auto rc = static_cast<dns::Rcode>(r.rcode());
    if (edns && request.edns_fallback && r.answered() && (rc == dns::Rcode::FORMERR || rc == dns::Rcode::NOTIMP)) {
        // RFC 6891 §7: a server that does not understand OPT; ask without it.
        r = co_await one_try(server, request, false);
        r.without_edns = true;
    }
    co_return r;
}

asio::awaitable<Reply> NetExchanger::stream(ServerAddress server, Request request, StreamHandler on_message) {
    auto query = build_request(random_u16(), request, request.edns_size.has_value());
    co_return co_await tcp_session(server, query, request, on_message);
}

std::shared_ptr<Exchanger> NetExchanger::shared() {
    static const std::shared_ptr<Exchanger> net = std::make_shared<NetExchanger>();
    return net;
}

}  // namespace enumd::resolver
