// Server (server.hpp): builds the workers, listeners and admin endpoints, starts and stops them.
#include <boost/asio/executor_work_guard.hpp>

#include "api/provisioning.hpp"
#include "control/commands.hpp"
#include "control/live_commands.hpp"
#include "daemon/server_impl.hpp"
#include "enumd/build_info.hpp"
#include "stats/metrics_text.hpp"
#include "stats/process_metrics.hpp"
#include "stats/zone_xfr_metrics.hpp"
#include "enumd/server/log.hpp"

namespace enumd::server {

namespace asio = boost::asio;

Server::Server(ServerConfig config, zones::Store& store, ReloadFn reload) {
    unsigned threads = worker_threads(config.threads);
    config.threads = threads;
    stats_ = std::make_unique<Stats>(threads);
    impl_ = std::make_unique<Impl>(std::move(config), store, std::move(reload), *stats_);
}

Server::~Server() { stop(); }

std::string Server::Impl::metrics_text() const {
    MetricsText m;
    m.family("enumd_build_info", "gauge", "Always 1: the version, git revision and build type of this enumd.")
        .sample("enumd_build_info", {{"version", kVersion}, {"revision", kRevision}, {"build_type", kBuildType}},
                std::uint64_t{1});
    process_metrics(m);
    m.append(stats.prometheus());
    if (recursor) m.append(recursor->prometheus());
    if (writer) writer->metrics(m);
    // The zones as served now (a fresh snapshot; the admin thread's own reader).
    if (admin_reader && admin_reader->refresh()) {
        m.family("enumd_zone_serial", "gauge", "SOA serial of each zone served.");
        for (const auto& z : admin_reader->zones())
            m.sample("enumd_zone_serial", {{"zone", z.origin.to_text()}}, std::uint64_t{z.meta.serial});
        m.family("enumd_zone_records", "gauge", "Records of each zone served.");
        for (const auto& z : admin_reader->zones())
            m.sample("enumd_zone_records", {{"zone", z.origin.to_text()}}, z.meta.records);
        admin_reader->release();
    }
    zone_xfr_metrics().render(m);  // secondary refreshes and NOTIFY outcomes, per zone
    return m.str();
}

/// One worker per thread, each with UDP sockets on every listen address; TCP acceptors hand out connections.
void Server::Impl::start_workers(BoundSockets& sockets) {
    std::vector<net::Worker*> all;
    if (cfg.rate_limit.mode != RrlConfig::Mode::Off) rrl = std::make_unique<query::ResponseRateLimiter>(cfg.rate_limit);
    if (cfg.cookies.enabled) cookies = std::make_unique<query::Cookies>(cfg.cookies);
    for (unsigned i = 0; i < cfg.threads; ++i) {
        auto r = store.reader();
        if (!r) throw std::runtime_error(r.error());
        auto w = std::make_unique<net::Worker>(
            std::move(*r), query::PipelineParts{nullptr, &stats.thread(i), &cfg.answer, &cfg.query_acl, cfg.xfr,
                                                recursor.get(), cfg.update, rrl.get(), cookies.get(),
                                                cfg.client_subnet_trust ? &*cfg.client_subnet_trust : nullptr});
        for (std::size_t a = 0; a < cfg.listen.size(); ++a)
            w->udp.push_back(std::make_unique<net::UdpListener>(*w, cfg.listen[a], sockets.take_udp(i, a)));
        all.push_back(w.get());
        workers.push_back(std::move(w));
    }
    tcp = std::make_unique<net::TcpServer>(all, cfg.tcp, stats, cfg.xfr);
    for (std::size_t a = 0; a < cfg.listen.size(); ++a) tcp->adopt(cfg.listen[a], sockets.take_tcp(a));
}

/// The metrics endpoint, the provisioning API and the control socket, on the admin thread.
void Server::Impl::start_admin() {
    if (!cfg.api.listen.empty()) {
        // Batches wait for their commit, so a longer deadline than a scrape's.
        http::Limits limits{256, 8192, cfg.api.max_body, std::chrono::seconds(30)};
        api = std::make_unique<http::HttpServer>(admin, cfg.api.listen, "the API", limits,
                                                 api::provisioning_handler(cfg.api, store, [u = updates.get()](auto origin, auto changes, auto done) {
                                                     // Through the RFC 2136/enumctl door: the same writer, the same
                                                     // refusal of secondary zones, and NOTIFY after the commit.
                                                     u->submit(std::move(origin), std::move(changes), std::move(done));
                                                 }));
        api->start();
    }
    if (!cfg.stats_listen.empty()) {
        metrics = std::make_unique<http::HttpServer>(admin, cfg.stats_listen, "statistics", http::Limits{},
                                                     http::metrics_handler([this] { return metrics_text(); }));
        metrics->start();
    }
    if (!cfg.control_path.empty()) {
        control::Commands commands{[this] { return reload(); }, [this] { return metrics_text(); },
                                   [this] { return control::zones_text(admin_reader.get(), cfg.xfr); },
                                   [this](const std::string& c, std::function<void(std::string)> reply) {
                                       control::live_command(cfg.update, cfg.persistent_database, c,
                                                             std::move(reply));
                                   }};
        control = std::make_unique<control::ControlServer>(
            admin, cfg.control_path,
            [commands](const std::string& command, const control::ControlServer::Reply& reply) {
                control::dispatch(commands, command, reply);
            });
        control->start();
    }
    auto r = store.reader();
    if (r) admin_reader = std::move(*r);
}

void Server::start(BoundSockets sockets) {
    Impl& m = *impl_;
    m.cfg.answer.edns_buffer = std::clamp<std::uint16_t>(m.cfg.answer.edns_buffer, 512, net::kMaxUdpOut);
    if (m.cfg.recursion.enabled) {
        m.recursor = std::make_unique<Recursor>(m.cfg.recursion);
        m.recursor->start();
    }
    // The one writer of live changes, and the door RFC 2136 and enumctl use to reach it (update.hpp):
    // before the workers, whose pipelines hand UPDATE messages to it.
    m.writer = std::make_unique<ChangeWriter>(m.store);
    m.updates = std::make_unique<update::Writer>(
        m.store, m.cfg.update_policy, m.cfg.xfr,
        [w = m.writer.get()](dns::Name origin, std::vector<zones::Change> changes, update::Writer::Done done) {
            w->submit(std::move(origin), std::move(changes), zones::ApplyOptions{}, std::move(done));
        });
    m.updates->start();
    m.cfg.update = m.updates.get();
    m.start_workers(sockets);
    m.start_admin();
    m.tcp->start();
    for (auto& w : m.workers) {
        for (auto& u : w->udp) u->arm();
        net::Worker* wp = w.get();
        w->thread = std::thread([wp] {
            auto guard = asio::make_work_guard(wp->io);
            wp->io.run();
        });
    }
    m.admin_thread = std::thread([&m] {
        auto guard = asio::make_work_guard(m.admin);
        m.admin.run();
    });
    m.running = true;
    std::string where;
    for (const auto& ep : m.cfg.listen) {
        if (!where.empty()) where += ' ';
        where += ep.to_text();
    }
    log(LogLevel::Info, "enumd", "listening",
        {{"udp_tcp", where}, {"threads", std::to_string(m.cfg.threads)}, {"stats", m.cfg.stats_listen},
         {"control", m.cfg.control_path}, {"api", m.cfg.api.listen}});
}

void Server::stop() {
    if (!impl_ || !impl_->running) return;
    Impl& m = *impl_;
    m.running = false;
    if (m.recursor) m.recursor->stop();  // first: its replies use the workers' sockets
    if (m.updates) m.updates->stop();    // UPDATE messages read so far go to the writer
    for (auto& w : m.workers) w->io.stop();
    m.admin.stop();
    for (auto& w : m.workers) {
        if (w->thread.joinable()) w->thread.join();
    }
    if (m.admin_thread.joinable()) m.admin_thread.join();
    m.control.reset();  // removes the socket file
    m.api.reset();
    m.writer.reset();  // applies what is queued (its replies are not sent: the admin thread is gone)
}

}  // namespace enumd::server
