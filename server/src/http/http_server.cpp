#include "http/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

namespace enumd::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

tcp::endpoint parse_listen(const std::string& listen, const std::string& what) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error(what + " listen address needs a port: " + listen);
    std::string host = listen.substr(0, colon);
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error(what + " listen address is not an IP address: " + listen);
    std::string port_text = listen.substr(colon + 1);
    unsigned long port = 65536;
    if (!port_text.empty() && port_text.size() <= 5 && port_text.find_first_not_of("0123456789") == std::string::npos)
        port = std::stoul(port_text);
    if (port > 65535) throw std::runtime_error(what + " listen port is not a number 0-65535: " + listen);
    return {address, static_cast<unsigned short>(port)};
}

Reply text_reply(unsigned status, const std::string& text) {
    return {status, "text/plain; charset=utf-8", text + "\n"};
}

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    State(asio::io_context& i, Limits l, Handler h) : io(i), acceptor(i), limits(l), handler(std::move(h)) {}
    asio::io_context& io;
    tcp::acceptor acceptor;
    Limits limits;
    Handler handler;
    unsigned active = 0;  ///< connections being served (this io_context's thread only)

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(tcp::socket socket);
    /// Runs the handler and waits for its reply, which may come from another thread.
    asio::awaitable<Reply> handle(const Request& request);
};

namespace {

bhttp::response<bhttp::string_body> to_response(Reply reply, unsigned version, bool keep_alive) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), version};
    res.set(bhttp::field::server, "enumd");
    res.set(bhttp::field::content_type, reply.content_type);
    res.keep_alive(keep_alive);
    res.body() = std::move(reply.body);
    res.prepare_payload();
    return res;
}

}  // namespace

asio::awaitable<Reply> HttpServer::State::handle(const Request& request) {
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Reply)>(
        [&](auto completion) {
            // Done is a copyable std::function that may run on any thread: the
            // coroutine resumes on this server's executor.
            auto shared = std::make_shared<decltype(completion)>(std::move(completion));
            handler(request, [shared, executor](Reply reply) {
                asio::post(executor, [shared, reply = std::move(reply)]() mutable { (*shared)(std::move(reply)); });
            });
        },
        asio::use_awaitable);
}

asio::awaitable<void> HttpServer::State::session(tcp::socket socket) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(limits.max_head + limits.max_body);
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.max_head));
        parser.body_limit(limits.max_body);
        boost::system::error_code ec;
        stream.expires_after(limits.timeout);
        co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        bool keep_alive = false;
        bhttp::response<bhttp::string_body> res;
        if (ec == bhttp::error::body_limit) {
            res = to_response(text_reply(413, "request body too large"), 11, false);
        } else if (ec == bhttp::error::header_limit) {
            res = to_response(text_reply(431, "request header too large"), 11, false);
        } else if (ec) {
            break;  // closed, timed out or not HTTP: no reply
        } else {
            const Request& request = parser.get();
            keep_alive = request.keep_alive();
            stream.expires_never();  // the handler may wait for a commit; the write has its own deadline
            Reply reply = co_await handle(request);
            res = to_response(std::move(reply), request.version(), keep_alive);
        }
        stream.expires_after(limits.timeout);
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
    --active;
}

asio::awaitable<void> HttpServer::State::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        boost::system::error_code ec;
        auto s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            continue;
        }
        if (active >= limits.max_connections) {
            s.close(ec);
            continue;
        }
        ++active;
        asio::co_spawn(io, session(std::move(s)), asio::detached);
    }
}

HttpServer::HttpServer(asio::io_context& io, const std::string& listen, const std::string& what, Limits limits,
                       Handler handler)
    : state_(std::make_shared<State>(io, limits, std::move(handler))) {
    tcp::endpoint endpoint = parse_listen(listen, what);
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    boost::system::error_code ec;
    acceptor.bind(endpoint, ec);
    if (ec) throw std::runtime_error("cannot listen for " + what + " on " + listen + ": " + ec.message());
    acceptor.listen();
}

HttpServer::~HttpServer() {
    boost::system::error_code ec;
    state_->acceptor.close(ec);
}

void HttpServer::start() {
    asio::co_spawn(state_->io, state_->accept_loop(), asio::detached);
}

unsigned short HttpServer::port() const {
    return state_->acceptor.local_endpoint().port();
}

Handler metrics_handler(std::function<std::string()> body) {
    return [body = std::move(body)](const Request& request, const Done& done) {
        if (request.target() != "/metrics" && request.target() != "/") return done(text_reply(404, "not found"));
        if (request.method() != bhttp::verb::get) return done(text_reply(405, "only GET"));
        done({200, "text/plain; version=0.0.4; charset=utf-8", body()});
    };
}

}  // namespace enumd::server::http
