#pragma once
/// What the control socket's commands answer.

#include <functional>
#include <string>

#include "enumd/zones/store.hpp"

namespace enumd::server {
namespace xfr {
class Service;
}

namespace control {

struct Commands {
    std::function<std::string()> reload;   ///< "reload": "ok SUMMARY\n" or "error …\n"
    std::function<std::string()> metrics;  ///< "stats": Prometheus text
    std::function<std::string()> zones;    ///< "zones": one line per zone
    /// set / delete / apply (live_commands.hpp): replies after the commit, from the writer thread.
    std::function<void(const std::string&, std::function<void(std::string)>)> live;
};

/// Replies to `command` ("reload", "stats", "zones" at once; set / delete / apply
/// after their commit; anything else is an error line).
void dispatch(const Commands& commands, const std::string& command, const std::function<void(std::string)>& reply);

/// `enumctl zones`: serial, counts and source per zone from `reader`, plus the
/// transfer state of each zone when `xfr` is set.
std::string zones_text(zones::Reader* reader, const xfr::Service* xfr);

}  // namespace control
}  // namespace enumd::server
