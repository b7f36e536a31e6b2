// Reload (server.hpp): rebuild the database through the ReloadFn, one at a time; failures keep the old data.
#include "daemon/server_impl.hpp"
#include "enumd/server/log.hpp"

namespace enumd::server {

std::string Server::Impl::reload() {
    std::lock_guard<std::mutex> lock(reload_mutex);
    try {
        std::string summary = reload_fn();
        stats.reloads_ok.fetch_add(1);
        log(LogLevel::Info, "zones", "reloaded", {{"summary", summary}});
        return "ok " + summary + "\n";
    } catch (const std::exception& e) {
        stats.reloads_failed.fetch_add(1);
        log(LogLevel::Error, "zones", "reload refused, old data keeps serving", {{"errors", e.what()}});
        return std::string("error ") + e.what() + "\n";
    }
}

std::string Server::reload() { return impl_->reload(); }

}  // namespace enumd::server
