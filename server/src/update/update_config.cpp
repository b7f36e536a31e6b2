// `update:` on a zone entry (update.hpp): who may send RFC 2136 updates.
#include <yaml-cpp/yaml.h>

#include "enumd/server/update.hpp"
#include "enumd/server/xfr.hpp"

namespace enumd::server::update {
namespace {

zones::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
    auto m = n.Mark();
    return {file, m.line + 1, m.column + 1};
}

}  // namespace

bool Policy::allows(const sockaddr* peer, const tsig::Key* signed_with) const noexcept {
    // The transfer rule (xfr.cpp): an address list must hold the client, a key list must hold the signer.
    bool address_ok = allow_set ? allow.allows(peer) : !keys.empty();
    bool key_ok = keys.empty();
    if (signed_with != nullptr) {
        for (const auto& k : keys) {
            auto n = dns::Name::from_text(k);
            key_ok = key_ok || (n && signed_with->name == *n);
        }
    }
    return address_ok && key_ok;
}

const Policy* Settings::policy(const dns::Name& origin, const std::string& source) const noexcept {
    for (const auto& z : zones) {
        if (z.origin && *z.origin == origin) return &z;
    }
    for (const auto& z : zones) {
        if (!z.origin && !z.file.empty() && z.file == source) return &z;
    }
    return nullptr;
}

void parse_zone_update(const YAML::Node& entry, const std::string& file, const std::string& zone_file,
                       const std::optional<dns::Name>& origin, const xfr::Settings& xfr, Settings& out,
                       zones::Diagnostics& diags) {
    YAML::Node u = entry["update"];
    if (!u) return;
    Policy pol;
    pol.origin = origin;
    pol.file = zone_file;
    if (!u.IsMap()) {
        diags.error(loc_of(file, u), "update must be a mapping {allow: [address/prefix…], keys: [key name…]}");
        return;
    }
    for (const auto& kv : u) {
        auto key = kv.first.as<std::string>();
        if (key != "allow" && key != "keys")
            diags.error(loc_of(file, kv.first), "unknown key '" + key + "' in update (known: allow, keys)");
    }
    if (auto a = u["allow"]) {
        if (!a.IsSequence()) diags.error(loc_of(file, a), "update allow must be a list of address[/prefix]");
        pol.allow_set = true;  // even when empty: `allow: []` allows nobody (acl.hpp)
        for (const auto& item : a) {
            auto s = item.IsScalar() ? item.as<std::string>() : std::string();
            auto e = Acl::parse_entry(s);
            if (!e)
                diags.error(loc_of(file, item), "'" + s + "' is not an address[/prefix] such as 192.0.2.0/24");
            else
                pol.allow.add(*e);
        }
    }
    if (auto k = u["keys"]) {
        if (!k.IsSequence()) diags.error(loc_of(file, k), "update keys must be a list of key names");
        for (const auto& item : k) {
            auto s = item.IsScalar() ? item.as<std::string>() : std::string();
            if (xfr.key(s) == nullptr)
                diags.error(loc_of(file, item), "key '" + s + "' is not defined in keys (define keys first)");
            else
                pol.keys.push_back(s);
        }
    }
    out.zones.push_back(std::move(pol));
}

}  // namespace enumd::server::update
