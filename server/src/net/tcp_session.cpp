#include "net/tcp_session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>

#include "enumd/server/update.hpp"
#include "enumd/server/xfr.hpp"
#include "net/deadline.hpp"
#include "net/worker.hpp"

namespace enumd::server::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Session = std::shared_ptr<TcpSession>;

TcpSession::TcpSession(asio::ip::tcp::socket s, Worker& w, const TcpLimits& l, xfr::Service* x)
    : sock(std::move(s)), timer(w.io), worker(w), limits(l), xfr(x) {}

namespace {

/// The next framed query into s->in; its length, or 0 when the connection ends.
awaitable<std::size_t> read_query(const Session& s, boost::system::error_code& ec) {
    // RFC 7766 §6.2.3: an idle connection is closed after a short timeout.
    close_on_expiry(s->timer, s->limits.idle_timeout, s->sock, s);
    std::array<std::uint8_t, 2> len{};
    co_await asio::async_read(s->sock, asio::buffer(len), asio::redirect_error(use_awaitable, ec));
    if (ec) co_return 0;
    std::size_t n = static_cast<std::size_t>((len[0] << 8) | len[1]);
    if (n == 0) co_return 0;
    co_await asio::async_read(s->sock, asio::buffer(s->in.data(), n), asio::redirect_error(use_awaitable, ec));
    s->timer.cancel();
    co_return ec ? 0 : n;
}

/// Writes the `size`-octet message at s->out + 2 with its length prefix, within
/// `deadline`: a client that stops reading is closed then, so it cannot hold a
/// connection slot (or, for a transfer, an LMDB snapshot) forever.
awaitable<void> write_message(const Session& s, std::size_t size, std::chrono::milliseconds deadline,
                              boost::system::error_code& ec) {
    s->out[0] = static_cast<std::uint8_t>(size >> 8);
    s->out[1] = static_cast<std::uint8_t>(size);
    close_on_expiry(s->timer, deadline, s->sock, s);
    co_await asio::async_write(s->sock, asio::buffer(s->out.data(), size + 2), asio::redirect_error(use_awaitable, ec));
    s->timer.cancel();
}

/// AXFR/IXFR: message by message from one snapshot; the worker serves others between writes.
awaitable<void> stream_transfer(const Session& s, std::size_t n, boost::system::error_code& ec) {
    std::unique_ptr<xfr::Stream> stream = s->xfr->start_transfer({s->in.data(), n}, s->peer.data());
    std::size_t m = 0;
    // A secondary storing a large message may pause longer than a query client.
    const auto deadline = std::max<std::chrono::milliseconds>(s->limits.idle_timeout, std::chrono::seconds(30));
    while (stream && !ec && (m = stream->next({s->out.data() + 2, 65535})) != 0) {
        co_await write_message(s, m, deadline, ec);
    }
}

/// Hands the query to the recursor or the update writer (`update`) and waits
/// for its reply (posted back to this worker); copies it to s->out + 2.
/// Returns its size, 0 = nothing to send.
awaitable<std::size_t> await_reply(const Session& s, std::size_t n, bool update) {
    struct Pending {
        explicit Pending(asio::io_context& io) : timer(io) {}
        asio::steady_timer timer;  ///< cancelled by the reply
        std::vector<std::uint8_t> response;
        bool done = false;
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto pending = std::make_shared<Pending>(s->worker.io);
    pending->timer.expires_after(std::chrono::hours(1));
    asio::io_context* io = &s->worker.io;
    auto reply = [pending, io](std::vector<std::uint8_t> resp) {
        asio::post(*io, [pending, r = std::move(resp)]() mutable {
            pending->response = std::move(r);
            pending->done = true;
            pending->timer.cancel();
        });
    };
    std::vector<std::uint8_t> query(s->in.begin(), s->in.begin() + static_cast<std::ptrdiff_t>(n));
    if (update) s->worker.pipeline.update()->submit_update(std::move(query), s->peer.data(), std::move(reply));
    else s->worker.pipeline.recursor()->submit(std::move(query), s->client, 65535, std::move(reply));
    boost::system::error_code ec;
    if (!pending->done) co_await pending->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!update) {  // counted with the authoritative answers (issue 13)
        const auto took = std::chrono::steady_clock::now() - t0;
        s->worker.pipeline.stats()->record_recursive(pending->response, Transport::Tcp,
                                                     static_cast<std::uint64_t>(std::chrono::nanoseconds(took).count()));
    }
    std::memcpy(s->out.data() + 2, pending->response.data(), pending->response.size());
    co_return pending->response.size();
}

}  // namespace

awaitable<void> serve(Session s, std::function<void()> done) {
    boost::system::error_code ec;
    for (;;) {
        std::size_t n = co_await read_query(s, ec);
        if (n == 0) break;
        const std::span<const std::uint8_t> q(s->in.data(), n);
        if (auto kind = s->xfr != nullptr ? xfr::classify(q) : xfr::Kind::None;
            kind == xfr::Kind::Axfr || kind == xfr::Kind::Ixfr) {
            co_await stream_transfer(s, n, ec);
            if (ec) break;
            continue;
        }
        query::Handled h = s->worker.pipeline.handle(q, {s->out.data() + 2, 65535}, Transport::Tcp, s->peer.data());
        std::size_t size = h.next == query::Next::Send ? h.size : co_await await_reply(s, n, h.next == query::Next::Update);
        if (size == 0) continue;
        co_await write_message(s, size, s->limits.idle_timeout, ec);
        if (ec) break;
    }
    s->timer.cancel();
    s->sock.close(ec);
    done();
}

}  // namespace enumd::server::net
