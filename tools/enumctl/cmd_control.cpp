// enumctl reload | stats | zones: talk to a running enumd over its control
// socket (--control PATH), or read a database directly (zones --db DIR).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "commands.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::enumctl {

int control_request(const std::string& path, const std::string& command) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("enumctl: socket");
        return 2;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        std::fprintf(stderr, "enumctl: control socket path too long: %s\n", path.c_str());
        ::close(fd);
        return 2;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "enumctl: cannot reach enumd at %s: %s (is it running with --control %s?)\n",
                     path.c_str(), std::strerror(errno), path.c_str());
        ::close(fd);
        return 2;
    }
    std::string line = std::string(command) + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        std::perror("enumctl: write");
        ::close(fd);
        return 2;
    }
    std::string reply;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    if (reply.empty()) {
        std::fprintf(stderr, "enumctl: enumd at %s closed the connection without a reply\n", path.c_str());
        return 1;
    }
    std::fputs(reply.c_str(), stdout);
    return reply.rfind("error", 0) == 0 ? 1 : 0;
}

Run add_reload(CLI::App& root) {
    auto control = std::make_shared<std::string>(kDefaultControl);
    CLI::App* cmd = root.add_subcommand("reload", "ask a running enumd to recompile its zone files and serve them");
    add_control_option(*cmd, *control);
    return [control] { return control_request(*control, "reload"); };
}

Run add_stats(CLI::App& root) {
    auto control = std::make_shared<std::string>(kDefaultControl);
    CLI::App* cmd = root.add_subcommand("stats", "the counters of a running enumd");
    add_control_option(*cmd, *control);
    return [control] { return control_request(*control, "stats"); };
}

namespace {

struct ZonesSettings {
    std::string control = kDefaultControl;
    std::string db;
};

int run_zones(const ZonesSettings& a) {
    if (a.db.empty()) return control_request(a.control, "zones");
    zones::Store::Options opts;
    opts.read_only = true;
    auto store = zones::Store::open(a.db, opts);
    if (!store) {
        std::fprintf(stderr, "enumctl: %s\n", store.error().c_str());
        return 2;
    }
    auto reader = (*store)->reader();
    if (!reader || !(*reader)->refresh()) {
        std::fprintf(stderr, "enumctl: cannot read %s\n", a.db.c_str());
        return 2;
    }
    std::printf("%-40s %12s %10s %10s  %-20s %s\n", "ZONE", "SERIAL", "RECORDS", "NODES", "COMPILED (UTC)", "SOURCE");
    for (const auto& z : (*reader)->zones()) {
        char when[32] = "-";
        std::time_t t = static_cast<std::time_t>(z.meta.compiled_at);
        std::tm tm{};
        if (gmtime_r(&t, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        std::printf("%-40s %12u %10llu %10llu  %-20s %s\n", z.origin.to_text().c_str(), z.meta.serial,
                    static_cast<unsigned long long>(z.meta.records), static_cast<unsigned long long>(z.meta.nodes),
                    when, z.meta.source.c_str());
    }
    (*reader)->release();
    return 0;
}

}  // namespace

Run add_zones(CLI::App& root) {
    auto s = std::make_shared<ZonesSettings>();
    CLI::App* cmd = root.add_subcommand("zones", "the zones of a running enumd, or of a database (--db)");
    add_control_option(*cmd, s->control);
    cmd->add_option("--db", s->db, "read this LMDB database instead of asking enumd")->type_name("DIR");
    return [s] { return run_zones(*s); };
}

}  // namespace enumd::enumctl
