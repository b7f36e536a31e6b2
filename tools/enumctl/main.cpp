/// enumctl: the operator's tool over zones/ (check, compile, import, export,
/// diff) and a running enumd (reload, stats, zones, set, delete, apply).
/// One CLI11 App, one subcommand per cmd_*.cpp (tools/cli/: --help on stdout
/// with exit 0, usage errors on stderr with exit 2).

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"

using namespace enumd;

namespace {

/// glibc's malloc backs its heap with transparent huge pages only under the glibc.malloc.hugetlb tunable, and
/// tunables are read at process start: the commands that read whole zones start once more with it set. On
/// this 2-vCPU VM, `enumctl compile` of a 1,475,771-record RFC 1035 zone took 4.2 instead of 5.1-7.5 CPU
/// seconds (a page fault per 4 KiB of records was the rest), of 10M CSV numbers 6.1 instead of 7.4; peak RSS
/// +3 %. An operator's own setting of the tunable wins; a glibc that does not know it ignores it, and a
/// failed exec just goes on without.
void with_huge_pages(int argc, char** argv) {
    if (argc < 2) return;
    const std::string_view cmd = argv[1];
    if (cmd != "check" && cmd != "compile" && cmd != "import" && cmd != "export" && cmd != "diff") return;
    const char* have = std::getenv("GLIBC_TUNABLES");
    std::string tunables = have != nullptr ? have : "";
    if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
    tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
    if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
    ::execv("/proc/self/exe", argv);
    ::unsetenv("GLIBC_TUNABLES");  // the exec failed: as started
    if (have != nullptr) ::setenv("GLIBC_TUNABLES", have, 1);
}

}  // namespace

int main(int argc, char** argv) {
    with_huge_pages(argc, argv);
    CLI::App app("enumctl: check, compile, import, export and diff enumd zones; reload, query and change a running "
                 "enumd.");
    cli::configure(app, "enumctl");
    app.set_help_all_flag("--help-all", "print the help of every command, then exit 0");
    app.require_subcommand(1);
    app.footer("`enumctl help COMMAND` or `enumctl COMMAND --help`: the options of COMMAND.\n"
               "Exit status: 0 fine, 1 the input has errors (diff: the zones differ), 2 usage or environment.");
    std::vector<std::pair<CLI::App*, enumctl::Run>> commands;
    auto add = [&](const char* name, enumctl::Run run) { commands.emplace_back(app.get_subcommand(name), std::move(run)); };
    add("check", enumctl::add_check(app));
    add("compile", enumctl::add_compile(app));
    add("import", enumctl::add_import(app));
    add("export", enumctl::add_export(app));
    add("diff", enumctl::add_diff(app));
    add("reload", enumctl::add_reload(app));
    add("stats", enumctl::add_stats(app));
    add("zones", enumctl::add_zones(app));
    for (const char* verb : {"set", "delete", "apply"}) add(verb, enumctl::add_live(app, verb));

    std::vector<std::string> names;
    for (const auto& [cmd, run] : commands) names.push_back(cmd->get_name());
    std::string topic;
    CLI::App* help = app.add_subcommand("help", "print the help of COMMAND (of enumctl without one), then exit 0");
    help->add_option("COMMAND", topic, "a command named above")->check(cli::one_of(names));

    if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end() &&
        std::string(argv[1]) != "help") {
        std::cerr << "enumctl: unknown command '" << argv[1] << "'\n(see enumctl --help)\n";
        return cli::kExitUsage;
    }
    if (auto status = cli::parse(app, argc, argv)) return *status;
    if (help->parsed()) {
        // The root's own help: App::help() would show the help of the subcommand parsed ("help").
        std::cout << (topic.empty() ? app.get_formatter()->make_help(&app, "", CLI::AppFormatMode::Normal)
                                    : app.get_subcommand(topic)->help("enumctl"));
        return 0;
    }
    for (const auto& [cmd, run] : commands) {
        if (cmd->parsed()) return run();
    }
    return cli::kExitUsage;  // require_subcommand(1) makes this unreachable
}
