#pragma once
/// The statistics endpoint: HTTP GET /metrics (and /) answers Prometheus
/// text (exposition format 0.0.4); anything else is 404.

#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

namespace enumd::server::http {

class MetricsServer {
public:
    /// The body of /metrics, produced per request on the admin thread.
    using Body = std::function<std::string()>;
    /// Binds `listen` ("127.0.0.1:9153", "[::1]:9153"); throws std::runtime_error with the reason.
    MetricsServer(boost::asio::io_context& io, const std::string& listen, Body body);
    void start();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    Body body_;
};

}  // namespace enumd::server::http
