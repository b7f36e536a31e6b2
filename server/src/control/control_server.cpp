#include "control/control_server.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <istream>

namespace enumd::server::control {

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::local::stream_protocol;

namespace {

const std::string& unlinked(const std::string& path) {
    ::unlink(path.c_str());
    return path;
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::string path, Handler handler)
    : io_(io), path_(std::move(path)), acceptor_(io, stream_protocol::endpoint(unlinked(path_))),
      handler_(std::move(handler)) {}

ControlServer::~ControlServer() { ::unlink(path_.c_str()); }

void ControlServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

asio::awaitable<void> ControlServer::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        stream_protocol::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        asio::streambuf buf(1024);
        co_await asio::async_read_until(s, buf, "\n", asio::redirect_error(use_awaitable, ec));
        if (ec) continue;
        std::istream is(&buf);
        std::string cmd;
        is >> cmd;
        std::string reply = handler_(cmd);
        co_await asio::async_write(s, asio::buffer(reply), asio::redirect_error(use_awaitable, ec));
        s.close(ec);
    }
}

}  // namespace enumd::server::control
