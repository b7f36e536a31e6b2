#include "enumd/resolver/naptr.hpp"

#include <algorithm>
#include <cctype>

#include "enumd/dns/wire.hpp"

namespace enumd::resolver {

using dns::make_error;
using dns::Result;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool read_string(std::span<const std::uint8_t> rdata, std::size_t& pos, std::string& out) {
    if (pos >= rdata.size()) return false;
    std::size_t len = rdata[pos++];
    if (pos + len > rdata.size()) return false;
    out.assign(reinterpret_cast<const char*>(rdata.data() + pos), len);
    pos += len;
    return true;
}

bool valid_token(std::string_view t) {
    // type / subtype = 1*32(ALPHA / DIGIT / "-")  (RFC 6116 §3.4.3)
    if (t.empty() || t.size() > 32) return false;
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        auto p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) break;
        start = p + 1;
    }
    return out;
}

Result<Enumservice> parse_enumservice(std::string_view text) {
    auto parts = split(text, ':');
    Enumservice es;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (!valid_token(parts[i])) return make_error("bad enumservice '" + std::string(text) + "'");
        if (i == 0) {
            es.type = lower(parts[i]);
        } else {
            es.subtypes.push_back(lower(parts[i]));
        }
    }
    return es;
}

}  // namespace

Result<NaptrRecord> parse_naptr_rdata(std::span<const std::uint8_t> rdata) {
    NaptrRecord rr;
    if (rdata.size() < 4) return make_error("NAPTR rdata shorter than 4 octets");
    rr.order = static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]);
    rr.preference = static_cast<std::uint16_t>(rdata[2] << 8 | rdata[3]);
    std::size_t pos = 4;
    if (!read_string(rdata, pos, rr.flags) || !read_string(rdata, pos, rr.services) ||
        !read_string(rdata, pos, rr.regexp)) {
        return make_error("NAPTR rdata: truncated character-string");
    }
    auto name = dns::Name::from_wire(rdata, pos);
    if (!name) return make_error("NAPTR rdata: bad replacement: " + name.error());
    if (pos != rdata.size()) return make_error("NAPTR rdata: trailing octets");
    rr.replacement = *name;
    return rr;
}

std::vector<std::uint8_t> to_rdata(const NaptrRecord& rr) {
    std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(rr.order >> 8), static_cast<std::uint8_t>(rr.order),
                                     static_cast<std::uint8_t>(rr.preference >> 8),
                                     static_cast<std::uint8_t>(rr.preference)};
    for (const std::string* s : {&rr.flags, &rr.services, &rr.regexp}) {
        out.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(s->size(), 255)));
        out.insert(out.end(), s->begin(), s->begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(s->size(), 255)));
    }
    auto w = rr.replacement.wire();
    out.insert(out.end(), w.begin(), w.end());
    return out;
}

std::string to_text(const NaptrRecord& rr) {
    auto quote = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        return out + "\"";
    };
    return std::to_string(rr.order) + " " + std::to_string(rr.preference) + " " + quote(rr.flags) + " " +
           quote(rr.services) + " " + quote(rr.regexp) + " " + rr.replacement.to_text();
}

Result<ServiceField> parse_service_field(std::string_view text) {
    ServiceField f;
    auto parts = split(text, '+');
    if (parts.size() < 2) return make_error("services field '" + std::string(text) + "' is not E2U+<enumservice>");
    if (lower(parts.front()) == "e2u") {
        f.e2u = true;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            auto es = parse_enumservice(parts[i]);
            if (!es) return make_error(es.error());
            f.services.push_back(std::move(*es));
        }
        return f;
    }
    if (parts.size() == 2 && lower(parts.back()) == "e2u") {
        // RFC 2916 §3.1.1: "sip+E2U".
        auto es = parse_enumservice(parts.front());
        if (!es) return make_error(es.error());
        f.e2u = true;
        f.legacy = true;
        f.services.push_back(std::move(*es));
        return f;
    }
    return make_error("services field '" + std::string(text) + "' is not an ENUM (E2U) service");
}

Result<ServiceFilter> ServiceFilter::parse(std::string_view spec) {
    ServiceFilter f;
    if (spec.empty()) return f;
    std::string s = lower(spec);
    if (s.starts_with("e2u+")) s = s.substr(4);
    if (s.find('+') != std::string::npos) return make_error("a filter names one enumservice: '" + std::string(spec) + "'");
    auto es = parse_enumservice(s);
    if (!es) return make_error(es.error());
    f.want_ = std::move(*es);
    return f;
}

std::optional<Enumservice> ServiceFilter::match(const ServiceField& field) const {
    if (!field.e2u) return std::nullopt;
    if (field.legacy && !legacy_) return std::nullopt;
    if (!want_) return field.services.empty() ? std::nullopt : std::optional<Enumservice>(field.services.front());
    for (const auto& es : field.services) {
        if (es.type != want_->type) continue;
        bool all = std::all_of(want_->subtypes.begin(), want_->subtypes.end(), [&](const std::string& st) {
            return std::find(es.subtypes.begin(), es.subtypes.end(), st) != es.subtypes.end();
        });
        if (all) return es;
    }
    return std::nullopt;
}

bool ServiceFilter::matches(const ServiceField& field) const noexcept {
    try {
        return match(field).has_value();
    } catch (...) {
        return false;
    }
}

FlagKind classify_enum_flags(std::string_view flags) noexcept {
    if (flags.empty()) return FlagKind::NonTerminal;
    if (flags.size() == 1 && (flags[0] == 'u' || flags[0] == 'U')) return FlagKind::Terminal;
    return FlagKind::Unknown;
}

std::string uri_scheme(std::string_view uri) {
    auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    auto scheme = uri.substr(0, colon);
    if (std::isalpha(static_cast<unsigned char>(scheme[0])) == 0) return {};
    for (char c : scheme) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') return {};
    }
    return lower(scheme);
}

bool has_npdi(std::string_view uri) {
    if (uri_scheme(uri) != "tel") return false;
    std::string l = lower(uri);
    for (std::size_t p = l.find(";npdi"); p != std::string::npos; p = l.find(";npdi", p + 1)) {
        auto end = p + 5;
        if (end == l.size() || l[end] == ';' || l[end] == '=') return true;
    }
    return false;
}

std::string check_uri_for_service(std::string_view uri, const std::optional<Enumservice>& service) {
    std::string scheme = uri_scheme(uri);
    if (scheme.empty()) return "result '" + std::string(uri) + "' is not a URI (no scheme)";
    if (uri.size() == scheme.size() + 1) return "result '" + std::string(uri) + "' has nothing after the scheme";
    for (char c : uri) {
        auto uc = static_cast<unsigned char>(c);
        if (uc <= 0x20 || uc == 0x7f) return "result contains whitespace or a control character";
    }
    if (!service) return {};
    std::vector<std::string> allowed;
    if (!service->subtypes.empty()) {
        for (const auto& st : service->subtypes) {
            allowed.push_back(st);
            if (st == "sip") allowed.emplace_back("sips");
        }
    } else if (service->type == "sip") {
        allowed = {"sip", "sips"};  // RFC 3764
    } else if (service->type == "h323") {
        allowed = {"h323"};  // RFC 3762
    } else if (service->type == "pres") {
        allowed = {"pres"};  // RFC 3953
    } else if (service->type == "tel") {
        allowed = {"tel"};
    } else {
        return {};  // no scheme rule known for this enumservice
    }
    if (std::find(allowed.begin(), allowed.end(), scheme) != allowed.end()) {
        if (scheme == "tel") {
            // RFC 3966: a global number "+digits" (with visual separators).
            auto rest = uri.substr(4);
            if (rest.empty() || rest[0] != '+') return "tel: URI is not a global number";
        } else if ((scheme == "sip" || scheme == "sips") && uri.find('@') == std::string_view::npos &&
                   uri.size() <= scheme.size() + 1) {
            return "sip: URI without a host";
        }
        return {};
    }
    std::string want;
    for (const auto& a : allowed) want += (want.empty() ? "" : "/") + a + ":";
    std::string svc = service->type;
    for (const auto& st : service->subtypes) svc += ":" + st;
    return "scheme '" + scheme + ":' does not suit enumservice " + svc + " (wants " + want + ")";
}

}  // namespace enumd::resolver
