// enumctl set | delete | apply: live changes through a running enumd's
// control socket (server/src/control/live_commands.hpp), applied by its one
// writer in one transaction each (zones/README.md "Live changes").
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"

namespace enumd::enumctl {
namespace {

constexpr const char* kUsage =
    "usage: enumctl set ZONE NUMBER (--route R [--rn X] | --naptr TEXT...) [--control PATH]\n"
    "       enumctl delete ZONE NUMBER [--control PATH]\n"
    "       enumctl apply ZONE FILE.csv [--control PATH]   (header: action,number,route,rn[,naptr])\n";

int usage() {
    std::fputs(kUsage, stderr);
    return 2;
}

/// A value may not hold the tab or newline the control line is framed with.
bool plain(const std::string& s) {
    return s.find_first_of("\t\r\n") == std::string::npos;
}

}  // namespace

int cmd_live(int argc, char** argv) {
    std::string verb = argv[0];
    std::string control = kDefaultControl;
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> fields;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        bool more = i + 1 < argc;
        if ((s == "--control" || s == "-c") && more) {
            control = argv[++i];
        } else if (verb == "set" && (s == "--route" || s == "--rn") && more) {
            fields.emplace_back(s.substr(2), argv[++i]);
        } else if (verb == "set" && s == "--naptr" && more) {
            // Every following argument up to the next option is one NAPTR.
            while (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) fields.emplace_back("naptr", argv[++i]);
        } else if (s.rfind("--", 0) == 0) {
            return usage();
        } else {
            positional.push_back(s);
        }
    }
    if (positional.size() != 2) return usage();
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
        if (verb == "set" && fields.empty()) return usage();
        for (const auto& [k, v] : fields) line += "\t" + k + "\t" + v;
    }
    if (!plain(positional[0]) || !plain(positional[1])) return usage();
    for (const auto& kv : fields)
        if (!plain(kv.second)) return usage();
    return control_request(control, line);
}

}  // namespace enumd::enumctl
