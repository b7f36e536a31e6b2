#pragma once
/// The statistics endpoint: HTTP GET /metrics (and /) answers Prometheus
/// text (exposition format 0.0.4); anything else is 404. A coroutine per
/// connection, at most kMaxConnections at once, the request read and the
/// response written under kTimeout, so an idle client holds no one up.

#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace enumd::server::http {

class MetricsServer {
public:
    /// Clients served at once; more are closed at accept (scrapers are few).
    static constexpr unsigned kMaxConnections = 16;
    /// For reading the request and for writing the response.
    static constexpr std::chrono::seconds kTimeout{5};

    /// The body of /metrics, produced per request on the admin thread.
    using Body = std::function<std::string()>;
    /// Binds `listen` ("127.0.0.1:9153", "[::1]:9153"); throws std::runtime_error with the reason.
    MetricsServer(boost::asio::io_context& io, const std::string& listen, Body body);
    void start();

private:
    /// The whole HTTP/1.1 response to a request whose first line holds `method` and `path`.
    [[nodiscard]] std::string response(const std::string& method, const std::string& path) const;
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    Body body_;
    unsigned active_ = 0;  ///< connections being served (admin thread only)
};

}  // namespace enumd::server::http
