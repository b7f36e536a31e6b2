#include "http/metrics_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <sstream>
#include <stdexcept>

#include "net/admin_exchange.hpp"

namespace enumd::server::http {

namespace asio = boost::asio;
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

void MetricsServer::start() {
    net::ExchangeLimits limits{kMaxConnections, 8192, kTimeout};  // a request head larger than 8 KiB is not a scrape
    asio::co_spawn(io_,
                   net::serve_requests(io_, acceptor_, active_, "\r\n\r\n", limits,
                                       [this](const std::string& head, tcp::socket&) {
                                           std::istringstream is(head);
                                           std::string method;
                                           std::string path;
                                           is >> method >> path;
                                           return response(method, path);
                                       }),
                   asio::detached);
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

}  // namespace enumd::server::http
