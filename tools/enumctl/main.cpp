/// enumctl: the operator's tool over zones/ (check, compile, import, export,
/// diff) and a running enumd (reload, stats, zones).

#include <cstdio>
#include <cstring>
#include <string_view>

#include "enumd/build_info.hpp"
#include "commands.hpp"

namespace {

struct Command {
    std::string_view name;
    int (*run)(int, char**);
    std::string_view usage;
};

constexpr Command kCommands[] = {
    {"check", enumd::enumctl::cmd_check, "check [--origin O] [O=]FILE... validate zone files (YAML or RFC 1035)"},
    {"compile", enumd::enumctl::cmd_compile,
     "compile --db DIR FILE...      validate, then write the zones into the LMDB database"},
    {"import", enumd::enumctl::cmd_import, "import FILE                   RFC 1035 zone file to the YAML format"},
    {"export", enumd::enumctl::cmd_export, "export ...                    RFC 1035 text from YAML or the database"},
    {"diff", enumd::enumctl::cmd_diff, "diff OLD NEW                  what a change would do, RRset by RRset"},
    {"reload", enumd::enumctl::cmd_reload, "reload ...                    ask a running enumd to reload"},
    {"stats", enumd::enumctl::cmd_stats, "stats ...                     counters of a running enumd"},
    {"zones", enumd::enumctl::cmd_zones, "zones ...                     list zones"},
    {"set", enumd::enumctl::cmd_live, "set ZONE NUMBER --route R [--rn X] | --naptr TEXT...   change a number live"},
    {"delete", enumd::enumctl::cmd_live, "delete ZONE NUMBER            delete a number live"},
    {"apply", enumd::enumctl::cmd_live, "apply ZONE FILE.csv           apply action,number,route,rn rows as one transaction"},
};

void usage(std::FILE* out) {
    std::fputs("usage: enumctl COMMAND [ARGS...]   (enumctl --version: version and build)\n\ncommands:\n", out);
    for (const auto& c : kCommands) std::fprintf(out, "  %.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    std::string_view name = argv[1];
    if (name == "-h" || name == "--help" || name == "help") {
        usage(stdout);
        return 0;
    }
    if (name == "--version" || name == "version") {
        std::printf("%s\n", enumd::version_line("enumctl").c_str());
        return 0;
    }
    for (const auto& c : kCommands) {
        if (c.name == name) return c.run(argc - 1, argv + 1);
    }
    std::fprintf(stderr, "enumctl: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
