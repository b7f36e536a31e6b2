#pragma once
/// NOTIFY (RFC 1996) out: after a compile changes a zone's serial, every
/// configured secondary is told over UDP, with retries until it answers
/// (RFC 1996 §3.6), on a background thread so reloads never wait on the network.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/server/server.hpp"
#include "enumd/server/tsig.hpp"

namespace enumd::server::xfr {

struct Settings;

/// Builds a NOTIFY request for `origin` (opcode NOTIFY, AA, question
/// origin/SOA/IN, the new SOA serial as a hint in the answer section when
/// `soa_rdata` is given); signed when `key` is set. Returns the message.
std::vector<std::uint8_t> make_notify(std::uint16_t id, const dns::Name& origin, std::uint32_t soa_ttl,
                                      std::span<const std::uint8_t> soa_rdata, const tsig::Key* key,
                                      std::vector<std::uint8_t>* request_mac);

class Notifier {
public:
    explicit Notifier(const Settings& settings);
    ~Notifier();
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;
    /// Queues NOTIFYs for `serial` of `origin` to `targets`.
    void notify(const dns::Name& origin, std::uint32_t serial, const std::vector<Endpoint>& targets,
                const tsig::Key* key);
    /// Stops the thread; queued NOTIFYs are dropped.
    void stop();
    /// "notified=ADDR:serial,..." for `enumctl zones`.
    [[nodiscard]] std::string status(const dns::Name& origin) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace enumd::server::xfr
