#include "api/provisioning.hpp"

#include <openssl/crypto.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "enumd/numbering/e164.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/rdata_text.hpp"

namespace enumd::server::api {

namespace {

using nlohmann::json;
namespace bhttp = boost::beast::http;

http::Reply json_reply(unsigned status, const json& body) {
    return {status, "application/json", body.dump() + "\n"};
}

http::Reply error_reply(unsigned status, const std::string& sentence, json issues = json::array()) {
    json body{{"error", sentence}};
    if (!issues.empty()) body["issues"] = std::move(issues);
    return json_reply(status, body);
}

/// RFC 3986 §2.1 percent-decoding of one path segment; nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        int hi = hex(s[i + 1]);
        int lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

/// The path's segments after "/v1/", decoded; nullopt when it is not an API path.
std::optional<std::vector<std::string>> segments(std::string_view target) {
    auto q = target.find('?');
    if (q != std::string_view::npos) target = target.substr(0, q);
    constexpr std::string_view kPrefix = "/v1/";
    if (target.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    target.remove_prefix(kPrefix.size());
    std::vector<std::string> out;
    while (!target.empty()) {
        auto slash = target.find('/');
        auto part = percent_decode(target.substr(0, slash));
        if (!part) return std::nullopt;
        out.push_back(std::move(*part));
        if (slash == std::string_view::npos) break;
        target.remove_prefix(slash + 1);
    }
    return out;
}

/// Equal without a timing difference that depends on where the texts differ.
bool same_secret(std::string_view a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const char* reason_text(zones::ApplyFailure f) {
    switch (f) {
        case zones::ApplyFailure::Invalid:
            return "invalid";
        case zones::ApplyFailure::NotFound:
            return "not_found";
        case zones::ApplyFailure::NotZone:
            return "not_in_zone";
        case zones::ApplyFailure::NoZone:
            return "no_zone";
        case zones::ApplyFailure::TooLarge:
            return "too_large";
        case zones::ApplyFailure::YxDomain:
            return "yxdomain";
        case zones::ApplyFailure::NxDomain:
            return "nxdomain";
        case zones::ApplyFailure::YxRrset:
            return "yxrrset";
        case zones::ApplyFailure::NxRrset:
            return "nxrrset";
        case zones::ApplyFailure::Storage:
            return "storage";
    }
    return "invalid";
}

/// The HTTP status of a refused change set: the most serious of its issues.
unsigned failure_status(const zones::ApplyResult& r) {
    unsigned status = 400;
    for (const auto& i : r.issues) {
        if (i.reason == zones::ApplyFailure::Storage) return 500;
        if (i.reason == zones::ApplyFailure::TooLarge) status = 413;
        if (i.reason == zones::ApplyFailure::NoZone && status != 413) status = 404;
    }
    bool all_not_found = !r.issues.empty();
    for (const auto& i : r.issues) all_not_found = all_not_found && i.reason == zones::ApplyFailure::NotFound;
    return all_not_found ? 404 : status;
}

/// `numbers`: each change's number as written (empty: an RRset-level change).
json issues_json(const zones::ApplyResult& r, const std::vector<std::string>& numbers) {
    json out = json::array();
    for (const auto& i : r.issues) {
        json item{{"reason", reason_text(i.reason)}, {"message", i.message}};
        if (i.item) {
            item["item"] = *i.item;
            if (*i.item < numbers.size() && !numbers[*i.item].empty()) item["number"] = numbers[*i.item];
        }
        out.push_back(std::move(item));
    }
    return out;
}

/// One NAPTR of a JSON change: {"order", "preference", "flags", "service",
/// "regexp", "replacement"} or RFC 3403 presentation text.
std::optional<zones::Naptr> naptr_of(const json& j, const dns::Name& origin, std::string& why) {
    if (j.is_string()) {
        auto wire = zones::rdata_from_text(dns::RrType::NAPTR, j.get<std::string>(), origin);
        if (!wire) {
            why = "naptr: " + wire.error();
            return std::nullopt;
        }
        auto n = zones::decode_naptr(*wire);
        if (!n) why = "naptr: malformed";
        return n;
    }
    if (!j.is_object()) {
        why = "a naptr is an object {order, preference, flags, service, regexp, replacement} or presentation text";
        return std::nullopt;
    }
    zones::Naptr n;
    for (const auto& [key, v] : j.items()) {
        if (key == "order" || key == "preference") {
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 65535) {
                why = "naptr " + key + " must be an integer 0-65535";
                return std::nullopt;
            }
            (key == "order" ? n.order : n.preference) = v.get<std::uint16_t>();
        } else if (key == "flags" || key == "service" || key == "regexp") {
            if (!v.is_string()) {
                why = "naptr " + key + " must be a string";
                return std::nullopt;
            }
            (key == "flags" ? n.flags : key == "service" ? n.service : n.regexp) = v.get<std::string>();
        } else if (key == "replacement") {
            auto name = v.is_string() ? dns::Name::from_text(v.get<std::string>(), &origin)
                                      : dns::Result<dns::Name>(dns::Error{"must be a domain name"});
            if (!name) {
                why = "naptr replacement: " + name.error();
                return std::nullopt;
            }
            n.replacement = *name;
        } else {
            why = "unknown naptr key '" + key + "' (known: order, preference, flags, service, regexp, replacement)";
            return std::nullopt;
        }
    }
    return n;
}

/// The change of a "set" body or batch item (its "number" given apart).
/// Fills `c` (a fresh Change, in place: a batch holds 100,000 of them) from a JSON set; false: `why` says why.
bool set_change(const json& j, std::string number, const dns::Name& origin, std::string& why, zones::Change& c) {
    bool has_route = j.contains("route");
    bool has_naptr = j.contains("naptr");
    if (has_route == has_naptr) {
        why = "give either 'route' (with an optional 'rn') or 'naptr', not both";
        return false;
    }
    if (has_route) {
        if (!j["route"].is_string() || (j.contains("rn") && !j["rn"].is_string())) {
            why = "'route' and 'rn' are strings";
            return false;
        }
        c.kind = zones::ChangeKind::SetRoute;
        c.number = std::move(number);
        c.route = j["route"].get<std::string>();
        if (j.contains("rn")) c.rn = j["rn"].get<std::string>();
    } else {
        if (j.contains("rn")) {
            why = "'rn' goes with a 'route'";
            return false;
        }
        if (!j["naptr"].is_array() || j["naptr"].empty()) {
            why = "'naptr' is a non-empty list of records";
            return false;
        }
        std::vector<zones::Naptr> naptrs;
        for (const auto& item : j["naptr"]) {
            auto n = naptr_of(item, origin, why);
            if (!n) return false;
            naptrs.push_back(std::move(*n));
        }
        c.kind = zones::ChangeKind::SetNaptr;
        c.number = std::move(number);
        c.naptrs = std::move(naptrs);
    }
    if (j.contains("ttl")) {
        if (!j["ttl"].is_number_unsigned() || j["ttl"].get<std::uint64_t>() > 0x7FFFFFFF) {
            why = "'ttl' is an integer 0-2147483647 (RFC 2181 §8)";
            return false;
        }
        c.ttl = j["ttl"].get<std::uint32_t>();
    }
    return true;
}

bool only_keys(const json& j, std::initializer_list<std::string_view> keys, std::string& why) {
    for (const auto& [key, v] : j.items()) {
        bool known = false;
        for (auto k : keys) known = known || key == k;
        if (!known) {
            why = "unknown key '" + key + "'";
            return false;
        }
    }
    return true;
}

struct Api {
    const ApiConfig& config;
    zones::Store& store;
    SubmitFn submit_fn;
    std::unique_ptr<zones::Reader> reader;

    /// The token of the request, or nullptr.
    const ApiToken* token_of(const http::Request& req) const {
        auto field = req[bhttp::field::authorization];
        std::string_view auth(field.data(), field.size());
        constexpr std::string_view kBearer = "Bearer ";
        if (auth.size() <= kBearer.size() || !boost::beast::iequals(field.substr(0, kBearer.size()), "Bearer "))
            return nullptr;
        std::string_view secret(auth.data() + kBearer.size(), auth.size() - kBearer.size());
        const ApiToken* found = nullptr;
        for (const auto& t : config.tokens) {
            if (same_secret(secret, t.secret)) found = &t;  // no early exit: every token is compared
        }
        return found;
    }

    void handle(const http::Request& req, const http::Done& done) {
        auto parts = segments(std::string_view(req.target().data(), req.target().size()));
        if (!parts || parts->empty() || (*parts)[0] != "zones")
            return done(error_reply(404, "no such resource (the API is under /v1/zones)"));
        const ApiToken* token = token_of(req);
        if (token == nullptr)
            return done(error_reply(401, "missing or unknown bearer token (Authorization: Bearer TOKEN)"));
        if (parts->size() == 1) {
            if (req.method() != bhttp::verb::get) return done(error_reply(405, "GET /v1/zones"));
            return done(list_zones(*token));
        }
        auto zone = dns::Name::from_text((*parts)[1]);
        if (!zone) return done(error_reply(400, "'" + (*parts)[1] + "' is not a zone name: " + zone.error()));
        bool allowed = false;
        for (const auto& z : token->zones) allowed = allowed || z == *zone;
        if (!allowed)
            return done(error_reply(403, "token '" + token->name + "' may not change zone " + zone->to_text()));
        if (parts->size() == 3 && (*parts)[2] == "changes") {
            if (req.method() != bhttp::verb::post) return done(error_reply(405, "POST a batch to /changes"));
            return batch(*zone, req.body(), done);
        }
        if (parts->size() != 4 || (*parts)[2] != "numbers")
            return done(error_reply(404, "no such resource (/v1/zones/ZONE/numbers/NUMBER or /v1/zones/ZONE/changes)"));
        const std::string& number = (*parts)[3];
        switch (req.method()) {
            case bhttp::verb::get:
                return done(get_number(*zone, number));
            case bhttp::verb::put:
                return put_number(*zone, number, req.body(), done);
            case bhttp::verb::delete_:
                return submit(*zone, {zones::Change::delete_number(number)}, done);
            default:
                return done(error_reply(405, "GET, PUT or DELETE a number"));
        }
    }

    http::Reply list_zones(const ApiToken& token) {
        json zones = json::array();
        if (!reader->refresh()) return error_reply(500, "the database cannot be read");
        for (const auto& z : token.zones) {
            json item{{"zone", z.to_text()}};
            for (const auto& info : reader->zones()) {
                if (info.origin == z) item["serial"] = info.meta.serial;
            }
            if (!item.contains("serial")) item["served"] = false;
            zones.push_back(std::move(item));
        }
        reader->release();
        return json_reply(200, json{{"zones", zones}});
    }

    http::Reply get_number(const dns::Name& zone, const std::string& text) {
        auto digits = numbering::normalise_e164(text);
        if (!digits) return error_reply(400, "'" + text + "': " + digits.error());
        auto owner = numbering::owner_from_digits(*digits, zone);
        if (!owner) return error_reply(400, owner.error());
        if (!reader->refresh()) return error_reply(500, "the database cannot be read");
        const zones::ZoneInfo* info = nullptr;
        for (const auto& z : reader->zones()) {
            if (z.origin == zone) info = &z;
        }
        http::Reply reply;
        if (info == nullptr) {
            reply = error_reply(404, "zone " + zone.to_text() + " is not served");
        } else {
            json naptrs = json::array();
            std::uint32_t ttl = 0;
            if (auto node = reader->get(*info, *owner)) {
                if (auto set = node->find(dns::RrType::NAPTR)) {
                    ttl = set->ttl;
                    std::size_t off = 0;
                    std::span<const std::uint8_t> rdata;
                    while (set->next(off, rdata)) {
                        auto n = zones::decode_naptr(rdata);
                        if (!n) continue;
                        naptrs.push_back(json{{"order", n->order},
                                              {"preference", n->preference},
                                              {"flags", n->flags},
                                              {"service", n->service},
                                              {"regexp", n->regexp},
                                              {"replacement", n->replacement.to_text()}});
                    }
                }
            }
            if (naptrs.empty()) {
                reply = error_reply(
                    404, numbering::format_number(*digits) + " has no NAPTR records of its own in " + zone.to_text());
            } else {
                reply = json_reply(200, json{{"number", numbering::format_number(*digits)},
                                             {"owner", owner->to_text()},
                                             {"serial", info->meta.serial},
                                             {"ttl", ttl},
                                             {"naptr", naptrs}});
            }
        }
        reader->release();
        return reply;
    }

    void put_number(const dns::Name& zone, const std::string& number, const std::string& body, const http::Done& done) {
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return done(error_reply(400, "the body is not a JSON object"));
        std::string why;
        if (!only_keys(j, {"route", "rn", "naptr", "ttl"}, why)) return done(error_reply(400, why));
        std::vector<zones::Change> changes(1);
        if (!set_change(j, number, zone, why, changes.front())) return done(error_reply(400, why));
        submit(zone, std::move(changes), done);
    }

    void batch(const dns::Name& zone, const std::string& body, const http::Done& done) {
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("changes") || !j["changes"].is_array())
            return done(error_reply(400, "the body is not a JSON object with a 'changes' list"));
        const json& list = j["changes"];
        if (list.size() > zones::kMaxChangeSet)
            return done(error_reply(413, "a batch holds at most " + std::to_string(zones::kMaxChangeSet) +
                                             " changes; this one has " + std::to_string(list.size())));
        std::vector<zones::Change> changes;
        changes.reserve(list.size());
        json issues = json::array();
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json& item = list[i];
            std::string why;
            zones::Change& c = changes.emplace_back();  // filled in place; dropped again when refused
            bool ok = false;
            if (!item.is_object() || !item.contains("action") || !item["action"].is_string() ||
                !item.contains("number") || !item["number"].is_string()) {
                why = "each change is an object with an 'action' (set or delete) and a 'number'";
            } else {
                const auto& action = item["action"].get_ref<const std::string&>();
                std::string number = item["number"].get<std::string>();
                if (action == "set") {
                    ok = only_keys(item, {"action", "number", "route", "rn", "naptr", "ttl"}, why) &&
                         set_change(item, std::move(number), zone, why, c);
                } else if (action == "delete") {
                    ok = only_keys(item, {"action", "number"}, why);
                    if (ok) {
                        c.kind = zones::ChangeKind::DeleteNumber;
                        c.number = std::move(number);
                    }
                } else {
                    why = "unknown action '" + action + "' (set or delete)";
                }
            }
            if (!ok) {
                changes.pop_back();
                json issue{{"item", i}, {"reason", "invalid"}, {"message", why}};
                if (item.is_object() && item.contains("number") && item["number"].is_string())
                    issue["number"] = item["number"];
                issues.push_back(std::move(issue));
                continue;
            }
            c.where = "change " + std::to_string(i);
        }
        if (!issues.empty())
            return done(error_reply(400,
                                    std::to_string(issues.size()) + " of " + std::to_string(list.size()) +
                                        " changes are invalid; nothing was applied",
                                    std::move(issues)));
        submit(zone, std::move(changes), done);
    }

    void submit(const dns::Name& zone, std::vector<zones::Change> changes, const http::Done& done) {
        // The changes go to the writer whole (a copy of a 100,000-change batch was 6 % of its CPU); the
        // reply keeps only their numbers, for the reasons of refused items.
        auto numbers = std::make_shared<std::vector<std::string>>();
        numbers->reserve(changes.size());
        for (const auto& c : changes) numbers->push_back(c.number);
        submit_fn(zone, std::move(changes), [numbers, zone, done](zones::ApplyResult r) {
            if (!r.ok()) {
                std::string sentence = r.issues.size() == 1 && !r.issues[0].item
                                           ? r.issues[0].message
                                           : std::to_string(r.issues.size()) + " of " + std::to_string(numbers->size()) +
                                                 " changes were refused; nothing was applied";
                return done(error_reply(failure_status(r), sentence, issues_json(r, *numbers)));
            }
            done(json_reply(200, json{{"zone", zone.to_text()},
                                      {"serial", r.report->serial},
                                      {"changed", r.report->changed},
                                      {"changes", numbers->size()},
                                      {"owners_changed", r.report->owners_changed}}));
        });
    }
};

}  // namespace

http::Handler provisioning_handler(const ApiConfig& config, zones::Store& store, SubmitFn submit) {
    auto reader = store.reader();
    if (!reader) throw std::runtime_error("API: " + reader.error());
    auto api = std::make_shared<Api>(Api{config, store, std::move(submit), std::move(*reader)});
    return [api](const http::Request& req, const http::Done& done) { api->handle(req, done); };
}

}  // namespace enumd::server::api
