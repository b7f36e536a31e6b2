#include "http/metrics_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <memory>
#include <stdexcept>

#include "net/deadline.hpp"

namespace enumd::server::http {

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

tcp::endpoint parse_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("stats listen address needs a port");
    std::string host = listen.substr(0, colon);
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    return {asio::ip::make_address(host), static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)))};
}

}  // namespace

MetricsServer::MetricsServer(asio::io_context& io, const std::string& listen, Body body)
    : io_(io), acceptor_(io), body_(std::move(body)) {
    tcp::endpoint endpoint = parse_listen(listen);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    boost::system::error_code ec;
    acceptor_.bind(endpoint, ec);
    if (ec) throw std::runtime_error("cannot listen for statistics on " + listen + ": " + ec.message());
    acceptor_.listen();
}

void MetricsServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

asio::awaitable<void> MetricsServer::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        if (active_ >= kMaxConnections) {
            s.close(ec);
            continue;
        }
        ++active_;
        asio::co_spawn(io_, serve(std::move(s)), asio::detached);
    }
}

std::string MetricsServer::response(const std::string& method, const std::string& path) const {
    std::string body;
    std::string status = "200 OK";
    if (method == "GET" && (path == "/metrics" || path == "/")) {
        body = body_();
    } else {
        status = "404 Not Found";
        body = "not found\n";
    }
    return "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

asio::awaitable<void> MetricsServer::serve(tcp::socket sock) {
    struct Conn {
        Conn(tcp::socket s, asio::io_context& io) : sock(std::move(s)), timer(io) {}
        tcp::socket sock;
        asio::steady_timer timer;
    };
    auto c = std::make_shared<Conn>(std::move(sock), io_);
    boost::system::error_code ec;
    asio::streambuf buf(8192);  // a request head larger than this is not a scrape
    net::close_on_expiry(c->timer, kTimeout, c->sock, c);
    co_await asio::async_read_until(c->sock, buf, "\r\n\r\n", asio::redirect_error(use_awaitable, ec));
    c->timer.cancel();
    if (!ec) {
        std::istream is(&buf);
        std::string method;
        std::string path;
        is >> method >> path;
        std::string resp = response(method, path);
        net::close_on_expiry(c->timer, kTimeout, c->sock, c);
        co_await asio::async_write(c->sock, asio::buffer(resp), asio::redirect_error(use_awaitable, ec));
        c->timer.cancel();
    }
    c->sock.close(ec);
    --active_;
}

}  // namespace enumd::server::http
