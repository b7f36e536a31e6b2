// Reload (server.hpp): rebuild the database through the ReloadFn, one at a time; failures keep the old data.
#include "daemon/server_impl.hpp"
#include "daemon/service_notify.hpp"
#include "enumd/server/log.hpp"

namespace enumd::server {

std::string Server::Impl::reload() {
    std::lock_guard<std::mutex> lock(reload_mutex);
    // SIGHUP, `enumctl reload` and --watch all come here: systemd sees every one (service_notify.hpp).
    daemon::notify_reloading("reloading zones");
    try {
        std::string summary = reload_fn();
        stats.reloads_ok.fetch_add(1);
        log(LogLevel::Info, "zones", "reloaded", {{"summary", summary}});
        daemon::notify_ready("serving; reloaded: " + summary);
        return "ok " + summary + "\n";
    } catch (const std::exception& e) {
        stats.reloads_failed.fetch_add(1);
        log(LogLevel::Error, "zones", "reload refused, old data keeps serving", {{"errors", e.what()}});
        std::string first(e.what());
        first = first.substr(0, first.find('\n'));
        daemon::notify_ready("serving the old data; reload refused: " + first);
        return std::string("error ") + e.what() + "\n";
    }
}

std::string Server::reload() { return impl_->reload(); }

}  // namespace enumd::server
