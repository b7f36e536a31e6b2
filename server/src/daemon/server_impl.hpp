#pragma once
/// What a running Server holds (server.hpp): the workers and their sockets,
/// the admin thread with the metrics, API and control endpoints, the recursor,
/// the writer of live changes.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "control/control_server.hpp"
#include "daemon/change_writer.hpp"
#include "enumd/server/server.hpp"
#include "http/http_server.hpp"
#include "query/cookies.hpp"
#include "query/rrl.hpp"
#include "net/tcp_server.hpp"
#include "net/worker.hpp"

namespace enumd::server {

struct Server::Impl {
    Impl(ServerConfig c, zones::Store& s, ReloadFn fn, Stats& st)
        : cfg(std::move(c)), store(s), reload_fn(std::move(fn)), stats(st) {}

    ServerConfig cfg;
    zones::Store& store;
    ReloadFn reload_fn;
    Stats& stats;
    std::unique_ptr<Recursor> recursor;
    std::unique_ptr<query::ResponseRateLimiter> rrl;  ///< shared by the workers; null when `rate_limit: off`
    std::unique_ptr<query::Cookies> cookies;          ///< DNS cookies; null when `cookies: {enabled: false}`
    std::vector<std::unique_ptr<net::Worker>> workers;
    std::unique_ptr<net::TcpServer> tcp;
    boost::asio::io_context admin{1};  ///< metrics and control, off the query threads
    std::thread admin_thread;
    std::unique_ptr<http::HttpServer> metrics;
    std::unique_ptr<update::Writer> updates;  ///< RFC 2136 and enumctl's door to `writer` (outlives its callbacks)
    std::unique_ptr<ChangeWriter> writer;   ///< live changes (API, enumctl, UPDATE): one writer thread
    std::unique_ptr<http::HttpServer> api;  ///< the provisioning API, when configured
    std::unique_ptr<control::ControlServer> control;
    std::unique_ptr<zones::Reader> admin_reader;
    std::mutex reload_mutex;  ///< one reload at a time (SIGHUP, enumctl, --watch)
    bool running = false;

    void start_workers(BoundSockets& sockets);
    void start_admin();
    /// Prometheus text for /metrics and `enumctl stats`.
    [[nodiscard]] std::string metrics_text() const;
    std::string reload();
};

}  // namespace enumd::server
