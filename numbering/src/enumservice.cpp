#include "enumd/numbering/enumservice.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "text.hpp"

namespace enumd::numbering {

using detail::cat;
using dns::make_error;
using dns::Result;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

// The grammar of RFC 6116 §3.4.3, scanned once for parsing and checking alike:
//   service-field = "E2U" 1*(servicespec)   servicespec = "+" enumservice
//   enumservice = type 0*(subtypespec)      subtypespec = ":" subtype
//   type = 1*32(ALPHA / DIGIT / "-")        subtype = 1*32(ALPHA / DIGIT / "-")
// Problems are sentences about the whole field.

std::string about(std::string_view field) {
    return cat("service '", field, "'");
}

/// A type or subtype at field[i...]; `what` names it in messages.
std::optional<std::string> scan_token(std::string_view field, std::size_t& i, const char* what, std::string& out) {
    std::size_t j = i;
    while (j < field.size() && is_token_char(field[j])) ++j;
    std::size_t len = j - i;
    if (len == 0) {
        if (j < field.size())
            return cat(about(field), ": character '", field[j], "' is not allowed in an enumservice ", what,
                       " (letters, digits, '-')");
        return cat(about(field), " has an empty enumservice ", what);
    }
    if (len > 32) return cat(about(field), ": enumservice ", what, " longer than 32 characters");
    out = lower(field.substr(i, len));
    i = j;
    return std::nullopt;
}

/// enumservice = type 0*(":" subtype) at field[i...]; stops at any other character.
std::optional<std::string> scan_enumservice(std::string_view field, std::size_t& i, Enumservice& out) {
    if (auto bad = scan_token(field, i, "type", out.type)) return bad;
    while (i < field.size() && field[i] == ':') {
        ++i;
        if (auto bad = scan_token(field, i, "subtype", out.subtypes.emplace_back())) return bad;
    }
    return std::nullopt;
}

std::optional<std::string> bad_separator(std::string_view field, std::size_t i) {
    return cat(about(field), ": character '", field[i],
               "' is not allowed in an enumservice (letters, digits and '-', separated by '+' and ':')");
}

/// The RFC 6116 form: "E2U" 1*("+" enumservice), to the end of the field.
std::optional<std::string> scan_e2u_field(std::string_view field, std::vector<Enumservice>& out) {
    if (!istarts_with(field, "e2u")) return cat(about(field), " does not start with 'E2U' (RFC 6116 §3.4.3)");
    if (field.size() == 3)
        return cat(about(field), " names no enumservice: write 'E2U+sip' and the like (RFC 6116 §3.4.3)");
    std::size_t i = 3;
    if (field[i] == ':') return cat(about(field), ": 'E2U' must be followed by '+type'");
    while (i < field.size()) {
        if (field[i] != '+') return bad_separator(field, i);
        ++i;
        if (auto bad = scan_enumservice(field, i, out.emplace_back())) return bad;
    }
    return std::nullopt;
}

/// RFC 2916 §3.1.1: "sip+E2U" — one enumservice before a final "+E2U"
/// (a field that starts with "E2U+" is the RFC 6116 form).
bool is_legacy_field(std::string_view field) {
    bool rfc6116 = istarts_with(field, "e2u") && (field.size() == 3 || !is_token_char(field[3]));
    auto plus = field.find('+');
    return !rfc6116 && plus != std::string_view::npos && field.size() - plus == 4 &&
           lower(field.substr(plus)) == "+e2u";
}

/// The schemes a URI for `service` may have; empty when no rule is known.
std::vector<std::string> schemes_for(const Enumservice& service) {
    std::vector<std::string> allowed;
    if (!service.subtypes.empty()) {
        for (const auto& st : service.subtypes) {
            allowed.push_back(st);
            if (st == "sip") allowed.emplace_back("sips");
        }
    } else if (service.type == "sip") {
        allowed = {"sip", "sips"};  // RFC 3764
    } else if (service.type == "h323") {
        allowed = {"h323"};  // RFC 3762
    } else if (service.type == "pres") {
        allowed = {"pres"};  // RFC 3953
    } else if (service.type == "tel") {
        allowed = {"tel"};
    }
    return allowed;
}

}  // namespace

std::string Enumservice::to_text() const {
    std::string s = type;
    for (const auto& st : subtypes) s.append(1, ':').append(st);
    return s;
}

Result<ServiceField> parse_service_field(std::string_view text) {
    ServiceField f;
    f.e2u = true;
    if (is_legacy_field(text)) {
        f.legacy = true;
        std::size_t i = 0;
        if (auto bad = scan_enumservice(text, i, f.services.emplace_back())) return make_error(std::move(*bad));
        if (text[i] != '+') return make_error(*bad_separator(text, i));
        return f;
    }
    if (auto bad = scan_e2u_field(text, f.services)) return make_error(std::move(*bad));
    return f;
}

std::optional<std::string> check_enumservice(std::string_view service) {
    std::vector<Enumservice> services;
    return scan_e2u_field(service, services);
}

Result<ServiceFilter> ServiceFilter::parse(std::string_view spec) {
    ServiceFilter f;
    if (spec.empty()) return f;
    std::string_view one = spec;
    if (istarts_with(one, "e2u+")) one.remove_prefix(4);
    if (one.find('+') != std::string_view::npos) return make_error(cat("a filter names one enumservice: '", spec, "'"));
    Enumservice es;
    std::size_t i = 0;
    if (auto bad = scan_enumservice(one, i, es)) return make_error(std::move(*bad));
    if (i != one.size()) return make_error(*bad_separator(one, i));
    f.want_ = std::move(es);
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
        return false;  // out of memory copying the match: no match
    }
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

std::optional<std::string> service_for_uri(std::string_view uri) {
    // IANA "Enumservice Registrations" (RFC 6117 registry); sip and sips share
    // one enumservice (RFC 3764 §4).
    struct Map {
        std::string_view scheme;
        std::string_view service;
    };
    static constexpr std::array<Map, 13> kMap{{
        {"sip", "E2U+sip"},
        {"sips", "E2U+sip"},
        {"tel", "E2U+pstn:tel"},
        {"mailto", "E2U+email:mailto"},
        {"http", "E2U+web:http"},
        {"https", "E2U+web:https"},
        {"h323", "E2U+h323"},
        {"xmpp", "E2U+xmpp"},
        {"im", "E2U+im"},
        {"pres", "E2U+pres"},
        {"ftp", "E2U+ft:ftp"},
        {"iax", "E2U+iax"},
        {"ldap", "E2U+ldap"},
    }};
    std::string s = uri_scheme(uri);
    for (const auto& m : kMap) {
        if (m.scheme == s) return std::string(m.service);
    }
    return std::nullopt;
}

std::string check_uri_for_service(std::string_view uri, const std::optional<Enumservice>& service) {
    std::string scheme = uri_scheme(uri);
    if (scheme.empty()) return cat("result '", uri, "' is not a URI (no scheme)");
    if (uri.size() == scheme.size() + 1) return cat("result '", uri, "' has nothing after the scheme");
    for (char c : uri) {
        auto uc = static_cast<unsigned char>(c);
        if (uc <= 0x20 || uc == 0x7f) return "result contains whitespace or a control character";
    }
    if (!service) return {};
    std::vector<std::string> allowed = schemes_for(*service);
    if (allowed.empty()) return {};  // no scheme rule known for this enumservice
    if (std::find(allowed.begin(), allowed.end(), scheme) != allowed.end()) {
        // RFC 3966: a global number "+digits" (with visual separators).
        if (scheme == "tel" && !uri.substr(4).starts_with('+')) return "tel: URI is not a global number";
        return {};
    }
    std::string want;
    for (const auto& a : allowed) want += cat(want.empty() ? "" : "/", a, ":");
    return cat("scheme '", scheme, ":' does not suit enumservice ", service->to_text(), " (wants ", want, ")");
}

std::optional<UriProblem> check_uri_syntax(std::string_view uri, std::string_view extra) {
    const std::string shown(uri);
    if (uri.empty()) return UriProblem{0, "the URI is empty"};
    std::string scheme = uri_scheme(uri);
    if (scheme.empty())
        return UriProblem{0, cat("'", shown, "' is not a URI: it needs a scheme such as 'sip:' (RFC 3986 §3.1)")};
    if (uri.size() == scheme.size() + 1)
        return UriProblem{scheme.size() + 1, cat("URI '", shown, "' has nothing after '", scheme, ":'")};
    // RFC 3986 §2.2 reserved and §2.3 unreserved characters; '%' starts a §2.1 percent-encoding.
    constexpr std::string_view kAllowed =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=";
    auto hex = [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; };
    for (std::size_t i = 0; i < uri.size(); ++i) {
        const char c = uri[i];
        const auto uc = static_cast<unsigned char>(c);
        if (c == ' ') {
            if (uri.find_first_not_of(' ', i) == std::string_view::npos)
                return UriProblem{i, cat("URI '", shown, "' ends in a space: URIs hold no spaces (RFC 3986 §2)")};
            return UriProblem{i, cat("URI '", shown, "' has a space: URIs hold no spaces (RFC 3986 §2; write %20)")};
        }
        if (uc < 0x20 || uc == 0x7f) {
            char code[8];
            std::snprintf(code, sizeof code, "0x%02X", uc);
            return UriProblem{i, cat("URI has a control character (", code, "): URIs hold none (RFC 3986 §2)")};
        }
        if (c == '%') {
            if (i + 2 >= uri.size() || !hex(uri[i + 1]) || !hex(uri[i + 2]))
                return UriProblem{i, "'%' in a URI starts a percent-encoding: two hex digits follow (RFC 3986 §2.1)"};
            continue;
        }
        if (kAllowed.find(c) == std::string_view::npos && extra.find(c) == std::string_view::npos) {
            if (uc >= 0x80)
                return UriProblem{i, "URI has a non-ASCII character: percent-encode it (RFC 3986 §2.1)"};
            return UriProblem{i, cat("character '", std::string(1, c), "' is not allowed in a URI (RFC 3986 §2)")};
        }
    }
    return std::nullopt;
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

}  // namespace enumd::numbering
