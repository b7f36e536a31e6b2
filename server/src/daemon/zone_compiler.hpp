#pragma once
/// The reload function of enumd (Server::ReloadFn): compile the configured
/// zone files into the database in one transaction, then NOTIFY the
/// secondaries of changed zones. Errors throw and leave the served data alone.

#include <string>

#include "enumd/server/config.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server::daemon {

class ZoneCompiler {
public:
    ZoneCompiler(const Config& cfg, zones::Store& store, xfr::Service& xfr) : cfg_(cfg), store_(store), xfr_(xfr) {}
    /// A one-line summary; throws std::runtime_error with every diagnostic.
    std::string operator()() const;

private:
    const Config& cfg_;
    zones::Store& store_;
    xfr::Service& xfr_;
};

}  // namespace enumd::server::daemon
