#pragma once
// enumd as a secondary: SOA refresh/retry/expire timers (RFC 1034 §4.3.5),
// NOTIFY-triggered refresh (RFC 1996), AXFR in with TSIG, stored through
// Store::write — one LMDB transaction, so a broken or interrupted transfer
// never replaces the data being served. Private to server/src/xfr.

#include <sys/socket.h>

#include <memory>
#include <string>

#include "enumd/server/xfr.hpp"

namespace enumd::server::xfr {

class Secondaries {
public:
    Secondaries(const Settings& settings, zones::Store& store, Service& service);
    ~Secondaries();
    Secondaries(const Secondaries&) = delete;
    Secondaries& operator=(const Secondaries&) = delete;

    void start();
    void stop();
    [[nodiscard]] bool is_secondary(const dns::Name& origin) const;
    /// A NOTIFY for `origin` from `peer`: true (and a refresh is due now)
    /// when `peer` is one of the zone's primaries.
    /// `signed_with` is the verified TSIG key of the NOTIFY (null when unsigned);
    /// a zone with a key accepts only NOTIFYs signed with it.
    bool notify(const dns::Name& origin, const sockaddr* peer, const tsig::Key* signed_with);
    /// " role=secondary serial=… last_transfer=… next_refresh=… result=…"
    [[nodiscard]] std::string status(const dns::Name& origin) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace enumd::server::xfr
