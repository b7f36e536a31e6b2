// enumctl set | delete | apply (live_commands.hpp).
#include "control/live_commands.hpp"

#include <vector>

#include "enumd/server/update.hpp"
#include "enumd/zones/change.hpp"

namespace enumd::server::control {
namespace {

std::vector<std::string> split_tabs(const std::string& s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (;;) {
        auto tab = s.find('\t', at);
        out.push_back(s.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
        if (tab == std::string::npos) return out;
        at = tab + 1;
    }
}

std::string errors_text(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += "error " + l + "\n";
    return out;
}

}  // namespace

bool is_live_command(const std::string& command) {
    return command.rfind("set\t", 0) == 0 || command.rfind("delete\t", 0) == 0 || command.rfind("apply\t", 0) == 0;
}

static std::string result_text(const dns::Name& zone, const zones::ApplyResult& r, std::size_t count) {
    if (!r.ok()) {
        std::vector<std::string> lines;
        for (const auto& i : r.issues) lines.push_back(i.to_text());
        return errors_text(lines) + "error nothing applied\n";
    }
    const zones::ApplyReport& rep = *r.report;
    if (!rep.changed) return "ok zone " + zone.to_text() + " unchanged, serial " + std::to_string(rep.serial) + "\n";
    return "ok zone " + zone.to_text() + " serial " + std::to_string(rep.serial) + ": " + std::to_string(count) +
           " change(s), " + std::to_string(rep.records_added) + " record(s) added, " +
           std::to_string(rep.records_removed) + " removed\n";
}

void live_command(update::Writer* writer, bool persistent, const std::string& command,
                  std::function<void(std::string)> reply) {
    if (writer == nullptr) return reply("error this enumd takes no live changes\n");
    if (!persistent)
        return reply(
            "error this enumd serves a temporary database (--zone without --db): a live change would be lost "
            "when it stops; start it with --db DIR (or database: in its config) to change numbers live\n");
    auto f = split_tabs(command);
    if (f.size() < 3) return reply("error usage: set|delete|apply ZONE NUMBER|FILE\n");
    auto zone = dns::Name::from_text(f[1]);
    if (!zone) return reply("error zone '" + f[1] + "': " + zone.error() + "\n");
    std::vector<zones::Change> changes;
    if (f[0] == "delete") {
        if (f.size() != 3) return reply("error usage: delete ZONE NUMBER\n");
        changes.push_back(zones::Change::delete_number(f[2]));
    } else if (f[0] == "set") {
        std::string route;
        std::string rn;
        std::vector<zones::Naptr> naptrs;
        for (std::size_t i = 3; i + 1 < f.size(); i += 2) {
            if (f[i] == "route") {
                route = f[i + 1];
            } else if (f[i] == "rn") {
                rn = f[i + 1];
            } else if (f[i] == "naptr") {
                auto n = zones::naptr_from_text(f[i + 1]);
                if (!n) return reply("error " + n.error() + "\n");
                naptrs.push_back(std::move(*n));
            } else {
                return reply("error unknown field '" + f[i] + "'\n");
            }
        }
        if (f.size() % 2 == 0) return reply("error a field without a value\n");
        if (route.empty() == naptrs.empty()) return reply("error set takes --route R [--rn X] or --naptr TEXT…\n");
        if (!rn.empty() && route.empty()) return reply("error --rn (a routing number) goes with --route\n");
        changes.push_back(route.empty() ? zones::Change::set_naptr(f[2], std::move(naptrs))
                                        : zones::Change::set_route(f[2], route, rn));
    } else {  // apply: the server reads the file, as it reads zone files — on the writer thread
        if (f.size() != 3) return reply("error usage: apply ZONE FILE.csv\n");
        dns::Name origin = *zone;
        writer->submit_file(origin, f[2], [origin, reply](zones::ApplyResult r, std::size_t count) {
            reply(result_text(origin, r, count));
        });
        return;
    }
    std::size_t count = changes.size();
    dns::Name origin = *zone;
    writer->submit(origin, std::move(changes),
                   [origin, count, reply](zones::ApplyResult r) { reply(result_text(origin, r, count)); });
}

}  // namespace enumd::server::control
