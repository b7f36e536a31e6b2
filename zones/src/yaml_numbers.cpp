#include "yaml_numbers.hpp"

#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/zones/naptr.hpp"

namespace enumd::zones::yaml {

using dns::RrType;

void NumberReader::number(const ytree::Node& e) {
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
        s_.ranges.push_back(PrefixRange{*owner, std::move(recs), loc(nn)});
    } else {
        for (auto& r : recs) s_.records.push_back(std::move(r));
    }
}

std::optional<std::pair<std::uint32_t, std::vector<std::uint8_t>>> NumberReader::naptr_entry(const ytree::Node& n,
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

}  // namespace enumd::zones::yaml
