#pragma once
// enumd as a secondary: SOA refresh/retry/expire timers (RFC 1034 §4.3.5),
// NOTIFY-triggered refresh (RFC 1996), AXFR in with TSIG, stored through
// Store::write — one LMDB transaction, so a broken or interrupted transfer
// never replaces the data being served. SOA queries and transfers go through
// the client exchange (resolver/exchange.hpp); the transfer stream is read
// by TransferReader (transfer_in.hpp). Private to server/src/xfr.

#include <sys/socket.h>

#include <memory>
#include <string>

#include "enumd/resolver/exchange.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server::xfr {

class Secondaries {
public:
    /// `exchanger` carries SOA queries and transfers: null = the network;
    /// tests plug a scripted primary in.
    Secondaries(const Settings& settings, zones::Store& store, Service& service,
                std::shared_ptr<resolver::Exchanger> exchanger = nullptr);
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
