#pragma once
/// The control socket of `enumctl reload|stats|zones --control PATH`: a unix
/// stream socket, mode 0600 whatever the umask, serving only peers with
/// enumd's uid or root (SO_PEERCRED). One command line in, the reply text
/// out, then close; a coroutine per connection, at most kMaxConnections at
/// once, each read and write under kTimeout, so an idle client holds no one up.

#include <utility>  // before awaitable.hpp, which uses std::exchange without including it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace enumd::server::control {

class ControlServer {
public:
    /// Clients served at once; more are closed at accept (enumctl is run by people and scripts, not crowds).
    static constexpr unsigned kMaxConnections = 16;
    /// A command line: `enumctl set` with a few NAPTRs fits (apply sends a file name, not the file).
    static constexpr std::size_t kMaxRequest = 8192;
    /// For reading the command and for writing the reply.
    static constexpr std::chrono::seconds kTimeout{5};

    /// The reply to one command word (runs on the admin thread).
    using Handler = std::function<std::string(const std::string& command)>;
    /// Creates the socket at `path` (replacing a stale one); throws on failure.
    ControlServer(boost::asio::io_context& io, std::string path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;
    void start();

private:
    boost::asio::io_context& io_;
    std::string path_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    Handler handler_;
    unsigned active_ = 0;  ///< connections being served (admin thread only)
};

}  // namespace enumd::server::control
