#pragma once
/// The control socket of `enumctl reload|stats|zones --control PATH`: a unix
/// stream socket; one command line in, the reply text out, then close.

#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <string>

namespace enumd::server::control {

class ControlServer {
public:
    /// The reply to one command word (runs on the admin thread).
    using Handler = std::function<std::string(const std::string& command)>;
    /// Creates the socket at `path` (replacing a stale one); throws on failure.
    ControlServer(boost::asio::io_context& io, std::string path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;
    void start();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::io_context& io_;
    std::string path_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    Handler handler_;
};

}  // namespace enumd::server::control
