#include "enumd/zones/yaml_loader.hpp"

#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string_view>

#include "enumd/zones/progress.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"
#include "yaml_explain.hpp"
#include "yaml_fields.hpp"
#include "yaml_numbers.hpp"
#include "yaml_services.hpp"
#include "yaml_source.hpp"
#include "yaml_tree.hpp"

namespace enumd::zones {
namespace {

namespace fs = std::filesystem;
using dns::RrType;

const std::vector<std::string_view> kTopKeys = {"origin",  "ttl",         "soa",     "ns",    "include",
                                                "routes",  "numbers",     "records", "plmns", "sip_pools",
                                                "sip_domains", "numbers_csv", "views"};
const std::vector<std::string_view> kContentKeys = {"include",   "numbers",     "records",    "plmns",
                                                    "sip_pools", "sip_domains", "numbers_csv"};

/// Owns the state the section readers share; a base so it is built first.
struct StateHolder {
    explicit StateHolder(Diagnostics& d) : state(d) {}
    yaml::ZoneState state;
};

/// Reads one YAML zone: the top-level file and its includes, the soa, ns and
/// generic records here; numbers and the 3GPP/SIP sections in their readers.
class Loader : StateHolder, yaml::FieldReader {
   public:
    Loader(Diagnostics& d, const YamlLoadOptions& options)
        : StateHolder(d), FieldReader(state), files_(options, d), numbers_(state, options), services_(state) {}

    std::optional<Zone> load_path(const std::string& path) {
        files_.start(path);
        std::optional<ytree::Document> doc = parse_file(path, SourceLoc{path, 0, 0});
        if (!doc) return std::nullopt;
        report_nul(*doc);
        return load_root(doc->root(), path);
    }

    std::optional<Zone> load_text(const std::string& text, const std::string& name) {
        files_.start(name);
        s_.file = name;
        ytree::Document doc;
        try {
            doc = ytree::Document::parse(text);
        } catch (const YAML::Exception& e) {
            syntax_error(name, text, e);
            return std::nullopt;
        }
        report_nul(doc);
        return load_root(doc.root(), name);
    }

   private:
    /// A NUL byte would cut names and record data short further on (C strings
    /// in ldns and inet_pton): an error wherever a scalar holds one.
    void report_nul(const ytree::Document& doc) {
        for (ytree::Mark m : doc.nul_scalars())
            s_.diags.error(SourceLoc{s_.file, m.line + 1, m.column + 1},
                           "text with a NUL byte (\\0): names, numbers and record data cannot hold one");
    }

    /// A tab in the indentation or a misindented key is said in words, at its place (yaml_explain.hpp);
    /// the parser's own words follow.
    void syntax_error(const std::string& file, std::string_view text, const YAML::Exception& e) {
        if (auto x = detail::explain_yaml_syntax(text, e.mark.line + 1)) {
            s_.diags.error(SourceLoc{file, x->line, x->column},
                           "YAML syntax error: " + x->message + " (the parser: " + e.msg + ")");
            return;
        }
        s_.diags.error(SourceLoc{file, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    }

    /// A YAML file is parsed whole before its entries are read: its bytes count as read once parsed (progress.hpp).
    static void parsed(std::size_t bytes) { progress().at(progress().add_source(bytes) + bytes); }

    std::optional<ytree::Document> parse_file(const std::string& path, const SourceLoc& from) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            s_.diags.error(from, "'" + path + "' is a directory, not a zone file");
            return std::nullopt;
        }
        std::ifstream in(path);
        if (!in) {
            s_.diags.error(from, "cannot read '" + path + "'");
            return std::nullopt;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        s_.file = path;
        const std::string text = ss.str();
        try {
            auto doc = ytree::Document::parse(text);
            parsed(text.size());
            return doc;
        } catch (const YAML::Exception& e) {
            syntax_error(path, text, e);
            return std::nullopt;
        }
    }

    // ---- files ---------------------------------------------------------------------------

    std::optional<Zone> load_root(const ytree::Node& root, const std::string& path) {
        SourceLoc start{path, 1, 1};
        if (!root.IsMap()) {
            s_.diags.error(start, root.IsNull() ? "the zone file is empty"
                                                : "a zone file must be a mapping with 'origin', 'soa', 'ns' ...");
            return std::nullopt;
        }
        check_map(root, "the zone file", kTopKeys);
        if (!root["origin"]) {
            s_.diags.error(start, "the zone file has no 'origin' (an included fragment cannot be checked on its own)");
            return std::nullopt;
        }
        auto origin_text = get_string(root["origin"], "origin");
        if (!origin_text) return std::nullopt;
        std::string ot = *origin_text;
        if (ot.empty() || ot.back() != '.') ot += '.';
        auto origin = dns::Name::from_text(ot);
        if (!origin) {
            error(root["origin"], "origin '" + *origin_text + "': " + origin.error());
            return std::nullopt;
        }
        s_.origin = *origin;
        s_.have_origin = true;
        zone_loc_ = loc(root["origin"]);
        if (root["ttl"]) s_.ttl = get_ttl(root["ttl"]).value_or(s_.ttl);
        if (root["soa"]) {
            soa(root["soa"]);
        } else {
            s_.diags.error(start, "the zone file has no 'soa' block");
        }
        if (root["ns"]) {
            for (const auto& n : list_or_one(root["ns"])) {
                if (auto name = get_name(n, "ns")) {
                    auto w = name->wire();
                    add(s_.origin, RrType::NS, s_.ttl, std::vector<std::uint8_t>(w.begin(), w.end()), loc(n));
                }
            }
        } else {
            s_.diags.error(start, "the zone file has no 'ns' list");
        }
        // Route sets first: numbers anywhere in the zone (includes too) refer to them.
        if (root["routes"]) numbers_.routes(root["routes"]);
        content(root);
        if (root["views"]) views(root["views"]);
        Zone z;
        numbers_.finish_bulk(z);
        services_.resolve_domains();
        expand_ranges(s_.records, s_.ranges, s_.diags);
        z.origin = s_.origin;
        z.records = std::move(s_.records);
        z.routes = std::move(s_.routes);
        z.views = std::move(views_);
        z.auto_serial = auto_serial_;
        z.loc = zone_loc_;
        z.source_files = files_.files();
        return z;
    }

    void content(const ytree::Node& root) {
        if (root["include"]) includes(root["include"]);
        if (root["numbers"] && expect_list(root["numbers"], "numbers"))
            for (const auto& e : root["numbers"].seq()) numbers_.number(e);
        if (root["numbers_csv"]) numbers_.numbers_csv(root["numbers_csv"], files_);
        if (root["records"] && expect_list(root["records"], "records"))
            for (const auto& e : root["records"].seq()) generic(e);
        if (root["plmns"] && expect_list(root["plmns"], "plmns"))
            for (const auto& e : root["plmns"].seq()) services_.plmn(e);
        if (root["sip_pools"] && expect_list(root["sip_pools"], "sip_pools"))
            for (const auto& e : root["sip_pools"].seq()) services_.sip_pool(e);
        if (root["sip_domains"] && expect_list(root["sip_domains"], "sip_domains"))
            for (const auto& e : root["sip_domains"].seq()) services_.sip_domain(e);
    }

    void includes(const ytree::Node& list) {
        std::string here = s_.file;
        for (const auto& n : list_or_one(list)) {
            auto rel = get_string(n, "include");
            if (!rel) continue;
            auto file = files_.enter(*rel, here, loc(n));
            if (!file) continue;
            s_.file = file->path;
            try {
                ytree::Document doc = ytree::Document::parse(file->text);
                parsed(file->text.size());
                report_nul(doc);
                included(doc.root());
            } catch (const YAML::Exception& e) {
                // yaml-cpp's messages are fixed sentences: the file's text is not quoted.
                syntax_error(s_.file, file->text, e);
            }
            files_.leave();
            s_.file = here;
        }
    }

    void included(const ytree::Node& root) {
        if (root.IsNull()) return;  // An empty fragment is fine.
        if (!root.IsMap()) {
            // Not quoted: a file that is not a mapping may be any file at all
            // (a password file reads as one long plain scalar).
            error(root, "an included file must be a mapping of " + yaml::join(kContentKeys) + ", not " +
                            (root.IsSequence() ? "a list" : "text"));
            return;
        }
        check_map(root, "an included file", kContentKeys);
        for (const auto& [k, v] : root.map()) {
            const std::string& name = k.Scalar();
            if (name == "origin" || name == "ttl" || name == "soa" || name == "ns")
                error(k, "'" + name + "' may only appear in the top-level zone file, not in an included file");
        }
        content(root);
    }

    // ---- soa ---------------------------------------------------------------------------

    void soa(const ytree::Node& n) {
        if (!check_map(n, "soa", {"mname", "rname", "serial", "min_serial", "refresh", "retry", "expire", "minimum", "ttl"}))
            return;
        Soa s{dns::Name{}, dns::Name{}, 1, 7200, 3600, 1209600, 300};
        bool ok = true;
        if (n["mname"]) {
            if (auto m = get_name(n["mname"], "soa mname"))
                s.mname = *m;
            else
                ok = false;
        } else {
            error(n, "soa needs 'mname' (the primary server's name)");
            ok = false;
        }
        if (n["rname"]) {
            ytree::Node rn = n["rname"];
            if (rn.IsScalar() && rn.Scalar().find('@') != std::string::npos) {
                // hostmaster@example.net → hostmaster.example.net. (RFC 1035 §3.3.13 mailbox as a name)
                std::string t = rn.Scalar();
                t[t.find('@')] = '.';
                if (t.back() != '.') t += '.';
                auto m = dns::Name::from_text(t);
                if (m)
                    s.rname = *m;
                else {
                    error(n["rname"], "soa rname: " + m.error());
                    ok = false;
                }
            } else if (auto m = get_name(rn, "soa rname")) {
                s.rname = *m;
            } else {
                ok = false;
            }
        } else {
            error(n, "soa needs 'rname' (the responsible person's mailbox, as hostmaster.example.net.)");
            ok = false;
        }
        auto_serial_ = true;
        if (n["serial"] && !(n["serial"].IsScalar() && n["serial"].Scalar() == "auto")) {
            auto v = get_uint(n["serial"], "soa serial", 0xffffffffULL);
            if (v) {
                s.serial = static_cast<std::uint32_t>(*v);
                auto_serial_ = false;
            } else {
                ok = false;
            }
        }
        if (n["min_serial"]) {
            // With `serial: auto`: the serial a first compile stores and the floor of later ones, so a
            // zone migrated with `enumctl import` keeps the serial its secondaries hold (RFC 1982).
            if (!auto_serial_) {
                error(n["min_serial"], "soa min_serial goes with 'serial: auto' (an explicit serial is the serial)");
                ok = false;
            } else if (auto v = get_uint(n["min_serial"], "soa min_serial", 0xffffffffULL)) {
                s.serial = static_cast<std::uint32_t>(*v);
            } else {
                ok = false;
            }
        }
        struct F {
            const char* key;
            std::uint32_t* field;
        };
        for (F f : {F{"refresh", &s.refresh}, F{"retry", &s.retry}, F{"expire", &s.expire}, F{"minimum", &s.minimum}}) {
            if (!n[f.key]) continue;
            auto v = get_uint(n[f.key], std::string("soa ") + f.key, kMaxTtl);
            if (v)
                *f.field = static_cast<std::uint32_t>(*v);
            else
                ok = false;
        }
        std::uint32_t ttl = ttl_or(n, s_.ttl);
        if (ok) add(s_.origin, RrType::SOA, ttl, encode_soa(s), loc(n));
    }

    // ---- views (views.hpp, zones/README.md "Views") -------------------------------------

    void views(const ytree::Node& list) {
        if (!expect_list(list, "views")) return;
        for (const auto& e : list.seq()) {
            if (!check_map(e, "a view", {"name", "match", "records"})) continue;
            View v;
            v.loc = loc(e);
            if (e["name"]) {
                if (auto n = get_string(e["name"], "view name")) {
                    const bool ok = !n->empty() && n->size() <= 63 && std::all_of(n->begin(), n->end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
                    });
                    if (ok)
                        v.name = *n;
                    else
                        error(e["name"], "view name '" + *n + "': 1 to 63 letters, digits, '-' and '_'");
                }
            } else {
                error(e, "a view needs 'name'");
            }
            if (e["match"]) {
                for (const auto& n : list_or_one(e["match"])) {
                    auto text = get_string(n, "view match");
                    if (!text) continue;
                    auto net = Network::from_text(*text);
                    if (!net) {
                        error(n, "view match " + net.error());
                        continue;
                    }
                    v.match.push_back(*net);
                    v.match_locs.push_back(loc(n));
                }
                if (v.match.empty() && !e["match"].IsSequence() && !e["match"].IsScalar())
                    error(e["match"], "view match must be a list of client networks");
                else if (list_or_one(e["match"]).empty())
                    error(e["match"], "view '" + v.name + "' has an empty 'match': it would never be chosen");
            } else {
                error(e, "view '" + v.name + "' needs 'match' (the client networks it answers, 192.0.2.0/24 or 2001:db8::/32)");
            }
            if (e["records"] && expect_list(e["records"], "view records")) {
                // The same entry syntax as the zone's `records`, collected apart from the default view's.
                std::vector<Record> zone_records;
                zone_records.swap(s_.records);
                for (const auto& r : e["records"].seq()) generic(r);
                v.records.swap(s_.records);
                s_.records.swap(zone_records);
            }
            views_.push_back(std::move(v));
        }
    }

    // ---- numbers -----------------------------------------------------------------------

    // ---- generic records ---------------------------------------------------------------

    void generic(const ytree::Node& e) {
        if (!check_map(e, "a record", {"name", "type", "ttl", "data"})) return;
        bool ok = true;
        std::optional<dns::Name> owner;
        if (e["name"])
            owner = get_name(e["name"], "record name", true);
        else
            error(e, "record without 'name'");
        RrType type = RrType::A;
        bool have_type = false;
        if (e["type"]) {
            auto t = get_string(e["type"], "type");
            if (t) {
                auto parsed = dns::rr_type_from_text(*t);
                if (!parsed)
                    error(e["type"], "unknown record type '" + *t + "'");
                else if (dns::is_meta_type(*parsed))
                    error(e["type"], "type " + *t + " is a meta type and cannot be stored in a zone");
                else if (*parsed == RrType::SOA)
                    error(e["type"], "write the SOA in the 'soa' block");
                else {
                    type = *parsed;
                    have_type = true;
                }
            }
        } else {
            error(e, "record without 'type'");
        }
        if (!e["data"]) {
            error(e, "record without 'data'");
            ok = false;
        }
        std::uint32_t ttl = ttl_or(e, s_.ttl);
        if (!owner || !have_type || !ok) return;
        for (const auto& d : list_or_one(e["data"])) {
            auto text = get_string(d, "data");
            if (!text) continue;
            auto rd = rdata_from_text(type, *text, s_.origin);
            if (!rd) {
                error(d, rd.error());
                continue;
            }
            add(*owner, type, ttl, std::move(*rd), loc(d));
        }
    }

    yaml::SourceFiles files_;
    yaml::NumberReader numbers_;
    yaml::ServiceReader services_;
    SourceLoc zone_loc_;
    std::vector<View> views_;
    bool auto_serial_ = true;
};

}  // namespace

bool is_yaml_path(const std::string& path) {
    auto ends = [&](std::string_view s) {
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    return ends(".yaml") || ends(".yml");
}

std::optional<Zone> load_yaml_zone(const std::string& path, Diagnostics& diags, const YamlLoadOptions& options) {
    return Loader(diags, options).load_path(path);
}

std::optional<Zone> load_yaml_zone_text(const std::string& text, const std::string& file_name, Diagnostics& diags,
                                        const YamlLoadOptions& options) {
    return Loader(diags, options).load_text(text, file_name);
}

}  // namespace enumd::zones
