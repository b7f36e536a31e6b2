// Signals (server.hpp): SIGHUP reloads, SIGINT/SIGTERM stop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <functional>

#include "daemon/service_notify.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/server.hpp"

namespace enumd::server {

namespace asio = boost::asio;

void Server::run_until_signal() {
    asio::io_context sigio{1};
    asio::signal_set signals(sigio, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
            log(LogLevel::Info, "enumd", "SIGHUP received, reloading");
            reload();
            signals.async_wait(on_signal);
            return;
        }
        log(LogLevel::Info, "enumd", "stopping", {{"signal", std::to_string(sig)}});
        daemon::notify_stopping("stopping on signal " + std::to_string(sig));
        sigio.stop();
    };
    signals.async_wait(on_signal);
    sigio.run();
    stop();
}

}  // namespace enumd::server
