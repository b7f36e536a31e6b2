// Configuration of transfers: TSIG keys and per-zone transfer/notify policy.
#include <yaml-cpp/yaml.h>

#include "enumd/server/config.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server::xfr {
namespace {

zones::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
    auto m = n.Mark();
    return {file, m.line + 1, m.column + 1};
}

void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* where,
                const std::string& file, zones::Diagnostics& diags) {
    if (!map.IsMap()) {
        diags.error(loc_of(file, map), std::string(where) + " must be a mapping");
        return;
    }
    for (const auto& kv : map) {
        auto key = kv.first.as<std::string>();
        bool ok = false;
        std::string list;
        for (const char* a : allowed) {
            ok = ok || key == a;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        if (!ok) diags.error(loc_of(file, kv.first), "unknown key '" + key + "' in " + where + " (known: " + list + ")");
    }
}

std::optional<std::string> scalar(const YAML::Node& n, const char* what, const std::string& file,
                                  zones::Diagnostics& diags) {
    if (!n || !n.IsScalar()) {
        diags.error(loc_of(file, n), std::string(what) + " must be a string");
        return std::nullopt;
    }
    return n.as<std::string>();
}

}  // namespace

std::optional<tsig::Key> parse_key_text(const std::string& text) {
    auto c1 = text.find(':');
    auto c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
    if (c2 == std::string::npos) return std::nullopt;
    auto name = dns::Name::from_text(text.substr(0, c1));
    auto alg = tsig::algorithm_from_text(text.substr(c1 + 1, c2 - c1 - 1));
    auto secret = tsig::base64_decode(text.substr(c2 + 1));
    if (!name || !alg || !secret) return std::nullopt;
    return tsig::Key{*name, *alg, *secret};
}

std::optional<SecondaryZone> parse_secondary_text(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos) return std::nullopt;
    auto origin = dns::Name::from_text(text.substr(0, eq));
    std::string rest = text.substr(eq + 1);
    std::string key;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        key = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    auto ep = parse_endpoint(rest);
    if (!origin || !ep) return std::nullopt;
    return SecondaryZone{*origin, {*ep}, key};
}

void parse_secondary(const YAML::Node& entry, const std::string& file, Settings& out, zones::Diagnostics& diags) {
    check_keys(entry, {"origin", "primary", "key", "transfer", "notify"}, "a secondary zone entry", file, diags);
    SecondaryZone z;
    auto o = entry["origin"];
    if (!o) {
        diags.error(loc_of(file, entry), "a secondary zone entry (with 'primary') needs 'origin'");
        return;
    }
    auto origin = scalar(o, "origin", file, diags);
    if (!origin) return;
    auto n = dns::Name::from_text(*origin);
    if (!n) {
        diags.error(loc_of(file, o), "origin: " + n.error());
        return;
    }
    z.origin = *n;
    YAML::Node list = entry["primary"];
    auto add = [&](const YAML::Node& item) {
        auto s = scalar(item, "primary", file, diags);
        if (!s) return;
        auto ep = parse_endpoint(*s);
        if (!ep) diags.error(loc_of(file, item), "'" + *s + "' is not an address[:port]");
        else z.primaries.push_back(*ep);
    };
    if (list.IsSequence()) {
        for (const auto& item : list) add(item);
    } else {
        add(list);
    }
    if (auto k = entry["key"]) {
        auto s = scalar(k, "key", file, diags);
        if (s && out.key(*s) == nullptr) diags.error(loc_of(file, k), "key '" + *s + "' is not defined in keys");
        else if (s) z.key = *s;
    }
    if (entry["transfer"] || entry["notify"]) parse_zone_policy(entry, file, "", z.origin, out, diags);
    out.secondaries.push_back(std::move(z));
}

void parse_keys(const YAML::Node& node, const std::string& file, Settings& out, zones::Diagnostics& diags) {
    if (!node.IsSequence()) {
        diags.error(loc_of(file, node), "keys must be a list of {name, algorithm, secret}");
        return;
    }
    for (const auto& item : node) {
        check_keys(item, {"name", "algorithm", "secret"}, "a TSIG key", file, diags);
        if (!item.IsMap()) continue;
        auto name = scalar(item["name"], "key name", file, diags);
        auto secret = scalar(item["secret"], "key secret", file, diags);
        std::string alg_text = "hmac-sha256";
        if (item["algorithm"]) {
            auto a = scalar(item["algorithm"], "key algorithm", file, diags);
            if (a) alg_text = *a;
        }
        if (!name || !secret) continue;
        tsig::Key key;
        auto n = dns::Name::from_text(*name);
        if (!n) {
            diags.error(loc_of(file, item["name"]), "key name: " + n.error());
            continue;
        }
        key.name = *n;
        auto alg = tsig::algorithm_from_text(alg_text);
        if (!alg) {
            diags.error(loc_of(file, item["algorithm"]),
                        "algorithm '" + alg_text + "' is not hmac-sha1, hmac-sha256, hmac-sha384 or hmac-sha512");
            continue;
        }
        key.algorithm = *alg;
        auto s = tsig::base64_decode(*secret);
        if (!s || s->empty()) {
            diags.error(loc_of(file, item["secret"]), "key secret must be base64 (as from `tsig-keygen` or `keymgr -t`)");
            continue;
        }
        key.secret = *s;
        for (const auto& k : out.keys) {
            if (k.name == key.name) diags.error(loc_of(file, item["name"]), "key " + *name + " is defined twice");
        }
        out.keys.push_back(std::move(key));
    }
}

void parse_zone_policy(const YAML::Node& entry, const std::string& file, const std::string& zone_file,
                       const std::optional<dns::Name>& origin, Settings& out, zones::Diagnostics& diags) {
    ZonePolicy pol;
    pol.origin = origin;
    pol.file = zone_file;
    if (auto t = entry["transfer"]) {
        check_keys(t, {"allow", "keys"}, "transfer", file, diags);
        if (t.IsMap()) {
            if (auto a = t["allow"]) {
                if (!a.IsSequence()) diags.error(loc_of(file, a), "transfer allow must be a list of address[/prefix]");
                pol.allow_set = true;  // even when empty: `allow: []` allows nobody (acl.hpp)
                for (const auto& item : a) {
                    auto s = scalar(item, "transfer allow entry", file, diags);
                    if (!s) continue;
                    auto e = Acl::parse_entry(*s);
                    if (!e) diags.error(loc_of(file, item), "'" + *s + "' is not an address[/prefix] such as 192.0.2.0/24");
                    else pol.allow.add(*e);
                }
            }
            if (auto k = t["keys"]) {
                if (!k.IsSequence()) diags.error(loc_of(file, k), "transfer keys must be a list of key names");
                for (const auto& item : k) {
                    auto s = scalar(item, "transfer key", file, diags);
                    if (!s) continue;
                    if (out.key(*s) == nullptr)
                        diags.error(loc_of(file, item), "key '" + *s + "' is not defined in keys (define keys first)");
                    else pol.keys.push_back(*s);
                }
            }
        }
    }
    if (auto n = entry["notify"]) {
        if (!n.IsSequence()) diags.error(loc_of(file, n), "notify must be a list of address:port");
        for (const auto& item : n) {
            auto s = scalar(item, "notify target", file, diags);
            if (!s) continue;
            auto ep = parse_endpoint(*s);
            if (!ep) diags.error(loc_of(file, item), "'" + *s + "' is not an address[:port]");
            else pol.notify.push_back(*ep);
        }
    }
    out.zones.push_back(std::move(pol));
}

}  // namespace enumd::server::xfr
