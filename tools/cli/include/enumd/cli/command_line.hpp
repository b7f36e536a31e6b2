#pragma once
/// The command lines of enumd, enumctl and enumq: one library (CLI11, Debian's libcli11-dev) and one set of
/// conventions (issue 13, "Consistent command lines"):
///   - `--help` (or `-h`) prints the help on stdout and exits 0; `--version` prints version_line() and exits 0;
///   - a usage error (unknown option, missing or malformed value) prints "PROG: what is wrong" and a pointer to
///     --help on stderr and exits 2 (kExitUsage) in all three (enumq's lookup outcomes start at 3,
///     tools/enumq/README.md);
///   - every option has a description; values are checked while parsing (validators below), never atoi'd.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "enumd/build_info.hpp"

namespace enumd::cli {

inline constexpr int kExitUsage = 2;

/// The shared look of an App: --help/-h and --version described, the option column wide enough for
/// "--secondary ORIGIN=ADDR:PORT[/KEY]", errors as "PROG: message" with a pointer to --help.
inline void configure(CLI::App& app, const std::string& program) {
    app.name(program);  // not argv[0]'s path, in the usage line and in the man page help2man makes
    app.set_help_flag("-h,--help", "print this help on stdout, then exit 0");
    app.set_version_flag("--version", version_line(program), "print the version, git revision and build type, then exit");
    app.get_formatter()->column_width(36);
    app.failure_message([program](const CLI::App* a, const CLI::Error& e) {
        std::string path;  // "enumctl check" for a subcommand
        for (const CLI::App* p = a; p != nullptr; p = p->get_parent())
            path = p->get_parent() == nullptr ? program + path : " " + p->get_name() + path;
        return path + ": " + e.what() + "\n(see " + path + " --help)\n";
    });
}

/// Parses argv. std::nullopt: go on; otherwise the process's exit status — 0 after --help/--version (printed
/// on stdout), `usage_exit` after a usage error (printed on stderr).
inline std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, int usage_exit = kExitUsage) {
    try {
        app.parse(argc, argv);
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        // CLI::App::exit prints the help (of the subcommand given) or the version on stdout, the error on stderr.
        const int status = app.exit(e, std::cout, std::cerr);
        return status == 0 ? 0 : usage_exit;
    }
}

/// An option given once per value and repeatable (`--server A --server B`): CLI11 lets a vector option take every
/// following argument, which would swallow the positional arguments after it (`--no-warn KIND FILE`).
inline CLI::Option* repeatable(CLI::Option* option) {
    return option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
}

/// Validators shared by the three programs.
inline CLI::Validator one_of(std::vector<std::string> words) {
    std::string names;
    for (const auto& w : words) names += (names.empty() ? "" : "|") + w;
    return CLI::Validator(
        [words, names](std::string& v) -> std::string {
            for (const auto& w : words)
                if (v == w) return {};
            return "'" + v + "' is not one of " + names;
        },
        "");  // the option's description names the words
}

/// A decimal integer in [lo, hi]: "abc", "12x", "" and out-of-range values are refused (atoi took them as 0).
inline CLI::Validator integer(unsigned long long lo, unsigned long long hi) {
    return CLI::Validator(
        [lo, hi](std::string& v) -> std::string {
            char* end = nullptr;
            errno = 0;
            const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || v[0] == '-' || v[0] == '+' || *end != '\0' || errno != 0)
                return "'" + v + "' is not a number";
            if (n < lo || n > hi)
                return "'" + v + "' is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")";
            return {};
        },
        "");
}

}  // namespace enumd::cli
