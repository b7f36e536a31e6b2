#pragma once
/// The shape both admin endpoints share (the metrics scrape in http/, the
/// enumctl command in control/): accept connections, serve each in its own
/// coroutine with at most `max_active` at once (more are closed at accept),
/// read one request head up to a delimiter, write one reply, close — each
/// read and write under a deadline, so an idle or stuck client holds no one up.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "net/deadline.hpp"

namespace enumd::server::net {

/// Limits of one request/reply exchange.
struct ExchangeLimits {
    unsigned max_active = 16;                  ///< connections served at once
    std::size_t max_request = 8192;            ///< octets of request head read at most
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(5);  ///< per read and per write
};

/// Serves one connection: reads up to `delimiter` (at most limits.max_request
/// octets), writes the text `co_await reply(head, socket)` gives, where head
/// is the text read, then closes. A read that fails or times out gets no
/// reply. The reply may take as long as it needs (a change set waits for its
/// commit on the writer thread) without holding up the io_context.
template <class Socket, class Reply>
boost::asio::awaitable<void> request_reply(boost::asio::io_context& io, Socket sock, std::string_view delimiter,
                                           ExchangeLimits limits, Reply reply) {
    namespace asio = boost::asio;
    struct Conn {
        Conn(Socket s, asio::io_context& io) : sock(std::move(s)), timer(io) {}
        Socket sock;
        asio::steady_timer timer;
    };
    auto c = std::make_shared<Conn>(std::move(sock), io);
    boost::system::error_code ec;
    asio::streambuf buf(limits.max_request);
    close_on_expiry(c->timer, limits.timeout, c->sock, c);
    std::size_t n = co_await asio::async_read_until(c->sock, buf, std::string(delimiter),
                                                    asio::redirect_error(asio::use_awaitable, ec));
    c->timer.cancel();
    if (!ec) {
        std::string head(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + static_cast<long>(n));
        std::string out = co_await reply(head, c->sock);
        close_on_expiry(c->timer, limits.timeout, c->sock, c);
        co_await asio::async_write(c->sock, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
        c->timer.cancel();
    }
    c->sock.close(ec);
}

/// Accepts on `acceptor` until it is closed, serving each connection with
/// request_reply. `active` counts the connections being served; it and the
/// acceptor must outlive the loop (the owning server runs it on its own
/// io_context, single-threaded).
template <class Acceptor, class Reply>
boost::asio::awaitable<void> serve_requests(boost::asio::io_context& io, Acceptor& acceptor, unsigned& active,
                                            std::string_view delimiter, ExchangeLimits limits, Reply reply) {
    namespace asio = boost::asio;
    for (;;) {
        boost::system::error_code ec;
        auto s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        if (active >= limits.max_active) {
            s.close(ec);
            continue;
        }
        ++active;
        asio::co_spawn(
            io,
            [&io, &active, s = std::move(s), delimiter, limits, reply]() mutable -> asio::awaitable<void> {
                co_await request_reply(io, std::move(s), delimiter, limits, reply);
                --active;
            },
            asio::detached);
    }
}

}  // namespace enumd::server::net
