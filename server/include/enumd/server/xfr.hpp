#pragma once
/// Zone transfers out of the LMDB database: AXFR (RFC 5936) and IXFR
/// (RFC 1995, from the store's journal, AXFR-format fallback), per-zone
/// address ACLs and TSIG keys (RFC 8945), NOTIFY (RFC 1996) to the
/// configured secondaries after a compile changes a serial.
///
/// A transfer streams from one read snapshot (its own zones::Reader): the
/// zone is never built in memory, a reload during the transfer does not
/// change what the secondary receives, and the TCP session writes message
/// by message so its worker keeps answering queries in between.

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/acl.hpp"
#include "enumd/server/server.hpp"
#include "enumd/server/tsig.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/store.hpp"

namespace YAML {
class Node;
}

namespace enumd::server::xfr {

/// Who may transfer a zone and whom to NOTIFY.
struct ZonePolicy {
    std::optional<dns::Name> origin;   ///< the zone, when the config names it
    std::string file;                  ///< or the file it is compiled from (ZoneMeta::source)
    Acl allow;                         ///< addresses allowed to transfer
    bool allow_set = false;            ///< an allow list was given
    std::vector<std::string> keys;     ///< TSIG key names, one of which must sign; empty = none needed
    std::vector<Endpoint> notify;      ///< secondaries told about new serials
};

/// A zone this server is a secondary for (RFC 1034 §4.3.5, RFC 1996).
struct SecondaryZone {
    dns::Name origin;
    std::vector<Endpoint> primaries;  ///< tried in order
    std::string key;                  ///< TSIG key name for SOA checks and transfers; empty = unsigned
};

struct Settings {
    std::vector<tsig::Key> keys;
    std::vector<SecondaryZone> secondaries;
    std::vector<ZonePolicy> zones;
    ZonePolicy defaults;  ///< --allow-transfer / --notify on the command line
    /// Octets per transfer message (RFC 5936 §2.2: as many records as fit).
    std::size_t message_size = 65535;
    /// The policy of a zone (by origin, else by source file), else the defaults.
    [[nodiscard]] const ZonePolicy& policy(const dns::Name& origin, const std::string& source) const noexcept;
    [[nodiscard]] const tsig::Key* key(const std::string& name) const noexcept;
};

/// Parses `keys: [{name, algorithm, secret}]` from the configuration.
void parse_keys(const YAML::Node& node, const std::string& file, Settings& out, zones::Diagnostics& diags);
/// Parses a zone entry's `transfer: {allow: [cidr…], keys: [name…]}` and
/// `notify: [addr:port…]` into a policy for `zone_file` / `origin`.
void parse_zone_policy(const YAML::Node& entry, const std::string& file, const std::string& zone_file,
                       const std::optional<dns::Name>& origin, Settings& out, zones::Diagnostics& diags);
/// Parses a zone entry with `primary:` (a secondary zone); `origin:` is required.
void parse_secondary(const YAML::Node& entry, const std::string& file, Settings& out, zones::Diagnostics& diags);
/// "ORIGIN=ADDR:PORT[/KEY]" (command line --secondary).
std::optional<SecondaryZone> parse_secondary_text(const std::string& text);
/// "NAME:ALGORITHM:BASE64" (command line --tsig-key).
std::optional<tsig::Key> parse_key_text(const std::string& text);

/// What kind of message a query is, read from the header and question
/// without a full parse (cheap enough for every packet).
enum class Kind : std::uint8_t {
    None,
    Axfr,
    Ixfr,
    Notify,
    Soa,  ///< SOA query with additional records: maybe TSIG-signed (refresh checks)
};
Kind classify(std::span<const std::uint8_t> msg) noexcept;

/// One transfer's responses, produced message by message.
class Stream {
public:
    virtual ~Stream() = default;
    /// Writes the next message into `out` (65535 octets); 0 when finished.
    virtual std::size_t next(std::span<std::uint8_t> out) = 0;
};

class Notifier;
class Secondaries;

class Service {
public:
    Service(Settings settings, zones::Store& store);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    /// AXFR/IXFR over TCP: a stream of responses (a single REFUSED,
    /// NOTAUTH or FORMERR message when the request is not served).
    std::unique_ptr<Stream> start_transfer(std::span<const std::uint8_t> query, const sockaddr* peer);
    /// Single-message cases: AXFR/IXFR over UDP (RFC 1995 §2: IXFR answers
    /// the SOA; AXFR is FORMERR, RFC 5936 §4.2), NOTIFY, and TSIG-signed SOA
    /// queries (a secondary's refresh check, answered and signed). Returns
    /// the response size (0 = drop), or nothing when the normal query path
    /// should answer (an unsigned SOA query).
    std::optional<std::size_t> handle_datagram(std::span<const std::uint8_t> query, std::span<std::uint8_t> out,
                                               const sockaddr* peer, Transport transport,
                                               const AnswerOptions& options);

    /// After a compile: NOTIFY the secondaries of zones whose serial changed.
    void zones_written(const zones::WriteReport& report);
    /// Starts the refresh timers of secondary zones (after the server listens).
    void start();
    /// Stops background work (NOTIFY retries, refreshes).
    void stop();

    /// `enumctl zones` lines for secondary zones not (yet, or no longer) in the database.
    [[nodiscard]] std::string missing_zones_text(const std::vector<zones::ZoneInfo>& present) const;
    /// Counters for logs and `enumctl zones`.
    [[nodiscard]] std::string zone_status(const dns::Name& origin, const std::string& source) const;

    [[nodiscard]] const Settings& settings() const noexcept { return settings_; }

private:
    std::unique_ptr<Stream> open(const dns::QueryView& q, dns::QueryParse parsed, const sockaddr* peer, bool udp);
    Settings settings_;
    zones::Store& store_;
    std::unique_ptr<Notifier> notifier_;
    std::unique_ptr<Secondaries> secondaries_;
};

}  // namespace enumd::server::xfr
