#include "control/commands.hpp"

#include "control/live_commands.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server::control {

void dispatch(const Commands& commands, const std::string& command, const std::function<void(std::string)>& reply) {
    if (command == "reload") return reply(commands.reload());
    if (command == "stats") return reply(commands.metrics());
    if (command == "zones") return reply(commands.zones());
    if (is_live_command(command) && commands.live) return commands.live(command, reply);
    reply("error unknown command '" + command + "' (reload, stats, zones, set, delete, apply)\n");
}

std::string zones_text(zones::Reader* reader, const xfr::Service* xfr) {
    std::string out;
    if (reader == nullptr || !reader->refresh()) return "error cannot read database\n";
    for (const auto& z : reader->zones()) {
        out += z.origin.to_text() + " serial=" + std::to_string(z.meta.serial) +
               " records=" + std::to_string(z.meta.records) + " nodes=" + std::to_string(z.meta.nodes) +
               " compiled_at=" + std::to_string(z.meta.compiled_at) + " source=" + z.meta.source +
               (xfr != nullptr ? xfr->zone_status(z.origin, z.meta.source) : std::string()) + "\n";
    }
    if (xfr != nullptr) out += xfr->missing_zones_text(reader->zones());
    reader->release();
    return out;
}

}  // namespace enumd::server::control
