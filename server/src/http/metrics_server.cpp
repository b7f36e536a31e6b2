#include "http/metrics_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <stdexcept>

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
            body = body_();
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

}  // namespace enumd::server::http
