/// enumctl: the operator's tool over zones/ (check, compile, import, export,
/// diff) and a running enumd (reload, stats, zones, set, delete, apply).
/// One CLI11 App, one subcommand per cmd_*.cpp (tools/cli/: --help on stdout
/// with exit 0, usage errors on stderr with exit 2).

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"

using namespace enumd;

int main(int argc, char** argv) {
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
