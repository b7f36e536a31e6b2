// enumctl set | delete | apply: live changes through a running enumd's
// control socket (server/src/control/live_commands.hpp), applied by its one
// writer in one transaction each (zones/README.md "Live changes").
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"

namespace enumd::enumctl {
namespace {

int usage(const std::string& verb, const char* what) {
    std::fprintf(stderr, "enumctl %s: %s\n(see enumctl %s --help)\n", verb.c_str(), what, verb.c_str());
    return 2;
}

/// A value may not hold the tab or newline the control line is framed with.
bool plain(const std::string& s) {
    return s.find_first_of("\t\r\n") == std::string::npos;
}

struct LiveSettings {
    std::string verb;
    std::string control = kDefaultControl;
    std::string zone;
    std::string second;  ///< NUMBER (set, delete) or FILE.csv (apply)
    std::string route, rn;
    std::vector<std::string> naptrs;
};

int run_live(const LiveSettings& s) {
    const std::string& verb = s.verb;
    const std::string& control = s.control;
    const std::vector<std::string> positional{s.zone, s.second};
    std::vector<std::pair<std::string, std::string>> fields;
    if (!s.route.empty()) fields.emplace_back("route", s.route);
    if (!s.rn.empty()) fields.emplace_back("rn", s.rn);
    for (const auto& n : s.naptrs) fields.emplace_back("naptr", n);
    std::string line = verb + "\t" + positional[0] + "\t";
    if (verb == "apply") {
        // enumd reads the file itself (as it reads zone files): give it an absolute path.
        char real[PATH_MAX];
        if (::realpath(positional[1].c_str(), real) == nullptr) {
            std::fprintf(stderr, "enumctl: %s: %s\n", positional[1].c_str(), std::strerror(errno));
            return 2;
        }
        line += real;
    } else {
        line += positional[1];
        if (verb == "set" && fields.empty()) return usage(verb, "give --route R [--rn X] or --naptr TEXT...");
        for (const auto& [k, v] : fields) line += "\t" + k + "\t" + v;
    }
    if (!plain(positional[0]) || !plain(positional[1])) return usage(verb, "a value holds a tab or a line break");
    for (const auto& kv : fields)
        if (!plain(kv.second)) return usage(verb, "a value holds a tab or a line break");
    return control_request(control, line);
}

}  // namespace

Run add_live(CLI::App& root, const std::string& verb) {
    auto s = std::make_shared<LiveSettings>();
    s->verb = verb;
    const bool set = verb == "set", apply = verb == "apply";
    CLI::App* cmd = root.add_subcommand(
        verb, set     ? "change a number live: enumctl set ZONE NUMBER (--route R [--rn X] | --naptr TEXT...)"
              : apply ? "apply action,number,route,rn[,naptr] rows of FILE.csv to ZONE as one transaction"
                      : "delete a number live: enumctl delete ZONE NUMBER");
    cmd->add_option("ZONE", s->zone, "the zone's origin")->required();
    cmd->add_option(apply ? "FILE.csv" : "NUMBER", s->second,
                    apply ? "CSV with the header action,number,route,rn[,naptr]" : "the E.164 number, +CC...")
        ->required();
    if (set) {
        cmd->add_option("--route", s->route, "the route the number takes (a route of the zone's routes:)")
            ->type_name("R");
        cmd->add_option("--rn", s->rn, "the routing number (number portability)")->type_name("X");
        // Every following argument up to the next option is one NAPTR.
        cmd->add_option("--naptr", s->naptrs, "the number's NAPTRs, one argument each, instead of a route")
            ->type_name("TEXT...")
            ->expected(1, -1);
    }
    add_control_option(*cmd, s->control);
    cmd->footer("Applied by the running enumd's one writer in one transaction (zones/README.md \"Live changes\").");
    return [s] { return run_live(*s); };
}

}  // namespace enumd::enumctl
