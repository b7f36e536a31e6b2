#include "enumd/server/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <csignal>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "enumd/server/log.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using asio::ip::udp;

bool to_sockaddr(const Endpoint& ep, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    if (inet_pton(AF_INET, ep.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(ep.port);
        len = sizeof(sockaddr_in);
        return true;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET6, ep.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(ep.port);
        len = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

std::string Endpoint::to_text() const {
    return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

namespace {

constexpr std::size_t kBatch = 32;        // datagrams per recvmmsg/sendmmsg
constexpr std::size_t kMaxUdpIn = 4096;    // larger queries are not DNS queries we answer
constexpr std::size_t kMaxUdpOut = 4096;   // our EDNS buffer is capped at this
constexpr int kDrainRounds = 16;           // batches per wake-up before yielding to other work
/// handle() result: the query went to the recursor, which answers later.
constexpr std::size_t kRecursing = static_cast<std::size_t>(-1);

std::string peer_address(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    }
    return buf;
}

std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

/// SERVFAIL for a query we could not answer (database unreadable).
std::size_t servfail(std::span<const std::uint8_t> q, std::span<std::uint8_t> out) noexcept {
    dns::Header h;
    if (!dns::read_header(q, h) || h.qr()) return 0;
    dns::MessageWriter w(out, 512);
    w.set_header(h.id, static_cast<std::uint16_t>(dns::flags::QR | (h.flags & (0x7800 | dns::flags::RD)) | 2));
    return w.size();
}

struct Worker;

class UdpListener {
public:
    UdpListener(Worker& w, const Endpoint& ep);
    void arm();

private:
    void drain() noexcept;
    Worker& worker_;
    udp::socket sock_;
    std::array<mmsghdr, kBatch> in_{};
    std::array<mmsghdr, kBatch> out_{};
    std::array<iovec, kBatch> in_iov_{};
    std::array<iovec, kBatch> out_iov_{};
    std::array<sockaddr_storage, kBatch> peers_{};
    std::vector<std::uint8_t> inbuf_;
    std::vector<std::uint8_t> outbuf_;
};

struct Worker {
    asio::io_context io{1};
    std::unique_ptr<zones::Reader> reader;
    ThreadStats* stats = nullptr;
    const AnswerOptions* options = nullptr;
    const Acl* acl = nullptr;
    xfr::Service* xfr = nullptr;
    Recursor* recursor = nullptr;  ///< null when recursion is off
    std::vector<std::unique_ptr<UdpListener>> udp;
    std::thread thread;

    /// One query through the pipeline, any transport. Never throws.
    std::size_t handle(std::span<const std::uint8_t> q, std::span<std::uint8_t> out, Transport t,
                       const sockaddr* peer) noexcept {
        std::uint64_t t0 = now_ns();
        AnswerResult r;
        // Transfers and NOTIFY have their own access control (xfr.hpp).
        if (xfr != nullptr && xfr::classify(q) != xfr::Kind::None) {
            if (auto n = xfr->handle_datagram(q, out, peer, t, *options)) return *n;
        }
        if (!acl->allows(peer)) {
            r = refuse_query(q, out, t, *options);
            stats->record(r, t, now_ns() - t0);
            return r.size;
        }
        if (!reader->refresh()) {
            stats->servfail_internal.fetch_add(1, std::memory_order_relaxed);
            return servfail(q, out);
        }
        r = answer_query(*reader, q, out, t, *options);
        reader->release();
        // Local zones always win; the rest goes to the recursor for clients in
        // its ACL (never an open resolver). RA only where recursion is offered.
        bool may_recurse = recursor != nullptr && recursor->config().allow.allows(peer);
        if (r.not_ours && may_recurse) return kRecursing;
        if (may_recurse && r.size >= 4) out[3] = static_cast<std::uint8_t>(out[3] | 0x80);
        stats->record(r, t, now_ns() - t0);
        return r.size;
    }
};

UdpListener::UdpListener(Worker& w, const Endpoint& ep)
    : worker_(w), sock_(w.io), inbuf_(kBatch * kMaxUdpIn), outbuf_(kBatch * kMaxUdpOut) {
    auto addr = asio::ip::make_address(ep.address);
    udp::endpoint endpoint(addr, ep.port);
    sock_.open(endpoint.protocol());
    int one = 1;
    // One socket per thread on the same address: the kernel spreads queries.
    if (::setsockopt(sock_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
        throw std::runtime_error("SO_REUSEPORT: " + std::string(std::strerror(errno)));
    if (addr.is_v6()) sock_.set_option(asio::ip::v6_only(true));
    boost::system::error_code ec;
    sock_.bind(endpoint, ec);
    if (ec) throw std::runtime_error("cannot listen on udp " + ep.to_text() + ": " + ec.message());
    sock_.non_blocking(true);
}

void UdpListener::arm() {
    sock_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
        if (ec) return;
        drain();
        arm();
    });
}

void UdpListener::drain() noexcept {
    const int fd = sock_.native_handle();
    for (int round = 0; round < kDrainRounds; ++round) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            in_iov_[i] = {inbuf_.data() + i * kMaxUdpIn, kMaxUdpIn};
            in_[i].msg_hdr = {};
            in_[i].msg_hdr.msg_name = &peers_[i];
            in_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            in_[i].msg_hdr.msg_iov = &in_iov_[i];
            in_[i].msg_hdr.msg_iovlen = 1;
        }
        int n = ::recvmmsg(fd, in_.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0) return;
        std::size_t k = 0;
        for (int i = 0; i < n; ++i) {
            auto idx = static_cast<std::size_t>(i);
            if ((in_[idx].msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;  // oversize: not a query we answer
            std::span<const std::uint8_t> q(inbuf_.data() + idx * kMaxUdpIn, in_[idx].msg_len);
            std::span<std::uint8_t> out(outbuf_.data() + idx * kMaxUdpOut, kMaxUdpOut);
            const auto* peer = reinterpret_cast<const sockaddr*>(&peers_[idx]);
            std::size_t size = worker_.handle(q, out, Transport::Udp, peer);
            if (size == kRecursing) {
                // The recursor replies from its own thread with sendto on this socket.
                sockaddr_storage to = peers_[idx];
                socklen_t tolen = in_[idx].msg_hdr.msg_namelen;
                worker_.recursor->submit(std::vector<std::uint8_t>(q.begin(), q.end()), peer_address(peer),
                                         worker_.options->edns_buffer,
                                         [fd, to, tolen](std::vector<std::uint8_t> resp) {
                                             if (resp.empty()) return;
                                             ::sendto(fd, resp.data(), resp.size(), MSG_DONTWAIT,
                                                      reinterpret_cast<const sockaddr*>(&to), tolen);
                                         });
                continue;
            }
            if (size == 0) continue;
            out_iov_[k] = {out.data(), size};
            out_[k].msg_hdr = {};
            out_[k].msg_hdr.msg_name = &peers_[idx];
            out_[k].msg_hdr.msg_namelen = in_[idx].msg_hdr.msg_namelen;
            out_[k].msg_hdr.msg_iov = &out_iov_[k];
            out_[k].msg_hdr.msg_iovlen = 1;
            ++k;
        }
        std::size_t sent = 0;
        while (sent < k) {
            int s = ::sendmmsg(fd, out_.data() + sent, static_cast<unsigned>(k - sent), MSG_DONTWAIT);
            if (s <= 0) {
                if (s < 0 && errno == EINTR) continue;
                // Socket buffer full or peer error: drop the rest (UDP), the client retries.
                if (s < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ++sent;  // skip the failing one
                else break;
                continue;
            }
            sent += static_cast<std::size_t>(s);
        }
        if (static_cast<std::size_t>(n) < kBatch) return;
    }
}

/// Per-connection state shared with the idle timer's handler.
struct TcpConn {
    TcpConn(tcp::socket s, Worker& w) : sock(std::move(s)), timer(w.io), worker(w) {}
    tcp::socket sock;
    asio::steady_timer timer;
    Worker& worker;
    std::string client;
    tcp::endpoint peer;
    std::vector<std::uint8_t> in = std::vector<std::uint8_t>(65535);
    std::vector<std::uint8_t> out = std::vector<std::uint8_t>(65537);
};

}  // namespace

struct Server::Impl {
    ServerConfig cfg;
    zones::Store& store;
    ReloadFn reload_fn;
    Stats& stats;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    asio::io_context admin{1};
    std::thread admin_thread;
    std::unique_ptr<tcp::acceptor> http;
    std::unique_ptr<asio::local::stream_protocol::acceptor> control;
    std::unique_ptr<zones::Reader> admin_reader;
    std::unique_ptr<Recursor> recursor;
    std::mutex reload_mutex;
    std::mutex clients_mutex;
    std::unordered_map<std::string, unsigned> clients;
    std::atomic<unsigned> connections{0};
    std::atomic<std::size_t> next_worker{0};
    bool running = false;

    Impl(ServerConfig c, zones::Store& s, ReloadFn fn, Stats& st)
        : cfg(std::move(c)), store(s), reload_fn(std::move(fn)), stats(st) {}

    awaitable<void> accept_loop(tcp::acceptor& acc);
    awaitable<void> session(std::shared_ptr<TcpConn> c);
    awaitable<void> http_loop();
    awaitable<void> control_loop();
    std::string reload();
    std::string zones_text();
};

awaitable<void> Server::Impl::accept_loop(tcp::acceptor& acc) {
    for (;;) {
        Worker& w = *workers[next_worker.fetch_add(1, std::memory_order_relaxed) % workers.size()];
        boost::system::error_code ec;
        tcp::socket s = co_await acc.async_accept(w.io, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        std::string client = s.remote_endpoint(ec).address().to_string();
        if (ec) continue;
        bool allowed = connections.load() < cfg.tcp.max_connections;
        if (allowed) {
            std::lock_guard<std::mutex> lock(clients_mutex);
            unsigned& n = clients[client];
            allowed = n < cfg.tcp.max_per_client;
            if (allowed) ++n;
        }
        if (!allowed) {
            stats.tcp_refused.fetch_add(1, std::memory_order_relaxed);
            s.close(ec);
            continue;
        }
        connections.fetch_add(1);
        stats.tcp_connections.fetch_add(1, std::memory_order_relaxed);
        auto conn = std::make_shared<TcpConn>(std::move(s), w);
        conn->client = client;
        conn->peer = conn->sock.remote_endpoint(ec);
        asio::co_spawn(w.io, session(conn), asio::detached);
    }
}

awaitable<void> Server::Impl::session(std::shared_ptr<TcpConn> c) {
    boost::system::error_code ec;
    for (;;) {
        // RFC 7766 §6.2.3: an idle connection is closed after a short timeout.
        c->timer.expires_after(cfg.tcp.idle_timeout);
        c->timer.async_wait([c](const boost::system::error_code& e) {
            if (!e) {
                boost::system::error_code ignored;
                c->sock.close(ignored);
            }
        });
        std::array<std::uint8_t, 2> len{};
        co_await asio::async_read(c->sock, asio::buffer(len), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        std::size_t n = static_cast<std::size_t>((len[0] << 8) | len[1]);
        if (n == 0) break;
        co_await asio::async_read(c->sock, asio::buffer(c->in.data(), n), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        c->timer.cancel();
        if (auto kind = cfg.xfr != nullptr ? xfr::classify({c->in.data(), n}) : xfr::Kind::None;
            kind == xfr::Kind::Axfr || kind == xfr::Kind::Ixfr) {
            // A transfer streams message by message; the worker serves others between writes.
            std::unique_ptr<xfr::Stream> stream = cfg.xfr->start_transfer({c->in.data(), n}, c->peer.data());
            std::size_t m = 0;
            while (stream && !ec && (m = stream->next({c->out.data() + 2, 65535})) != 0) {
                c->out[0] = static_cast<std::uint8_t>(m >> 8);
                c->out[1] = static_cast<std::uint8_t>(m);
                // A reader that stops reading is cut off: it would pin the LMDB snapshot.
                c->timer.expires_after(std::max<std::chrono::milliseconds>(cfg.tcp.idle_timeout, std::chrono::seconds(30)));
                c->timer.async_wait([c](const boost::system::error_code& e) {
                    if (!e) {
                        boost::system::error_code ignored;
                        c->sock.close(ignored);
                    }
                });
                co_await asio::async_write(c->sock, asio::buffer(c->out.data(), m + 2),
                                           asio::redirect_error(use_awaitable, ec));
                c->timer.cancel();
            }
            if (ec) break;
            continue;
        }
        std::size_t size =
            c->worker.handle({c->in.data(), n}, {c->out.data() + 2, 65535}, Transport::Tcp, c->peer.data());
        if (size == kRecursing) {
            // Wait on a timer that the recursor's reply cancels (posted to this worker).
            struct Pending {
                explicit Pending(asio::io_context& io) : timer(io) {}
                asio::steady_timer timer;
                std::vector<std::uint8_t> response;
                bool done = false;
            };
            auto pending = std::make_shared<Pending>(c->worker.io);
            pending->timer.expires_after(std::chrono::hours(1));
            asio::io_context* io = &c->worker.io;
            c->worker.recursor->submit(std::vector<std::uint8_t>(c->in.begin(), c->in.begin() + static_cast<std::ptrdiff_t>(n)),
                                       c->client, 65535, [pending, io](std::vector<std::uint8_t> resp) {
                                           asio::post(*io, [pending, r = std::move(resp)]() mutable {
                                               pending->response = std::move(r);
                                               pending->done = true;
                                               pending->timer.cancel();
                                           });
                                       });
            if (!pending->done) co_await pending->timer.async_wait(asio::redirect_error(use_awaitable, ec));
            if (pending->response.empty()) continue;
            size = pending->response.size();
            std::memcpy(c->out.data() + 2, pending->response.data(), size);
        }
        if (size == 0) continue;
        c->out[0] = static_cast<std::uint8_t>(size >> 8);
        c->out[1] = static_cast<std::uint8_t>(size);
        co_await asio::async_write(c->sock, asio::buffer(c->out.data(), size + 2),
                                   asio::redirect_error(use_awaitable, ec));
        if (ec) break;
    }
    c->timer.cancel();
    c->sock.close(ec);
    connections.fetch_sub(1);
    std::lock_guard<std::mutex> lock(clients_mutex);
    auto it = clients.find(c->client);
    if (it != clients.end() && --it->second == 0) clients.erase(it);
}

awaitable<void> Server::Impl::http_loop() {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket s = co_await http->async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        asio::streambuf buf(8192);
        co_await asio::async_read_until(s, buf, "\r\n\r\n", asio::redirect_error(use_awaitable, ec));
        if (ec) continue;
        std::istream is(&buf);
        std::string method;
        std::string path;
        is >> method >> path;
        std::string body;
        std::string status = "200 OK";
        if (method == "GET" && (path == "/metrics" || path == "/")) {
            body = stats.prometheus() + (recursor ? recursor->prometheus() : std::string());
        } else {
            status = "404 Not Found";
            body = "not found\n";
        }
        std::string resp = "HTTP/1.1 " + status +
                           "\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
        co_await asio::async_write(s, asio::buffer(resp), asio::redirect_error(use_awaitable, ec));
        s.close(ec);
    }
}

std::string Server::Impl::zones_text() {
    std::string out;
    if (!admin_reader || !admin_reader->refresh()) return "error cannot read database\n";
    for (const auto& z : admin_reader->zones()) {
        out += z.origin.to_text() + " serial=" + std::to_string(z.meta.serial) +
               " records=" + std::to_string(z.meta.records) + " nodes=" + std::to_string(z.meta.nodes) +
               " compiled_at=" + std::to_string(z.meta.compiled_at) + " source=" + z.meta.source +
               (cfg.xfr != nullptr ? cfg.xfr->zone_status(z.origin, z.meta.source) : std::string()) + "\n";
    }
    if (cfg.xfr != nullptr) out += cfg.xfr->missing_zones_text(admin_reader->zones());
    admin_reader->release();
    return out;
}

awaitable<void> Server::Impl::control_loop() {
    for (;;) {
        boost::system::error_code ec;
        asio::local::stream_protocol::socket s = co_await control->async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        asio::streambuf buf(1024);
        co_await asio::async_read_until(s, buf, "\n", asio::redirect_error(use_awaitable, ec));
        if (ec) continue;
        std::istream is(&buf);
        std::string cmd;
        is >> cmd;
        std::string reply;
        if (cmd == "reload") {
            reply = reload();
        } else if (cmd == "stats") {
            reply = stats.prometheus() + (recursor ? recursor->prometheus() : std::string());
        } else if (cmd == "zones") {
            reply = zones_text();
        } else {
            reply = "error unknown command '" + cmd + "' (reload, stats, zones)\n";
        }
        co_await asio::async_write(s, asio::buffer(reply), asio::redirect_error(use_awaitable, ec));
        s.close(ec);
    }
}

std::string Server::Impl::reload() {
    std::lock_guard<std::mutex> lock(reload_mutex);
    try {
        std::string summary = reload_fn();
        stats.reloads_ok.fetch_add(1);
        log(LogLevel::Info, "zones", "reloaded", {{"summary", summary}});
        return "ok " + summary + "\n";
    } catch (const std::exception& e) {
        stats.reloads_failed.fetch_add(1);
        log(LogLevel::Error, "zones", "reload refused, old data keeps serving", {{"errors", e.what()}});
        return std::string("error ") + e.what() + "\n";
    }
}

Server::Server(ServerConfig config, zones::Store& store, ReloadFn reload) {
    unsigned threads = config.threads != 0 ? config.threads : std::max(1U, std::thread::hardware_concurrency());
    config.threads = threads;
    stats_ = std::make_unique<Stats>(threads);
    impl_ = std::make_unique<Impl>(std::move(config), store, std::move(reload), *stats_);
}

Server::~Server() { stop(); }

void Server::start() {
    Impl& m = *impl_;
    if (m.cfg.answer.edns_buffer > kMaxUdpOut) m.cfg.answer.edns_buffer = kMaxUdpOut;
    if (m.cfg.answer.edns_buffer < 512) m.cfg.answer.edns_buffer = 512;
    if (m.cfg.recursion.enabled) {
        m.recursor = std::make_unique<Recursor>(m.cfg.recursion);
        m.recursor->start();
    }
    for (unsigned i = 0; i < m.cfg.threads; ++i) {
        auto w = std::make_unique<Worker>();
        auto r = m.store.reader();
        if (!r) throw std::runtime_error(r.error());
        w->reader = std::move(*r);
        w->stats = &m.stats.thread(i);
        w->options = &m.cfg.answer;
        w->acl = &m.cfg.query_acl;
        w->xfr = m.cfg.xfr;
        w->recursor = m.recursor.get();
        for (const auto& ep : m.cfg.listen) w->udp.push_back(std::make_unique<UdpListener>(*w, ep));
        m.workers.push_back(std::move(w));
    }
    for (const auto& ep : m.cfg.listen) {
        tcp::endpoint endpoint(asio::ip::make_address(ep.address), ep.port);
        auto acc = std::make_unique<tcp::acceptor>(m.workers[0]->io);
        acc->open(endpoint.protocol());
        acc->set_option(asio::socket_base::reuse_address(true));
        if (endpoint.address().is_v6()) acc->set_option(asio::ip::v6_only(true));
        boost::system::error_code ec;
        acc->bind(endpoint, ec);
        if (ec) throw std::runtime_error("cannot listen on tcp " + ep.to_text() + ": " + ec.message());
        acc->listen(asio::socket_base::max_listen_connections);
        m.acceptors.push_back(std::move(acc));
    }
    if (!m.cfg.stats_listen.empty()) {
        auto colon = m.cfg.stats_listen.rfind(':');
        if (colon == std::string::npos) throw std::runtime_error("stats listen address needs a port");
        std::string host = m.cfg.stats_listen.substr(0, colon);
        if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
        tcp::endpoint endpoint(asio::ip::make_address(host),
                               static_cast<unsigned short>(std::stoi(m.cfg.stats_listen.substr(colon + 1))));
        m.http = std::make_unique<tcp::acceptor>(m.admin);
        m.http->open(endpoint.protocol());
        m.http->set_option(asio::socket_base::reuse_address(true));
        boost::system::error_code ec;
        m.http->bind(endpoint, ec);
        if (ec) throw std::runtime_error("cannot listen for statistics on " + m.cfg.stats_listen + ": " + ec.message());
        m.http->listen();
        asio::co_spawn(m.admin, m.http_loop(), asio::detached);
    }
    if (!m.cfg.control_path.empty()) {
        ::unlink(m.cfg.control_path.c_str());
        m.control = std::make_unique<asio::local::stream_protocol::acceptor>(
            m.admin, asio::local::stream_protocol::endpoint(m.cfg.control_path));
        asio::co_spawn(m.admin, m.control_loop(), asio::detached);
    }
    auto r = m.store.reader();
    if (r) m.admin_reader = std::move(*r);

    for (auto& acc : m.acceptors) asio::co_spawn(m.workers[0]->io, m.accept_loop(*acc), asio::detached);
    for (auto& w : m.workers) {
        for (auto& u : w->udp) u->arm();
        Worker* wp = w.get();
        w->thread = std::thread([wp] {
            auto guard = asio::make_work_guard(wp->io);
            wp->io.run();
        });
    }
    m.admin_thread = std::thread([&m] {
        auto guard = asio::make_work_guard(m.admin);
        m.admin.run();
    });
    m.running = true;
    std::string where;
    for (const auto& ep : m.cfg.listen) where += (where.empty() ? "" : " ") + ep.to_text();
    log(LogLevel::Info, "enumd", "listening",
        {{"udp_tcp", where}, {"threads", std::to_string(m.cfg.threads)}, {"stats", m.cfg.stats_listen},
         {"control", m.cfg.control_path}});
}

void Server::stop() {
    if (!impl_ || !impl_->running) return;
    Impl& m = *impl_;
    m.running = false;
    if (m.recursor) m.recursor->stop();  // first: its replies use the workers' sockets
    for (auto& w : m.workers) w->io.stop();
    m.admin.stop();
    for (auto& w : m.workers) {
        if (w->thread.joinable()) w->thread.join();
    }
    if (m.admin_thread.joinable()) m.admin_thread.join();
    if (!m.cfg.control_path.empty()) ::unlink(m.cfg.control_path.c_str());
}

std::string Server::reload() { return impl_->reload(); }

void Server::run_until_signal() {
    asio::io_context sigio{1};
    asio::signal_set signals(sigio, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
            log(LogLevel::Info, "enumd", "SIGHUP received, reloading");
            reload();
            signals.async_wait(on_signal);
            return;
        }
        log(LogLevel::Info, "enumd", "stopping", {{"signal", std::to_string(sig)}});
        sigio.stop();
    };
    signals.async_wait(on_signal);
    sigio.run();
    stop();
}

}  // namespace enumd::server
