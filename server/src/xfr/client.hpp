#pragma once
// The transfer side's use of the client exchange (resolver/exchange.hpp):
// where a configured endpoint is, and TSIG signing of the requests.
// Private to server/src/xfr.

#include <optional>
#include <vector>

#include "enumd/resolver/exchange.hpp"
#include "enumd/server/server.hpp"
#include "enumd/server/tsig.hpp"

namespace enumd::server::xfr {

/// The exchange's address for a configured endpoint; none when it is not an IP literal.
std::optional<resolver::ServerAddress> server_address(const Endpoint& ep);

/// A Request::sign that appends a TSIG record with `key` (RFC 8945 §5.1) and
/// keeps the request MAC in `*mac` for checking the answer; none without a key.
std::function<void(std::vector<std::uint8_t>&)> tsig_signing(const tsig::Key* key, std::vector<std::uint8_t>* mac);

}  // namespace enumd::server::xfr
