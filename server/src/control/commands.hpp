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
    std::function<std::string(const std::string&)> live;  ///< set / delete / apply (live_commands.hpp)
};

/// The reply to `command` ("reload", "stats", "zones"; anything else is an error line).
std::string dispatch(const Commands& commands, const std::string& command);

/// `enumctl zones`: serial, counts and source per zone from `reader`, plus the
/// transfer state of each zone when `xfr` is set.
std::string zones_text(zones::Reader* reader, const xfr::Service* xfr);

}  // namespace control
}  // namespace enumd::server
