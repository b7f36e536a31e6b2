#pragma once
/// Timeouts on Boost 1.74 coroutines: a steady_timer that closes the socket
/// when it fires, so the pending read or write fails (STYLE.md: no awaitable
/// operators in 1.74). Cancel the timer when the operation completes.

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace enumd::server::net {

/// Closes `sock` unless `timer` is cancelled or re-armed within `after`.
/// `keep` keeps the socket's owner alive until the handler has run.
template <class Socket>
void close_on_expiry(boost::asio::steady_timer& timer, std::chrono::steady_clock::duration after, Socket& sock,
                     std::shared_ptr<void> keep) {
    timer.expires_after(after);
    timer.async_wait([&sock, keep = std::move(keep)](const boost::system::error_code& e) {
        if (!e) {
            boost::system::error_code ignored;
            sock.close(ignored);
        }
    });
}

}  // namespace enumd::server::net
