// enumd --check-config (check_config.hpp).
#include "daemon/check_config.hpp"

#include <cstdio>
#include <exception>
#include <string>

#include "daemon/database.hpp"
#include "daemon/zone_compiler.hpp"

namespace enumd::server::daemon {

int check_config(Config cfg) {
    if (auto problem = check_key_references(cfg); !problem.empty()) {
        std::fprintf(stderr, "enumd: %s\nenumd: configuration has errors\n", problem.c_str());
        return 1;
    }
    // The real database stays untouched: the zones go to a private directory, removed on return.
    DatabaseDir scratch("");
    cfg.database = scratch.path();
    zones::Store::Options options;
    if (cfg.map_size != 0) options.map_size = cfg.map_size;
    try {
        std::size_t records = 0;
        std::size_t count = 0;
        if (!cfg.zones.empty()) {
            auto store = zones::Store::open(cfg.database, options);
            if (!store) throw std::runtime_error("temporary database: " + store.error());
            auto report = compile_zones(cfg, **store);
            for (const auto& z : report.zones) records += z.records;
            count = report.zones.size();
        }
        std::printf("enumd: configuration OK, %zu zone(s) compiled, %zu records\n", count, records);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\nenumd: zones have errors\n", e.what());
        return 1;
    }
}

}  // namespace enumd::server::daemon
