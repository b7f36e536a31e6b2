#pragma once
/// The provisioning API (issue 11): numbers changed over HTTP/JSON, through
/// the one write path (ChangeWriter → Store::apply). Off unless `api.listen`
/// is configured; every request needs `Authorization: Bearer TOKEN` of a
/// token that lists the zone (fail closed: no token, no change).
///
///   GET    /v1/zones                              zones this token may change, with serials
///   GET    /v1/zones/{zone}/numbers/{number}      the number's own NAPTRs as served
///   PUT    /v1/zones/{zone}/numbers/{number}      {"route": R, "rn": X} or {"naptr": [...]}, optional "ttl"
///   DELETE /v1/zones/{zone}/numbers/{number}
///   POST   /v1/zones/{zone}/changes               {"changes": [{"action": "set"|"delete", "number": N, ...}]}
///
/// A reply is sent once the change is durable (the next query sees it).
/// Errors are JSON {"error": sentence, "issues": [{"item", "number", "reason", "message"}]};
/// nothing of a refused request is applied. server/README.md documents it.

#include <string>

#include <functional>
#include <vector>

#include "enumd/server/server.hpp"
#include "enumd/zones/change.hpp"
#include "http/http_server.hpp"

namespace enumd::server::api {

/// Hands a change set to the one writer of live changes (update.hpp: commit,
/// then NOTIFY); `done` runs once the set is durable or refused, on any thread.
using SubmitFn = std::function<void(dns::Name, std::vector<zones::Change>, std::function<void(zones::ApplyResult)>)>;

/// The request handler; `store` outlives it. Runs on one thread (its reads
/// use one Reader of its own).
http::Handler provisioning_handler(const ApiConfig& config, zones::Store& store, SubmitFn submit);

}  // namespace enumd::server::api
