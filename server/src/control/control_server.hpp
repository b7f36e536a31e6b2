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

    /// Delivers a reply; may be called from any thread, exactly once.
    using Reply = std::function<void(std::string)>;
    /// Answers one command (called on the admin thread): at once, or later from another thread (a live change
    /// answers after its commit on the writer thread), so a long apply never blocks stats or other commands.
    using Handler = std::function<void(const std::string& command, Reply reply)>;
    /// Creates the socket at `path` (replacing a stale one); throws on failure.
    ControlServer(boost::asio::io_context& io, std::string path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;
    void start();

private:
    /// The handler's reply to `command`, awaited without blocking the admin thread.
    boost::asio::awaitable<std::string> answer(const std::string& command);

    boost::asio::io_context& io_;
    std::string path_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    Handler handler_;
    unsigned active_ = 0;  ///< connections being served (admin thread only)
};

}  // namespace enumd::server::control
