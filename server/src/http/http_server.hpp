#pragma once
/// The HTTP door of enumd (Boost.Beast): /metrics and the provisioning API
/// (api/) are handlers on it. HTTP/1.1 with keep-alive, a coroutine per
/// connection, at most Limits::max_connections at once (more are closed at
/// accept), every read and write under Limits::timeout (an idle keep-alive
/// connection is closed after it), request bodies bounded by Limits::max_body
/// (413 beyond). Beast parses; nothing here reads HTTP by hand.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // before awaitable.hpp, which uses std::exchange without including it

namespace enumd::server::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

/// What a handler answers: a status, a media type and a body.
struct Reply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

/// Called once per reply, from any thread; the server writes it from its own.
using Done = std::function<void(Reply)>;
/// Handles one request and calls `done` exactly once (now or later, e.g. when
/// a change has committed). Runs on the server's io_context.
using Handler = std::function<void(const Request&, Done)>;

struct Limits {
    unsigned max_connections = 16;
    std::size_t max_head = 8192;  ///< octets of request line + headers
    std::size_t max_body = 0;     ///< octets of request body (0: none accepted)
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(5);  ///< per read, write and idle wait
};

/// "127.0.0.1:9153" / "[::1]:9153" as an endpoint; throws std::runtime_error naming `what`.
boost::asio::ip::tcp::endpoint parse_listen(const std::string& listen, const std::string& what);

class HttpServer {
   public:
    /// Binds `listen`; throws std::runtime_error naming `what` ("statistics", "API") and the reason.
    HttpServer(boost::asio::io_context& io, const std::string& listen, const std::string& what, Limits limits,
               Handler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    void start();
    /// The bound port (tests bind port 0).
    [[nodiscard]] unsigned short port() const;

   private:
    struct State;
    std::shared_ptr<State> state_;
};

/// A reply of `status` whose body is `text` and a newline.
Reply text_reply(unsigned status, const std::string& text);

/// The statistics handler: GET /metrics (and /) answers `body()` as Prometheus
/// text (exposition format 0.0.4); other paths 404, other methods 405.
Handler metrics_handler(std::function<std::string()> body);

}  // namespace enumd::server::http
