#include "yaml_numbers.hpp"

#include <algorithm>
#include <cctype>

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/route.hpp"

namespace enumd::zones::yaml {

using dns::RrType;

namespace {

constexpr std::string_view kRnPlaceholder = "{rn}";

/// Replaces every `{rn}` with kRnMarker; returns how many there were.
std::size_t mark_rn(std::string& text) {
    std::size_t n = 0;
    for (auto at = text.find(kRnPlaceholder); at != std::string::npos; at = text.find(kRnPlaceholder, at + 1)) {
        text.replace(at, kRnPlaceholder.size(), 1, kRnMarker);
        ++n;
    }
    return n;
}

/// The first `{word}` that is not a placeholder of a route's uri, if any.
std::optional<std::string> unknown_placeholder(std::string_view uri) {
    for (auto open = uri.find('{'); open != std::string_view::npos; open = uri.find('{', open + 1)) {
        auto close = uri.find('}', open);
        if (close == std::string_view::npos) return std::nullopt;
        std::string_view word = uri.substr(open, close - open + 1);
        if (word != "{number}" && word != "{digits}" && word != kRnPlaceholder) return std::string(word);
    }
    return std::nullopt;
}

bool good_route_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

void NumberReader::routes(const ytree::Node& m) {
    if (!m.IsMap()) {
        error(m, "'routes' must be a mapping of route names to NAPTR entries, not " + kind(m));
        return;
    }
    for (const auto& [key, value] : m.map()) {
        if (!key.IsScalar() || !good_route_name(key.Scalar())) {
            error(key, "a route name is 1 to 64 letters, digits, '-', '_' or '.'");
            continue;
        }
        const std::string& name = key.Scalar();
        if (route_index_.count(name) != 0) {
            error(key, "route '" + name + "' is defined twice");
            continue;
        }
        Route route;
        route.name = name;
        route.loc = loc(key);
        bool ok = !value.IsNull();
        if (!ok) error(key, "route '" + name + "' has no NAPTR entries");
        for (const auto& entry : value.IsNull() ? std::vector<ytree::Node>{} : list_or_one(value)) {
            std::uint32_t ttl = s_.ttl;
            bool has_ttl = false;
            auto x = naptr_fields(entry, ttl, true, has_ttl);
            if (!x) {
                ok = false;
                continue;
            }
            RouteNaptr r{*x, has_ttl ? std::optional<std::uint32_t>(ttl) : std::nullopt};
            // Checked once here with a sample rn, not at every number that uses the route.
            auto sample = expand_route_naptr(r, "1");
            std::optional<Naptr> decoded = sample ? decode_naptr(*sample) : std::nullopt;
            if (!decoded) {
                error(entry, "route '" + name + "': " + (sample ? std::string("malformed NAPTR") : sample.error()));
                ok = false;
                continue;
            }
            for (const auto& problem : check_naptr(*decoded)) {
                error(entry, "route '" + name + "': " + problem);
                ok = false;
            }
            route.records.push_back(std::move(r));
        }
        if (route.records.empty()) ok = false;
        if (!ok || s_.routes.size() >= 0xFFFE) {
            route_index_.emplace(name, 0);  // known, so its numbers do not also say "unknown route"
            continue;
        }
        s_.routes.push_back(std::move(route));
        route_index_.emplace(name, static_cast<std::uint16_t>(s_.routes.size()));
    }
}

bool NumberReader::routed_records(const ytree::Node& e, const dns::Name& owner, std::uint32_t ttl,
                                  std::vector<Record>& out) {
    const ytree::Node& rn_node = e["rn"];
    auto name = get_string(e["route"], "route");
    if (!name) return false;
    auto it = route_index_.find(*name);
    if (it == route_index_.end()) {
        error(e["route"], "unknown route '" + *name + "' (routes are defined under the top-level 'routes')");
        return false;
    }
    if (it->second == 0) return false;  // the route's own errors are reported where it is defined
    const Route& route = s_.routes[it->second - 1];
    RouteRef ref;
    ref.route = it->second;
    if (rn_node) {
        auto text = get_string(rn_node, "rn");
        if (!text) return false;
        numbering::NumberText rn;
        if (auto bad = numbering::parse_number(*text, rn)) {
            error(rn_node, "rn: " + bad->message);
            return false;
        }
        if (rn.prefix) {
            error(rn_node, "rn is one routing number (RFC 4694 §4), not a range");
            return false;
        }
        ref.rn_length = static_cast<std::uint8_t>(rn.digits.size());
        std::copy(rn.digits.begin(), rn.digits.end(), ref.rn.begin());
    }
    if (route.uses_rn() && !rn_node) {
        error(e["route"], "route '" + *name + "' has {rn}: this number needs 'rn' (its routing number)");
        return false;
    }
    if (!route.uses_rn() && rn_node) {
        error(rn_node, "route '" + *name + "' has no {rn}: this 'rn' would not be used");
        return false;
    }
    std::vector<std::string> problems;
    bool ok = route_records(it->second, ref.rn_digits(), owner, ttl, loc(e["route"]), out, problems);
    for (auto& p : problems) error(rn_node, std::move(p));
    return ok;
}

bool NumberReader::route_records(std::uint16_t index, std::string_view rn_digits, const dns::Name& owner,
                                 std::uint32_t ttl, const SourceLoc& where, std::vector<Record>& out,
                                 std::vector<std::string>& problems) {
    const Route& route = s_.routes[index - 1];
    RouteRef ref;
    ref.route = index;
    ref.rn_length = static_cast<std::uint8_t>(std::min(rn_digits.size(), kMaxRnDigits));
    std::copy_n(rn_digits.begin(), ref.rn_length, ref.rn.begin());
    for (const RouteNaptr& t : route.records) {
        auto rdata = expand_route_naptr(t, ref.rn_digits());
        if (!rdata) {
            problems.push_back("route '" + route.name + "' with this rn: " + rdata.error());
            continue;
        }
        out.push_back(Record{owner, RrType::NAPTR, t.ttl.value_or(ttl), std::move(*rdata), where, false, ref});
    }
    return problems.empty();
}

void NumberReader::number(const ytree::Node& e) {
    progress().read();
    if (!check_map(e, "a number entry", {"number", "naptr", "route", "rn", "ttl"})) return;
    if (!e["number"]) {
        error(e, "number entry without 'number'");
        return;
    }
    const ytree::Node& nn = e["number"];
    auto text = get_string(nn, "number");
    if (!text) return;
    numbering::NumberText num;
    if (auto bad = numbering::parse_number(*text, num)) {
        SourceLoc l = loc(nn);
        // A quoted scalar's mark is its opening quote.
        bool quoted = nn.Quoted();
        if (l.column > 0 && text->find('\n') == std::string::npos)
            l.column += static_cast<int>(bad->offset) + (quoted ? 1 : 0);
        s_.diags.error(l, bad->message);
        return;
    }
    std::string pretty = numbering::format_number(num.digits, num.prefix);
    auto owner = numbering::owner_from_digits(num.digits, s_.origin);
    if (!owner) {
        error(nn, owner.error());
        return;
    }
    std::string key = num.digits + (num.prefix ? "*" : "");
    auto [it, fresh] = numbers_seen_.emplace(key, loc(nn));
    if (!fresh) {
        error(nn, "number " + pretty + " is defined twice (first at " + it->second.to_text() + ")");
        return;
    }
    std::uint32_t ttl = ttl_or(e, s_.ttl);
    const bool has_naptr = e["naptr"] && !e["naptr"].IsNull();
    std::vector<Record> recs;
    if (e["route"]) {
        if (e["naptr"]) {
            error(e["naptr"], "number " + pretty + " has 'route' and 'naptr': give one of them");
            return;
        }
        if (!routed_records(e, *owner, ttl, recs)) return;
    } else if (e["rn"]) {
        error(e["rn"], "'rn' (a routing number) is for numbers with 'route'; write it into the NAPTR otherwise");
        return;
    } else if (!has_naptr) {
        error(e, "number " + pretty + " has no 'naptr' (or 'route')");
        return;
    } else {
        for (const auto& entry : list_or_one(e["naptr"])) {
            auto r = naptr_entry(entry, ttl);
            if (r)
                recs.push_back(
                    Record{*owner, RrType::NAPTR, r->first, std::move(r->second), loc(entry), false, RouteRef{}});
        }
    }
    if (num.prefix) {
        s_.ranges.push_back(PrefixRange{*owner, std::move(recs), loc(nn)});
    } else {
        for (auto& r : recs) s_.records.push_back(std::move(r));
    }
}

std::optional<std::pair<std::uint32_t, std::vector<std::uint8_t>>> NumberReader::naptr_entry(const ytree::Node& n,
                                                                                             std::uint32_t ttl) {
    bool has_ttl = false;
    auto x = naptr_fields(n, ttl, false, has_ttl);
    if (!x) return std::nullopt;
    auto wire = encode_naptr(*x);
    if (!wire) {
        error(n, wire.error());
        return std::nullopt;
    }
    return std::pair{ttl, std::move(*wire)};
}

std::optional<Naptr> NumberReader::naptr_fields(const ytree::Node& n, std::uint32_t& ttl, bool in_route,
                                                bool& has_ttl) {
    Naptr x;
    std::optional<std::string> uri;
    if (n.IsScalar()) {
        uri = n.Scalar();
    } else {
        if (!check_map(n, "a naptr entry",
                       {"uri", "order", "preference", "flags", "service", "regexp", "replacement", "ttl"}))
            return std::nullopt;
        bool ok = true;
        if (n["uri"]) {
            uri = get_string(n["uri"], "uri");
            if (!uri) ok = false;
            if (n["regexp"]) {
                error(n["regexp"], "a naptr entry has either 'uri' or 'regexp', not both");
                ok = false;
            }
            if (n["replacement"]) {
                error(n["replacement"],
                      "a naptr entry with 'uri' has no 'replacement' (RFC 3403 §4.1: regexp and replacement "
                      "exclude each other)");
                ok = false;
            }
        }
        if (n["order"]) {
            if (auto v = get_uint(n["order"], "order", 65535))
                x.order = static_cast<std::uint16_t>(*v);
            else
                ok = false;
        }
        if (n["preference"]) {
            if (auto v = get_uint(n["preference"], "preference", 65535))
                x.preference = static_cast<std::uint16_t>(*v);
            else
                ok = false;
        }
        if (n["flags"]) {
            if (n["flags"].IsNull())
                x.flags.clear();
            else if (auto v = get_string(n["flags"], "flags"))
                x.flags = *v;
            else
                ok = false;
        }
        if (n["service"]) {
            if (auto v = get_string(n["service"], "service"))
                x.service = *v;
            else
                ok = false;
        }
        if (n["regexp"] && !uri) {
            if (n["regexp"].IsNull())
                x.regexp.clear();
            else if (auto v = get_string(n["regexp"], "regexp"))
                x.regexp = *v;
            else
                ok = false;
        }
        if (n["replacement"] && !uri) {
            if (auto v = get_name(n["replacement"], "replacement"))
                x.replacement = *v;
            else
                ok = false;
        }
        if (!uri && !n["service"]) {
            error(n, "a naptr entry needs 'uri' (the shorthand) or 'service' with 'regexp' or 'replacement'");
            ok = false;
        }
        for (const char* field : {"flags", "service"}) {
            if (n[field] && n[field].IsScalar() && n[field].Scalar().find(kRnPlaceholder) != std::string::npos) {
                error(n[field], "{rn} goes into 'uri' or 'regexp' of a route, not into '" + std::string(field) + "'");
                ok = false;
            }
        }
        has_ttl = static_cast<bool>(n["ttl"]);
        ttl = ttl_or(n, ttl);
        if (!ok) return std::nullopt;
    }
    const ytree::Node& where = n.IsMap() ? (uri ? n["uri"] : n["regexp"]) : n;
    std::string& text = uri ? *uri : x.regexp;
    if (text.find(kRnPlaceholder) != std::string::npos && !in_route) {
        error(where,
              "{rn} (a routing number) is a placeholder of route sets: define the NAPTRs under 'routes' and "
              "give the number 'route' and 'rn'");
        return std::nullopt;
    }
    if (in_route && uri) {
        if (auto bad = unknown_placeholder(*uri)) {
            error(where,
                  "unknown placeholder " + *bad + " in a route; the placeholders are {number}, {digits} and {rn}");
            return std::nullopt;
        }
    }
    if (uri) {
        // RFC 3986 syntax, at the character it is about; the braces of {number}/{digits}/{rn} are ours.
        if (auto bad = numbering::check_uri_syntax(*uri, "{}")) {
            SourceLoc at = loc(where);
            if (at.column > 0 && where.IsScalar() && where.Scalar().find('\n') == std::string::npos)
                at.column += static_cast<int>(bad->offset) + (where.Quoted() ? 1 : 0);
            s_.diags.error(at, bad->message);
            return std::nullopt;
        }
    }
    std::string service_uri = uri ? *uri : std::string();
    if (in_route) mark_rn(text);
    if (uri) {
        auto re = numbering::subst_expr_for_uri(*uri);
        if (!re) {
            error(where, re.error());
            return std::nullopt;
        }
        x.regexp = *re;
        if (x.service.empty()) {
            auto svc = numbering::service_for_uri(service_uri);
            if (!svc) {
                error(where,
                      "no enumservice is known for the scheme of '" + service_uri + "'; give 'service' (e.g. E2U+sip)");
                return std::nullopt;
            }
            x.service = *svc;
        }
    }
    return x;
}

}  // namespace enumd::zones::yaml
