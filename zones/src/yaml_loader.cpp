#include "enumd/zones/yaml_loader.hpp"

#include <arpa/inet.h>
#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/gpp_names.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/ranges.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"
#include "yaml_source.hpp"
#include "yaml_tree.hpp"

namespace enumd::zones {
namespace {

namespace fs = std::filesystem;
using dns::RrType;

std::string join(const std::vector<std::string_view>& keys) {
    std::string s;
    for (auto k : keys) s += (s.empty() ? "" : ", ") + std::string(k);
    return s;
}

enum class Transport { Udp, Tcp, Tls };

struct TransportInfo {
    std::string_view yaml;     ///< as written in `transports`
    std::string_view srv;      ///< SRV owner prefix (RFC 3263 §4.2)
    std::string_view service;  ///< NAPTR service (RFC 3263 §4.1)
    std::uint16_t port;        ///< default port
};

const TransportInfo& info(Transport t) {
    static const TransportInfo kInfo[] = {
        {"udp", "_sip._udp", "SIP+D2U", 5060},
        {"tcp", "_sip._tcp", "SIP+D2T", 5060},
        {"tls", "_sips._tcp", "SIPS+D2T", 5061},
    };
    return kInfo[static_cast<int>(t)];
}

const std::vector<std::string_view> kTopKeys = {"origin",  "ttl",     "soa",   "ns",        "include",
                                                "numbers", "records", "plmns", "sip_pools", "sip_domains"};
const std::vector<std::string_view> kContentKeys = {"include", "numbers",   "records",
                                                    "plmns",   "sip_pools", "sip_domains"};

class Loader {
   public:
    Loader(Diagnostics& d, const YamlLoadOptions& options) : d_(d), files_(options, d) {}

    std::optional<Zone> load_path(const std::string& path) {
        files_.start(path);
        std::optional<ytree::Document> doc = parse_file(path, SourceLoc{path, 0, 0});
        if (!doc) return std::nullopt;
        report_nul(*doc);
        return load_root(doc->root(), path);
    }

    std::optional<Zone> load_text(const std::string& text, const std::string& name) {
        files_.start(name);
        file_ = name;
        ytree::Document doc;
        try {
            doc = ytree::Document::parse(text);
        } catch (const YAML::Exception& e) {
            syntax_error(name, e);
            return std::nullopt;
        }
        report_nul(doc);
        return load_root(doc.root(), name);
    }

   private:
    // ---- diagnostics and scalar helpers ------------------------------------------------

    SourceLoc loc(const ytree::Node& n) const {
        ytree::Mark m = n.mark();
        return SourceLoc{file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
    }
    void error(const ytree::Node& n, std::string msg) { d_.error(loc(n), std::move(msg)); }

    /// A NUL byte would cut names and record data short further on (C strings
    /// in ldns and inet_pton): an error wherever a scalar holds one.
    void report_nul(const ytree::Document& doc) {
        for (ytree::Mark m : doc.nul_scalars())
            d_.error(SourceLoc{file_, m.line + 1, m.column + 1},
                     "text with a NUL byte (\\0): names, numbers and record data cannot hold one");
    }

    void syntax_error(const std::string& file, const YAML::Exception& e) {
        d_.error(SourceLoc{file, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    }

    std::optional<ytree::Document> parse_file(const std::string& path, const SourceLoc& from) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            d_.error(from, "'" + path + "' is a directory, not a zone file");
            return std::nullopt;
        }
        std::ifstream in(path);
        if (!in) {
            d_.error(from, "cannot read '" + path + "'");
            return std::nullopt;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        file_ = path;
        try {
            return ytree::Document::parse(ss.str());
        } catch (const YAML::Exception& e) {
            syntax_error(path, e);
            return std::nullopt;
        }
    }

    /// Unknown and repeated keys are errors: a misspelt key must not be ignored.
    bool check_map(const ytree::Node& n, std::string_view what, const std::vector<std::string_view>& allowed) {
        if (!n.IsMap()) {
            error(n, std::string(what) + " must be a mapping (key: value), not " + kind(n));
            return false;
        }
        const auto& pairs = n.map();
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const ytree::Node& k = pairs[i].first;
            std::string_view key = k.IsScalar() ? std::string_view(k.Scalar()) : std::string_view("?");
            for (std::size_t j = 0; j < i; ++j) {
                if (pairs[j].first.IsScalar() && pairs[j].first.Scalar() == key) {
                    error(k, "key '" + std::string(key) + "' appears twice in " + std::string(what));
                    break;
                }
            }
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                error(k, "unknown key '" + std::string(key) + "' in " + std::string(what) +
                             "; known keys: " + join(allowed));
        }
        return true;
    }

    static std::string kind(const ytree::Node& n) {
        switch (n.Type()) {
            case ytree::Kind::Map:
                return "a mapping";
            case ytree::Kind::Sequence:
                return "a list";
            case ytree::Kind::Null:
                return "empty";
            case ytree::Kind::Scalar:
                return "'" + n.Scalar() + "'";
            default:
                return "undefined";
        }
    }

    std::optional<std::string> get_string(const ytree::Node& n, std::string_view what) {
        if (!n.IsScalar()) {
            error(n, std::string(what) + " must be text, not " + kind(n));
            return std::nullopt;
        }
        return n.Scalar();
    }

    std::optional<std::uint64_t> get_uint(const ytree::Node& n, std::string_view what, std::uint64_t max) {
        std::string range = " must be an integer from 0 to " + std::to_string(max);
        if (!n.IsScalar() || n.Scalar().empty()) {
            error(n, std::string(what) + range + ", not " + kind(n));
            return std::nullopt;
        }
        const std::string& s = n.Scalar();
        std::uint64_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') {
                error(n, std::string(what) + range + ", not '" + s + "'");
                return std::nullopt;
            }
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
            if (v > max) {
                error(n, std::string(what) + " " + s + " is out of range" + (what == "ttl" ? " (RFC 2181 §8)" : "") +
                             ": it" + range);
                return std::nullopt;
            }
        }
        return v;
    }

    std::optional<std::uint32_t> get_ttl(const ytree::Node& n) {
        auto v = get_uint(n, "ttl", kMaxTtl);
        if (!v) return std::nullopt;
        return static_cast<std::uint32_t>(*v);
    }

    /// TTL from `n[key]` when present, else `fallback`.
    std::uint32_t ttl_or(const ytree::Node& parent, std::uint32_t fallback) {
        if (!parent.IsMap() || !parent["ttl"]) return fallback;
        return get_ttl(parent["ttl"]).value_or(fallback);
    }

    /// A domain name: letters, digits, '-' and '_' per label (RFC 1035 §2.3.1
    /// plus '_' for service labels, RFC 2782), '*' only as the leftmost label
    /// when `wildcard` is allowed; 63/255 octets.
    std::optional<dns::Name> get_name(const ytree::Node& n, std::string_view what, bool wildcard = false) {
        auto text = get_string(n, what);
        if (!text) return std::nullopt;
        const std::string& t = *text;
        if (t != "@" && t != ".") {
            std::size_t start = 0;
            std::size_t index = 0;
            while (start < t.size()) {
                std::size_t dot = t.find('.', start);
                std::string_view label(t.data() + start, (dot == std::string::npos ? t.size() : dot) - start);
                if (label == "*") {
                    if (!wildcard || index != 0) {
                        error(n, std::string(what) + " '" + t +
                                     "': '*' is only allowed as the leftmost label of a record name");
                        return std::nullopt;
                    }
                } else {
                    for (char c : label) {
                        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
                            error(n, std::string(what) + " '" + t + "' contains '" + std::string(1, c) +
                                         "': labels are letters, digits, '-' and '_'");
                            return std::nullopt;
                        }
                    }
                }
                if (dot == std::string::npos) break;
                start = dot + 1;
                ++index;
            }
        }
        auto name = dns::Name::from_text(t, have_origin_ ? &origin_ : nullptr);
        if (!name) {
            error(n, std::string(what) + " '" + t + "': " + name.error());
            return std::nullopt;
        }
        return *name;
    }

    static std::vector<ytree::Node> list_or_one(const ytree::Node& n) {
        std::vector<ytree::Node> out;
        if (n.IsSequence()) {
            out = n.seq();
        } else if (n.IsDefined() && !n.IsNull()) {
            out.push_back(n);
        }
        return out;
    }

    bool expect_list(const ytree::Node& n, std::string_view what) {
        if (n.IsSequence() || n.IsNull()) return true;
        error(n, std::string(what) + " must be a list, not " + kind(n));
        return false;
    }

    void add(const dns::Name& owner, RrType type, std::uint32_t ttl, std::vector<std::uint8_t> rdata,
             const SourceLoc& where, bool generated = false) {
        records_.push_back(Record{owner, type, ttl, std::move(rdata), where, generated});
    }

    /// A or AAAA rdata from an address text.
    std::optional<std::pair<RrType, std::vector<std::uint8_t>>> address(const ytree::Node& n) {
        auto text = get_string(n, "address");
        if (!text) return std::nullopt;
        std::uint8_t buf[16];
        if (inet_pton(AF_INET, text->c_str(), buf) == 1)
            return std::pair{RrType::A, std::vector<std::uint8_t>(buf, buf + 4)};
        if (inet_pton(AF_INET6, text->c_str(), buf) == 1)
            return std::pair{RrType::AAAA, std::vector<std::uint8_t>(buf, buf + 16)};
        error(n, "'" + *text + "' is not an IPv4 or IPv6 address");
        return std::nullopt;
    }

    void add_address(const dns::Name& host, const ytree::Node& n, std::uint32_t ttl) {
        auto a = address(n);
        if (!a) return;
        std::string key = host.to_lookup_key() + '\0' + std::string(a->second.begin(), a->second.end());
        if (!addresses_.insert(key).second) return;  // a host shared by pools: one record
        add(host, a->first, ttl, std::move(a->second), loc(n), true);
    }

    // ---- files ---------------------------------------------------------------------------

    std::optional<Zone> load_root(const ytree::Node& root, const std::string& path) {
        SourceLoc start{path, 1, 1};
        if (!root.IsMap()) {
            d_.error(start, root.IsNull() ? "the zone file is empty"
                                          : "a zone file must be a mapping with 'origin', 'soa', 'ns' ...");
            return std::nullopt;
        }
        check_map(root, "the zone file", kTopKeys);
        if (!root["origin"]) {
            d_.error(start, "the zone file has no 'origin' (an included fragment cannot be checked on its own)");
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
        origin_ = *origin;
        have_origin_ = true;
        zone_loc_ = loc(root["origin"]);
        if (root["ttl"]) ttl_ = get_ttl(root["ttl"]).value_or(ttl_);
        if (root["soa"]) {
            soa(root["soa"]);
        } else {
            d_.error(start, "the zone file has no 'soa' block");
        }
        if (root["ns"]) {
            for (const auto& n : list_or_one(root["ns"])) {
                if (auto name = get_name(n, "ns")) {
                    auto w = name->wire();
                    add(origin_, RrType::NS, ttl_, std::vector<std::uint8_t>(w.begin(), w.end()), loc(n));
                }
            }
        } else {
            d_.error(start, "the zone file has no 'ns' list");
        }
        content(root);
        resolve_domains();
        expand_ranges(records_, ranges_, d_);
        Zone z;
        z.origin = origin_;
        z.records = std::move(records_);
        z.auto_serial = auto_serial_;
        z.loc = zone_loc_;
        return z;
    }

    void content(const ytree::Node& root) {
        if (root["include"]) includes(root["include"]);
        if (root["numbers"] && expect_list(root["numbers"], "numbers"))
            for (const auto& e : root["numbers"].seq()) number(e);
        if (root["records"] && expect_list(root["records"], "records"))
            for (const auto& e : root["records"].seq()) generic(e);
        if (root["plmns"] && expect_list(root["plmns"], "plmns"))
            for (const auto& e : root["plmns"].seq()) plmn(e);
        if (root["sip_pools"] && expect_list(root["sip_pools"], "sip_pools"))
            for (const auto& e : root["sip_pools"].seq()) sip_pool(e);
        if (root["sip_domains"] && expect_list(root["sip_domains"], "sip_domains"))
            for (const auto& e : root["sip_domains"].seq()) sip_domain(e);
    }

    void includes(const ytree::Node& list) {
        std::string here = file_;
        for (const auto& n : list_or_one(list)) {
            auto rel = get_string(n, "include");
            if (!rel) continue;
            auto file = files_.enter(*rel, here, loc(n));
            if (!file) continue;
            file_ = file->path;
            try {
                ytree::Document doc = ytree::Document::parse(file->text);
                report_nul(doc);
                included(doc.root());
            } catch (const YAML::Exception& e) {
                // yaml-cpp's messages are fixed sentences: the file's text is not quoted.
                syntax_error(file_, e);
            }
            files_.leave();
            file_ = here;
        }
    }

    void included(const ytree::Node& root) {
        if (root.IsNull()) return;  // An empty fragment is fine.
        if (!root.IsMap()) {
            // Not quoted: a file that is not a mapping may be any file at all
            // (a password file reads as one long plain scalar).
            error(root, "an included file must be a mapping of " + join(kContentKeys) + ", not " +
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
        if (!check_map(n, "soa", {"mname", "rname", "serial", "refresh", "retry", "expire", "minimum", "ttl"})) return;
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
        std::uint32_t ttl = ttl_or(n, ttl_);
        if (ok) add(origin_, RrType::SOA, ttl, encode_soa(s), loc(n));
    }

    // ---- numbers -----------------------------------------------------------------------

    void number(const ytree::Node& e) {
        if (!check_map(e, "a number entry", {"number", "naptr", "ttl"})) return;
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
            d_.error(l, bad->message);
            return;
        }
        std::string pretty = numbering::format_number(num.digits, num.prefix);
        auto owner = numbering::owner_from_digits(num.digits, origin_);
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
        std::uint32_t ttl = ttl_or(e, ttl_);
        if (!e["naptr"] || e["naptr"].IsNull()) {
            error(e, "number " + pretty + " has no 'naptr'");
            return;
        }
        std::vector<Record> recs;
        for (const auto& entry : list_or_one(e["naptr"])) {
            auto r = naptr_entry(entry, ttl);
            if (r) recs.push_back(Record{*owner, RrType::NAPTR, r->first, std::move(r->second), loc(entry), false});
        }
        if (num.prefix) {
            ranges_.push_back(PrefixRange{*owner, std::move(recs), loc(nn)});
        } else {
            for (auto& r : recs) records_.push_back(std::move(r));
        }
    }

    /// One NAPTR entry: a URI string, a mapping with `uri`, or the full fields.
    std::optional<std::pair<std::uint32_t, std::vector<std::uint8_t>>> naptr_entry(const ytree::Node& n,
                                                                                   std::uint32_t ttl) {
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
            ttl = ttl_or(n, ttl);
            if (!ok) return std::nullopt;
        }
        if (uri) {
            auto re = numbering::subst_expr_for_uri(*uri);
            if (!re) {
                error(n.IsMap() ? n["uri"] : n, re.error());
                return std::nullopt;
            }
            x.regexp = *re;
            if (x.service.empty()) {
                auto svc = numbering::service_for_uri(*uri);
                if (!svc) {
                    error(n.IsMap() ? n["uri"] : n,
                          "no enumservice is known for the scheme of '" + *uri + "'; give 'service' (e.g. E2U+sip)");
                    return std::nullopt;
                }
                x.service = *svc;
            }
        }
        auto wire = encode_naptr(x);
        if (!wire) {
            error(n, wire.error());
            return std::nullopt;
        }
        return std::pair{ttl, std::move(*wire)};
    }

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
        std::uint32_t ttl = ttl_or(e, ttl_);
        if (!owner || !have_type || !ok) return;
        for (const auto& d : list_or_one(e["data"])) {
            auto text = get_string(d, "data");
            if (!text) continue;
            auto rd = rdata_from_text(type, *text, origin_);
            if (!rd) {
                error(d, rd.error());
                continue;
            }
            add(*owner, type, ttl, std::move(*rd), loc(d));
        }
    }

    // ---- 3GPP --------------------------------------------------------------------------

    void plmn(const ytree::Node& e) {
        if (!check_map(e, "a plmn entry", {"mcc", "mnc", "name", "epdg", "ims", "ttl"})) return;
        if (!e["mcc"] || !e["mnc"]) {
            error(e, "a plmn entry needs 'mcc' and 'mnc'");
            return;
        }
        auto mcc = get_string(e["mcc"], "mcc");
        auto mnc = get_string(e["mnc"], "mnc");
        if (!mcc || !mnc) return;
        auto made = numbering::Plmn::make(*mcc, *mnc);
        if (!made) {
            error(made.error().rfind("MCC", 0) == 0 ? e["mcc"] : e["mnc"], made.error());
            return;
        }
        const numbering::Plmn& p = *made;
        auto [it, fresh] = plmns_seen_.emplace(p.label_pair(), std::pair{p, loc(e["mnc"])});
        if (!fresh) {
            const numbering::Plmn& q = it->second.first;
            error(e["mnc"], "PLMN " + p.to_text() + " is spelled " + p.label_pair() + " in names, like PLMN " +
                                q.to_text() + " at " + it->second.second.to_text() +
                                (q.mnc() == p.mnc() ? " (the same PLMN twice)"
                                                    : " (\"" + q.mnc() + "\" and \"" + p.mnc() +
                                                      "\" are different MNCs but both pad to mnc" + p.mnc3() + ")"));
            return;
        }
        std::uint32_t ttl = ttl_or(e, ttl_);
        if (e["name"]) (void)get_string(e["name"], "name");
        if (e["epdg"]) {
            dns::Name epdg = *dns::Name::from_text(numbering::epdg_fqdn(p));
            for (const auto& a : list_or_one(e["epdg"])) add_address(epdg, a, ttl);
        }
        if (e["ims"]) {
            const ytree::Node& ims = e["ims"];
            if (!check_map(ims, "ims", {"pcscf", "icscf", "scscf", "sip_domain", "ttl"})) return;
            dns::Name domain = *dns::Name::from_text(numbering::ims_domain(p));
            std::uint32_t ims_ttl = ttl_or(ims, ttl);
            for (const char* role : {"pcscf", "icscf", "scscf"}) {
                if (!ims[role]) continue;
                auto name = domain.prepend(role);
                if (name) define_pool(*name, ims[role], std::string("ims ") + role, ims_ttl, false);
            }
            if (ims["sip_domain"]) {
                auto role = get_string(ims["sip_domain"], "sip_domain");
                if (role) {
                    if (*role != "pcscf" && *role != "icscf" && *role != "scscf") {
                        error(ims["sip_domain"],
                              "sip_domain names a role of this block: pcscf, icscf or scscf, not '" + *role + "'");
                    } else if (!ims[*role]) {
                        error(ims["sip_domain"], "sip_domain '" + *role + "' has no pool in this ims block");
                    } else {
                        domains_.push_back(
                            DomainRef{domain, *domain.prepend(*role), 10, ims_ttl, loc(ims["sip_domain"])});
                    }
                }
            }
        }
    }

    void sip_pool(const ytree::Node& e) {
        if (!check_map(e, "a sip_pools entry", {"name", "transports", "members", "ttl"})) return;
        if (!e["name"]) {
            error(e, "a sip_pools entry needs 'name'");
            return;
        }
        auto name = get_name(e["name"], "pool name");
        if (!name) return;
        define_pool(*name, e, "sip pool", ttl_or(e, ttl_), true);
    }

    void define_pool(const dns::Name& name, const ytree::Node& e, std::string_view what, std::uint32_t ttl,
                     bool named) {
        if (named) {
            if (!e.IsMap()) return;
        } else if (!check_map(e, std::string(what), {"transports", "members", "ttl"})) {
            return;
        }
        std::vector<Transport> transports;
        if (e["transports"]) {
            for (const auto& t : list_or_one(e["transports"])) {
                auto s = get_string(t, "transport");
                if (!s) continue;
                std::optional<Transport> tr;
                for (Transport c : {Transport::Udp, Transport::Tcp, Transport::Tls})
                    if (info(c).yaml == *s) tr = c;
                if (!tr) {
                    error(t, "transport '" + *s + "' is not one of udp, tcp, tls");
                } else if (std::find(transports.begin(), transports.end(), *tr) != transports.end()) {
                    error(t, "transport '" + *s + "' is listed twice");
                } else {
                    transports.push_back(*tr);
                }
            }
        } else {
            transports = {Transport::Udp, Transport::Tcp};
        }
        ttl = ttl_or(e, ttl);
        auto [it, fresh] = pools_.emplace(name.to_lookup_key(), Pool{name, transports, loc(e)});
        if (!fresh) {
            error(e, "pool " + name.to_text() + " is defined twice (first at " + it->second.loc.to_text() + ")");
            return;
        }
        if (!e["members"] || list_or_one(e["members"]).empty()) {
            error(e, "pool " + name.to_text() + " has no members");
            return;
        }
        if (!expect_list(e["members"], "members")) return;
        for (const auto& m : e["members"].seq()) {
            if (!check_map(m, "a pool member", {"host", "priority", "weight", "port", "addresses"})) continue;
            if (!m["host"]) {
                error(m, "a pool member needs 'host'");
                continue;
            }
            auto host = get_name(m["host"], "host");
            if (!host) continue;
            std::uint16_t prio = 10;
            std::uint16_t weight = 100;
            std::optional<std::uint16_t> port;
            if (m["priority"])
                if (auto v = get_uint(m["priority"], "priority", 65535)) prio = static_cast<std::uint16_t>(*v);
            if (m["weight"])
                if (auto v = get_uint(m["weight"], "weight", 65535)) weight = static_cast<std::uint16_t>(*v);
            if (m["port"])
                if (auto v = get_uint(m["port"], "port", 65535)) port = static_cast<std::uint16_t>(*v);
            for (Transport t : transports) {
                auto owner = dns::Name::from_text(std::string(info(t).srv), &name);
                if (!owner) {
                    error(e, "pool name " + name.to_text() + " is too long for its SRV names");
                    break;
                }
                std::uint16_t pt = port.value_or(info(t).port);
                std::vector<std::uint8_t> rd{static_cast<std::uint8_t>(prio >> 8),   static_cast<std::uint8_t>(prio),
                                             static_cast<std::uint8_t>(weight >> 8), static_cast<std::uint8_t>(weight),
                                             static_cast<std::uint8_t>(pt >> 8),     static_cast<std::uint8_t>(pt)};
                auto w = host->wire();
                rd.insert(rd.end(), w.begin(), w.end());
                add(*owner, RrType::SRV, ttl, std::move(rd), loc(m), true);
            }
            if (m["addresses"]) {
                for (const auto& a : list_or_one(m["addresses"])) add_address(*host, a, ttl);
            }
        }
    }

    void sip_domain(const ytree::Node& e) {
        if (!check_map(e, "a sip_domains entry", {"domain", "pool", "order", "ttl"})) return;
        if (!e["domain"] || !e["pool"]) {
            error(e, "a sip_domains entry needs 'domain' and 'pool'");
            return;
        }
        auto domain = get_name(e["domain"], "domain");
        auto pool = get_name(e["pool"], "pool");
        std::uint16_t order = 10;
        if (e["order"])
            if (auto v = get_uint(e["order"], "order", 65535)) order = static_cast<std::uint16_t>(*v);
        if (!domain || !pool) return;
        domains_.push_back(DomainRef{*domain, *pool, order, ttl_or(e, ttl_), loc(e["pool"])});
    }

    /// RFC 3263 §4.1 NAPTRs, once every pool is known (pools may come from includes).
    void resolve_domains() {
        for (const auto& d : domains_) {
            auto it = pools_.find(d.pool.to_lookup_key());
            if (it == pools_.end()) {
                d_.error(d.loc, "pool " + d.pool.to_text() + " is not defined in sip_pools or a plmn ims block");
                continue;
            }
            std::uint16_t pref = 10;
            for (Transport t : it->second.transports) {
                Naptr x;
                x.order = d.order;
                x.preference = pref;
                pref = static_cast<std::uint16_t>(pref + 10);
                x.flags = "s";
                x.service = std::string(info(t).service);
                auto target = dns::Name::from_text(std::string(info(t).srv), &it->second.name);
                if (!target) continue;
                x.replacement = *target;
                auto wire = encode_naptr(x);
                if (wire) add(d.domain, RrType::NAPTR, d.ttl, std::move(*wire), d.loc, true);
            }
        }
    }

    struct Pool {
        dns::Name name;
        std::vector<Transport> transports;
        SourceLoc loc;
    };
    struct DomainRef {
        dns::Name domain;
        dns::Name pool;
        std::uint16_t order;
        std::uint32_t ttl;
        SourceLoc loc;
    };

    Diagnostics& d_;
    yaml::SourceFiles files_;
    std::string file_;
    dns::Name origin_;
    bool have_origin_ = false;
    SourceLoc zone_loc_;
    std::uint32_t ttl_ = 3600;
    bool auto_serial_ = true;
    std::vector<Record> records_;
    std::vector<PrefixRange> ranges_;
    std::unordered_map<std::string, SourceLoc> numbers_seen_;
    std::map<std::string, std::pair<numbering::Plmn, SourceLoc>> plmns_seen_;
    std::unordered_map<std::string, Pool> pools_;
    std::vector<DomainRef> domains_;
    std::set<std::string> addresses_;
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

std::vector<Zone> load_zone_files(const std::vector<std::string>& paths, Diagnostics& diags) {
    std::vector<Zone> zones;
    std::map<std::string, SourceLoc> origins;
    for (const auto& path : paths) {
        std::vector<Zone> got;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            diags.error(SourceLoc{path, 0, 0}, "'" + path + "' is a directory, not a zone file");
            continue;
        }
        if (is_yaml_path(path)) {
            if (auto z = load_yaml_zone(path, diags)) got.push_back(std::move(*z));
        } else {
            got = load_rfc1035(path, std::nullopt, diags);
        }
        for (auto& z : got) {
            validate_zone(z, diags);
            auto [it, fresh] = origins.emplace(z.origin.lowercased().to_text(), z.loc);
            if (!fresh)
                diags.error(z.loc, "zone " + z.origin.to_text() + " is also defined at " + it->second.to_text());
            zones.push_back(std::move(z));
        }
    }
    return zones;
}

}  // namespace enumd::zones
