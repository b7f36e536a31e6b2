#pragma once
// RFC 2136 UPDATE messages ⇄ a change set (zones/change.hpp), on the writer
// thread (update.hpp). Not a public header.

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/server/tsig.hpp"
#include "enumd/server/update.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/store.hpp"

namespace enumd::server::update {

/// An UPDATE request read and checked up to the point where its change set
/// can be applied (RFC 2136 §3.1 zone, §3.3 permission, §3.2/§3.4.1 the
/// prerequisite and update sections' syntax).
struct Request {
    bool drop = false;                ///< send nothing (runt, a response)
    std::optional<dns::Rcode> early;  ///< answered without applying
    std::string why;                  ///< for the log, with `early`
    dns::MessageView view;
    tsig::Verified tsig;
    dns::Name zone;
    std::vector<zones::Change> changes;  ///< the prerequisites first, then the updates
};

Request read_update(std::span<const std::uint8_t> message, const sockaddr* peer, zones::Reader& reader,
                    const Settings& settings, const std::vector<tsig::Key>& keys, std::uint64_t now);

/// The response (RFC 2136 §3.8: header and zone section), signed when the
/// request was (RFC 8945 §5.3), with the TSIG error when its check failed.
std::vector<std::uint8_t> update_response(const Request& request, dns::Rcode rcode, std::uint64_t now);

/// The rcode of an applied (or refused) change set (RFC 2136 §2.2 / §3.2).
dns::Rcode rcode_of(const zones::ApplyResult& result);

}  // namespace enumd::server::update
