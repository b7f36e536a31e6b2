#pragma once
/// Live changes into the served database (issue 11): RFC 2136 UPDATE from
/// the query workers and `enumctl set|delete|apply` from the control socket.
///
/// The Writer reads UPDATE messages on its own thread (zone, TSIG, policy,
/// prerequisite and update sections) and hands every change set to the one
/// writer of live changes (daemon/change_writer.hpp, which the HTTP API uses
/// too: group commit, zones::Store::apply); the reply goes out when the
/// transaction is durable, so the query workers never wait on a commit.
/// After a commit that changed a zone its secondaries get a NOTIFY
/// (xfr.hpp), at most once a second per zone: changes in between are
/// coalesced into the next NOTIFY.
///
/// Who may UPDATE a zone: `update: {allow: [CIDR…], keys: [NAME…]}` on its
/// zone entry, the shape and the fail-closed meaning of `transfer:` — no
/// entry, or an empty one, lets nobody update (REFUSED). With `allow` the
/// client's address must be listed; with `keys` the request must be signed
/// (TSIG, RFC 8945) with one of them; with both, both.

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/server/acl.hpp"
#include "enumd/server/tsig.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/model.hpp"
#include "enumd/zones/store.hpp"

namespace YAML {
class Node;
}

namespace enumd::server {
namespace xfr {
class Service;
struct Settings;
}  // namespace xfr

namespace update {

/// Who may send RFC 2136 updates to one zone.
struct Policy {
    std::optional<dns::Name> origin;  ///< the zone, when the config names it
    std::string file;                 ///< or the file it is compiled from (ZoneMeta::source)
    Acl allow;                        ///< addresses allowed to update
    bool allow_set = false;           ///< an allow list was given
    std::vector<std::string> keys;    ///< TSIG key names, one of which must sign; empty = none needed
    /// Fail closed: nothing configured allows nobody.
    [[nodiscard]] bool allows(const sockaddr* peer, const tsig::Key* signed_with) const noexcept;
};

struct Settings {
    std::vector<Policy> zones;
    /// The policy of a zone (by origin, else by source file); null = nobody may update.
    [[nodiscard]] const Policy* policy(const dns::Name& origin, const std::string& source) const noexcept;
};

/// Parses a zone entry's `update: {allow: [cidr…], keys: [name…]}` (keys defined in `xfr.keys`).
void parse_zone_update(const YAML::Node& entry, const std::string& file, const std::string& zone_file,
                       const std::optional<dns::Name>& origin, const xfr::Settings& xfr, Settings& out,
                       zones::Diagnostics& diags);

/// RFC 2136 and the control socket's door to the one writer.
class Writer {
   public:
    using Done = std::function<void(zones::ApplyResult)>;
    /// How a change set reaches the store: the server's ChangeWriter::submit
    /// (`done` runs on that writer's thread after the durable commit).
    using ApplyFn = std::function<void(dns::Name, std::vector<zones::Change>, Done)>;
    /// `store`: read snapshots for the zone checks; `xfr` (may be null): TSIG keys and NOTIFY after commits.
    Writer(zones::Store& store, Settings settings, xfr::Service* xfr, ApplyFn apply);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void start();
    /// Finishes the work queued so far, then stops the thread.
    void stop();

    using Reply = std::function<void(std::vector<std::uint8_t>)>;
    /// RFC 2136 over UDP or TCP: `reply` gets the response (empty: send
    /// nothing), called on the writer thread after the commit.
    void submit_update(std::vector<std::uint8_t> message, const sockaddr* peer, Reply reply);

    /// A change set from a trusted door (control socket, HTTP API with its
    /// own authentication): `done` is called on the writer thread once the
    /// set is durable, or refused.
    void submit(dns::Name origin, std::vector<zones::Change> changes, Done done);
    /// The same, waiting for the result (not on a query worker).
    zones::ApplyResult apply(dns::Name origin, std::vector<zones::Change> changes);
    /// `enumctl apply`: reads the change file `path` (zones::read_change_csv) on
    /// the writer thread — never on the caller's — then submits it as one set;
    /// `done` gets the result and the number of changes the file held. A file
    /// with errors is refused whole (one issue per error line).
    using FileDone = std::function<void(zones::ApplyResult, std::size_t)>;
    void submit_file(dns::Name origin, std::string path, FileDone done);

    /// "updates=N refused=N" for logs and `enumctl zones`.
    [[nodiscard]] std::string status() const;

   private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace update
}  // namespace enumd::server
