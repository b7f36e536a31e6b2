// `api:` — the provisioning API (server/src/api/): where it listens and its bearer tokens.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/sections.hpp"

namespace enumd::server::config {

namespace {

/// The secret in `path` (relative to the configuration file), trailing
/// whitespace removed. Refused when other users may read it, or shorter than
/// 16 characters (a guessable token is no token). Never quoted in errors.
std::optional<std::string> read_secret(const YAML::Node& n, YamlChecker& c, const std::string& text) {
    std::filesystem::path path(text);
    if (path.is_relative()) path = std::filesystem::path(c.file).parent_path() / path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        c.error(n, "secret_file '" + path.string() + "' is not a readable regular file");
        return std::nullopt;
    }
    if ((st.st_mode & S_IROTH) != 0) {
        c.error(n, "secret_file '" + path.string() + "' is readable by every user: chmod o-r it");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    if (st.st_size <= 4096) ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (std::isspace(static_cast<unsigned char>(secret.back())) != 0)) secret.pop_back();
    if (!in || st.st_size > 4096 || secret.size() < 16 || secret.find_first_of(" \t\r\n") != std::string::npos) {
        c.error(n, "secret_file '" + path.string() + "' must hold one token of 16 to 4096 characters without blanks");
        return std::nullopt;
    }
    return secret;
}

}  // namespace

void api_section(const YAML::Node& n, YamlChecker& c, Config& cfg) {
    c.keys(n, {"listen", "tokens", "max_body"}, "api");
    if (!n.IsMap()) return;
    ApiConfig api;
    if (auto v = n["listen"]) {
        if (auto s = c.string(v, "api listen")) {
            if (!parse_endpoint(*s) || s->rfind(':') == std::string::npos || s->back() == ']')
                c.error(v, "'" + *s + "' is not an address:port such as 127.0.0.1:8053");
            else
                api.listen = *s;
        }
    } else {
        c.error(n, "api needs 'listen' (e.g. 127.0.0.1:8053)");
    }
    c.set(n, "max_body", 1024, 1LL << 30, api.max_body);
    const YAML::Node& tokens = n["tokens"];
    if (tokens && !tokens.IsSequence()) c.error(tokens, "api tokens must be a list of {name, secret_file, zones}");
    if (tokens && tokens.IsSequence()) {
        for (const auto& t : tokens) {
            c.keys(t, {"name", "secret_file", "zones"}, "an api token");
            if (!t.IsMap()) continue;
            ApiToken token;
            bool ok = true;
            auto name = t["name"] ? c.string(t["name"], "token name") : std::nullopt;
            if (!t["name"]) c.error(t, "an api token needs a 'name'");
            if (name)
                token.name = *name;
            else
                ok = false;
            auto file = t["secret_file"] ? c.string(t["secret_file"], "secret_file") : std::nullopt;
            auto secret = file ? read_secret(t["secret_file"], c, *file) : std::nullopt;
            if (!t["secret_file"]) c.error(t, "an api token needs a 'secret_file'");
            if (secret)
                token.secret = *secret;
            else
                ok = false;
            const YAML::Node& zones = t["zones"];
            if (!zones || !zones.IsSequence()) {
                c.error(zones ? zones : t, "an api token needs 'zones': the list of zones it may change");
                ok = false;
            } else {
                for (const auto& z : zones) {
                    auto text = c.string(z, "zone");
                    auto zone = text ? dns::Name::from_text(*text) : dns::Result<dns::Name>(dns::Error{""});
                    if (text && !zone) c.error(z, "'" + *text + "' is not a zone name: " + zone.error());
                    if (zone)
                        token.zones.push_back(*zone);
                    else
                        ok = false;
                }
            }
            for (const auto& other : api.tokens) {
                if (other.name == token.name) {
                    c.error(t, "api token '" + token.name + "' is defined twice");
                    ok = false;
                } else if (!token.secret.empty() && other.secret == token.secret) {
                    c.error(t, "api token '" + token.name + "' has the same secret as '" + other.name + "'");
                    ok = false;
                }
            }
            if (ok) api.tokens.push_back(std::move(token));
        }
    }
    cfg.server.api = std::move(api);
}

}  // namespace enumd::server::config
