#include "yaml_services.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "enumd/zones/naptr.hpp"

namespace enumd::zones::yaml {

using dns::RrType;

struct ServiceReader::TransportInfo {
    std::string_view yaml;     ///< as written in `transports`
    std::string_view srv;      ///< SRV owner prefix (RFC 3263 §4.2)
    std::string_view service;  ///< NAPTR service (RFC 3263 §4.1)
    std::uint16_t port;        ///< default port
};

const ServiceReader::TransportInfo& ServiceReader::info(Transport t) {
    static const TransportInfo kInfo[] = {
        {"udp", "_sip._udp", "SIP+D2U", 5060},
        {"tcp", "_sip._tcp", "SIP+D2T", 5060},
        {"tls", "_sips._tcp", "SIPS+D2T", 5061},
    };
    return kInfo[static_cast<int>(t)];
}

std::optional<std::pair<RrType, std::vector<std::uint8_t>>> ServiceReader::address(const ytree::Node& n) {
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

void ServiceReader::add_address(const dns::Name& host, const ytree::Node& n, std::uint32_t ttl) {
    auto a = address(n);
    if (!a) return;
    std::string key = host.to_lookup_key() + '\0' + std::string(a->second.begin(), a->second.end());
    if (!addresses_.insert(key).second) return;  // a host shared by pools: one record
    add(host, a->first, ttl, std::move(a->second), loc(n), true);
}

void ServiceReader::plmn(const ytree::Node& e) {
    if (!check_map(e, "a plmn entry",
                   {"mcc", "mnc", "name", "epdg", "epdg_sos", "epdg_areas", "visited_country", "n3iwf", "nf", "ims",
                    "ttl"})) {
        return;
    }
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
    std::uint32_t ttl = ttl_or(e, s_.ttl);
    if (e["name"]) (void)get_string(e["name"], "name");
    // Every name below comes from the builder of numbering/gpp_names.hpp
    // that the client (enumq, resolver/epdg_select) uses to ask for it.
    auto addresses_at = [&](const std::string& fqdn, const ytree::Node& n) {
        dns::Name owner = *dns::Name::from_text(fqdn);
        for (const auto& a : list_or_one(n)) add_address(owner, a, ttl);
    };
    // TS 23.003 §19.4.2.9: operator identifier FQDN, and its emergency form.
    if (e["epdg"]) addresses_at(numbering::epdg_fqdn(p), e["epdg"]);
    if (e["epdg_sos"]) addresses_at(numbering::epdg_fqdn(p, numbering::EpdgUse::Emergency), e["epdg_sos"]);
    if (e["epdg_areas"] && expect_list(e["epdg_areas"], "epdg_areas")) {
        for (const auto& area : list_or_one(e["epdg_areas"])) epdg_area(p, area, ttl);
    }
    if (e["visited_country"]) visited_country(p, e["visited_country"], ttl, e["epdg_sos"].IsDefined());
    // TS 23.003 §28.3.2.2.2: operator identifier based N3IWF FQDN.
    if (e["n3iwf"]) addresses_at(numbering::n3iwf_fqdn(p), e["n3iwf"]);
    if (e["nf"] && check_map(e["nf"], "nf", {"nrf", "nssf", "sepp"})) {
        const ytree::Node& nf = e["nf"];
        if (nf["nrf"]) addresses_at(numbering::nrf_fqdn(p), nf["nrf"]);     // TS 23.003 §28.3.2.3.2
        if (nf["nssf"]) addresses_at(numbering::nssf_fqdn(p), nf["nssf"]);  // TS 23.003 §28.3.2.4
        if (nf["sepp"]) addresses_at(*numbering::sepp_fqdn(p), nf["sepp"]);  // TS 23.003 §28.2 domain
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
                    domains_.push_back(DomainRef{domain, *domain.prepend(*role), 10, ims_ttl, loc(ims["sip_domain"])});
                }
            }
        }
    }
}

void ServiceReader::epdg_area(const numbering::Plmn& p, const ytree::Node& area, std::uint32_t ttl) {
    if (!check_map(area, "an epdg_areas entry", {"tac", "tac_5gs", "lac", "epdg", "epdg_sos"})) return;
    int keys = (area["tac"] ? 1 : 0) + (area["tac_5gs"] ? 1 : 0) + (area["lac"] ? 1 : 0);
    if (keys != 1) {
        error(area, "an epdg_areas entry needs exactly one of 'tac', 'tac_5gs', 'lac'");
        return;
    }
    // TS 23.003 §19.4.2.9: TAC 2 octets (E-UTRAN), 3 octets (5GS), LAC 2.
    const char* key = area["tac"] ? "tac" : area["tac_5gs"] ? "tac_5gs" : "lac";
    auto text = get_string(area[key], key);
    if (!text) return;
    std::uint32_t max = std::string_view(key) == "tac_5gs" ? 0xffffffU : 0xffffU;
    std::uint32_t v = 0;
    bool ok = !text->empty() && text->size() <= (max == 0xffffffU ? 6U : 4U);
    for (char c : *text) {
        int d = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                : (c >= 'a' && c <= 'f')                       ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                       ? c - 'A' + 10
                                                               : -1;
        ok = ok && d >= 0;
        v = (v << 4U) | static_cast<std::uint32_t>(d < 0 ? 0 : d);
    }
    if (!ok) {
        error(area[key], std::string(key) + " '" + *text + "' must be " + (max == 0xffffffU ? "1-6" : "1-4") +
                             " hex digits (quote it: \"0b1a\")");
        return;
    }
    for (auto use : {numbering::EpdgUse::Normal, numbering::EpdgUse::Emergency}) {
        const char* field = use == numbering::EpdgUse::Normal ? "epdg" : "epdg_sos";
        if (!area[field]) continue;
        std::string fqdn = key[0] == 'l'        ? numbering::epdg_lai_fqdn(p, static_cast<std::uint16_t>(v), use)
                           : max == 0xffffU     ? numbering::epdg_tai_fqdn(p, static_cast<std::uint16_t>(v), use)
                                                : *numbering::epdg_5gs_tai_fqdn(p, v, use);
        dns::Name owner = *dns::Name::from_text(fqdn);
        for (const auto& a : list_or_one(area[field])) add_address(owner, a, ttl);
    }
}

void ServiceReader::visited_country(const numbering::Plmn& p, const ytree::Node& n, std::uint32_t ttl, bool sos) {
    if (!check_map(n, "visited_country", {"order", "preference", "service"})) return;
    // TS 23.003 §19.4.2.9 (Visited Country FQDN); TS 23.402 §4.5.4.4: the UE
    // reads NAPTR there and uses the replacements of the "a" records whose
    // PLMN it may select — here this PLMN's operator identifier FQDN.
    Naptr x;
    x.order = 10;
    x.preference = 10;
    if (n["order"])
        if (auto v = get_uint(n["order"], "order", 65535)) x.order = static_cast<std::uint16_t>(*v);
    if (n["preference"])
        if (auto v = get_uint(n["preference"], "preference", 65535)) x.preference = static_cast<std::uint16_t>(*v);
    x.flags.assign(1, 'a');
    x.service = "x-3gpp-epdg:x-s2b-gtp";
    if (n["service"])
        if (auto v = get_string(n["service"], "service")) x.service = *v;
    for (auto use : {numbering::EpdgUse::Normal, numbering::EpdgUse::Emergency}) {
        if (use == numbering::EpdgUse::Emergency && !sos) continue;  // only with an emergency ePDG
        x.replacement = *dns::Name::from_text(numbering::epdg_fqdn(p, use));
        auto owner = *dns::Name::from_text(*numbering::epdg_visited_country_fqdn(p.mcc(), use));
        auto wire = encode_naptr(x);
        if (wire) add(owner, RrType::NAPTR, ttl, std::move(*wire), loc(n), true);
    }
}

void ServiceReader::sip_pool(const ytree::Node& e) {
    if (!check_map(e, "a sip_pools entry", {"name", "transports", "members", "ttl"})) return;
    if (!e["name"]) {
        error(e, "a sip_pools entry needs 'name'");
        return;
    }
    auto name = get_name(e["name"], "pool name");
    if (!name) return;
    define_pool(*name, e, "sip pool", ttl_or(e, s_.ttl), true);
}

void ServiceReader::define_pool(const dns::Name& name, const ytree::Node& e, std::string_view what, std::uint32_t ttl,
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

void ServiceReader::sip_domain(const ytree::Node& e) {
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
    domains_.push_back(DomainRef{*domain, *pool, order, ttl_or(e, s_.ttl), loc(e["pool"])});
}

void ServiceReader::resolve_domains() {
    for (const auto& d : domains_) {
        auto it = pools_.find(d.pool.to_lookup_key());
        if (it == pools_.end()) {
            s_.diags.error(d.loc, "pool " + d.pool.to_text() + " is not defined in sip_pools or a plmn ims block");
            continue;
        }
        std::uint16_t pref = 10;
        for (Transport t : it->second.transports) {
            Naptr x;
            x.order = d.order;
            x.preference = pref;
            pref = static_cast<std::uint16_t>(pref + 10);
            x.flags.assign(1, 's');  // not = "s": GCC 12 falsely flags that (-Wrestrict)
            x.service.assign(info(t).service);
            auto target = dns::Name::from_text(std::string(info(t).srv), &it->second.name);
            if (!target) continue;
            x.replacement = *target;
            auto wire = encode_naptr(x);
            if (wire) add(d.domain, RrType::NAPTR, d.ttl, std::move(*wire), d.loc, true);
        }
    }
}

}  // namespace enumd::zones::yaml
