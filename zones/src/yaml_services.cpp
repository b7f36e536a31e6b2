#include "yaml_services.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "enumd/dns/wire.hpp"
#include "enumd/numbering/snaptr.hpp"
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
                   {"mcc", "mnc", "name", "epdg", "epdg_sos", "epdg_areas", "visited_country", "n3iwf", "nf", "amf",
                    "snaptr", "ims", "ttl"})) {
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
    if (e["amf"] && expect_list(e["amf"], "amf")) {
        for (const auto& a : list_or_one(e["amf"])) amf(p, a, ttl);
    }
    if (e["snaptr"] && expect_list(e["snaptr"], "snaptr")) {
        for (const auto& x : list_or_one(e["snaptr"])) snaptr(p, x, ttl);
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
    std::uint32_t max = std::string_view(key) == "tac_5gs" ? 0xffffffU : 0xffffU;
    auto value = hex(area[key], key, max == 0xffffffU ? 6U : 4U);
    if (!value) return;
    const std::uint32_t v = *value;
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

std::optional<std::uint32_t> ServiceReader::hex(const ytree::Node& n, std::string_view key, unsigned digits) {
    auto text = get_string(n, key);
    if (!text) return std::nullopt;
    std::uint32_t v = 0;
    bool ok = !text->empty() && text->size() <= digits;
    for (char c : *text) {
        int d = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                : (c >= 'a' && c <= 'f')                       ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                       ? c - 'A' + 10
                                                               : -1;
        ok = ok && d >= 0;
        v = (v << 4U) | static_cast<std::uint32_t>(d < 0 ? 0 : d);
    }
    if (!ok) {
        error(n, std::string(key) + " '" + *text + "' must be 1-" + std::to_string(digits) +
                     " hex digits (quote it: \"0b1a\")");
        return std::nullopt;
    }
    return v;
}

Naptr ServiceReader::order_preference(const ytree::Node& n) {
    Naptr x;
    x.order = 10;
    x.preference = 10;
    if (n["order"])
        if (auto v = get_uint(n["order"], "order", 65535)) x.order = static_cast<std::uint16_t>(*v);
    if (n["preference"])
        if (auto v = get_uint(n["preference"], "preference", 65535)) x.preference = static_cast<std::uint16_t>(*v);
    return x;
}

void ServiceReader::amf(const numbering::Plmn& p, const ytree::Node& a, std::uint32_t ttl) {
    if (!check_map(a, "an amf entry", {"name", "region", "set", "pointer", "addresses"})) return;
    if (!a["name"] && !a["region"] && !a["set"]) {
        error(a, "an amf entry needs 'name' (AMF Name) or 'region' and 'set' (AMF Set, TS 23.003 §28.3.2.7)");
        return;
    }
    if (!a["addresses"]) {
        error(a, "an amf entry needs 'addresses'");
        return;
    }
    std::vector<std::string> names;
    auto built = [&](const ytree::Node& at, dns::Result<std::string> fqdn) {
        if (fqdn) {
            names.push_back(std::move(*fqdn));
        } else {
            error(at, fqdn.error());
        }
    };
    // TS 23.003 §28.3.2.5 (AMF Name).
    if (a["name"])
        if (auto id = get_string(a["name"], "name")) built(a["name"], numbering::amf_name_fqdn(p, *id));
    if (a["region"] || a["set"] || a["pointer"]) {
        if (!a["region"] || !a["set"]) {
            error(a, "an amf entry with 'region', 'set' or 'pointer' needs both 'region' and 'set'");
            return;
        }
        // TS 23.003 §2.10.1: AMF Region ID 8 bits, AMF Set ID 10 bits, AMF Pointer 6 bits; the
        // builders refuse values wider than their field.
        auto region = hex(a["region"], "region", 2);
        auto set = hex(a["set"], "set", 3);
        if (!region || !set) return;
        const auto r8 = static_cast<std::uint8_t>(*region);
        const auto s16 = static_cast<std::uint16_t>(*set);
        built(a["set"], numbering::amf_set_fqdn(p, r8, s16));  // §28.3.2.7: every AMF of the set
        if (a["pointer"])
            if (auto pt = hex(a["pointer"], "pointer", 2))  // §28.3.2.8: this AMF
                built(a["pointer"], numbering::amf_instance_fqdn(p, r8, s16, static_cast<std::uint8_t>(*pt)));
    }
    for (const auto& fqdn : names) {
        dns::Name owner = *dns::Name::from_text(fqdn);
        for (const auto& addr : list_or_one(a["addresses"])) add_address(owner, addr, ttl);
    }
}

void ServiceReader::snaptr(const numbering::Plmn& p, const ytree::Node& e, std::uint32_t ttl) {
    if (!check_map(e, "an snaptr entry",
                   {"apn", "tac", "tac_5gs", "service", "node", "order", "preference", "addresses", "srv", "ttl"})) {
        return;
    }
    ttl = ttl_or(e, ttl);
    // Where the records go (TS 29.303 §5.2 PGW selection: APN-FQDN; §5.3 SGW and §5.4 MME: TAI FQDN;
    // TS 29.303 §7 AMF discovery: 5GS TAI FQDN).
    int keys = (e["apn"] ? 1 : 0) + (e["tac"] ? 1 : 0) + (e["tac_5gs"] ? 1 : 0);
    if (keys != 1) {
        error(e, "an snaptr entry needs exactly one of 'apn' (APN-FQDN), 'tac' (TAI FQDN) and 'tac_5gs' "
                 "(5GS TAI FQDN)");
        return;
    }
    std::optional<std::string> owner;
    if (e["apn"]) {
        if (auto ni = get_string(e["apn"], "apn")) {
            auto f = numbering::apn_fqdn(*ni, p);  // TS 23.003 §19.4.2.2
            if (!f) error(e["apn"], f.error());
            if (f) owner = std::move(*f);
        }
    } else if (e["tac"]) {
        if (auto tac = hex(e["tac"], "tac", 4)) owner = numbering::tai_fqdn(p, static_cast<std::uint16_t>(*tac));
    } else if (auto tac = hex(e["tac_5gs"], "tac_5gs", 6)) {
        owner = *numbering::fivegs_tai_fqdn(p, *tac);
    }
    if (!e["service"] || !e["node"]) {
        error(e, "an snaptr entry needs 'service' (e.g. x-3gpp-pgw:x-s5-gtp:x-s8-gtp) and 'node' (the canonical node "
                 "name, TS 29.303 §4.3.2: topon.<interface>.<node>…)");
        return;
    }
    auto service = get_string(e["service"], "service");
    if (!service) return;
    // RFC 3958 §6.5 through the parser the client selects with (numbering/snaptr.hpp).
    auto parsed = numbering::parse_snaptr_service(*service);
    if (!parsed || parsed->app_protocols.empty()) {
        error(e["service"], "service '" + *service +
                                "' is not an S-NAPTR services field app-service:app-protocol[:app-protocol...] "
                                "(RFC 3958 §6.5), such as x-3gpp-pgw:x-s5-gtp:x-s8-gtp");
        return;
    }
    auto node = get_name(e["node"], "node");
    if (!node || !owner) return;
    if (e["srv"] && e["addresses"]) {
        error(e, "an snaptr entry has either 'addresses' (an \"a\" record: the node's A/AAAA) or 'srv' (an \"s\" "
                 "record: SRV at the node name), not both");
        return;
    }
    Naptr x = order_preference(e);
    x.service = *service;
    x.replacement = *node;
    // RFC 3958 §6.3: "s" leads to SRV at the replacement, "a" to its A/AAAA records.
    if (e["srv"]) {
        x.flags.assign(1, 's');
        if (!expect_list(e["srv"], "srv")) return;
        for (const auto& m : e["srv"].seq()) {
            auto member = pool_member(m);
            if (!member) continue;
            if (!member->port) {
                error(m, "an srv member of an snaptr entry needs 'port'");
                continue;
            }
            add_srv(*node, *member, *member->port, ttl, loc(m));
            if (m["addresses"])
                for (const auto& addr : list_or_one(m["addresses"])) add_address(member->host, addr, ttl);
        }
    } else {
        x.flags.assign(1, 'a');
        if (e["addresses"])
            for (const auto& addr : list_or_one(e["addresses"])) add_address(*node, addr, ttl);
    }
    auto wire = encode_naptr(x);
    if (wire) add(*dns::Name::from_text(*owner), RrType::NAPTR, ttl, std::move(*wire), loc(e), true);
}

void ServiceReader::visited_country(const numbering::Plmn& p, const ytree::Node& n, std::uint32_t ttl, bool sos) {
    if (!check_map(n, "visited_country", {"order", "preference", "service"})) return;
    // TS 23.003 §19.4.2.9 (Visited Country FQDN); TS 23.402 §4.5.4.4: the UE
    // reads NAPTR there and uses the replacements of the "a" records whose
    // PLMN it may select — here this PLMN's operator identifier FQDN.
    Naptr x = order_preference(n);
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
        auto member = pool_member(m);
        if (!member) continue;
        for (Transport t : transports) {
            auto owner = dns::Name::from_text(std::string(info(t).srv), &name);
            if (!owner) {
                error(e, "pool name " + name.to_text() + " is too long for its SRV names");
                break;
            }
            add_srv(*owner, *member, member->port.value_or(info(t).port), ttl, loc(m));
        }
        if (m["addresses"]) {
            for (const auto& a : list_or_one(m["addresses"])) add_address(member->host, a, ttl);
        }
    }
}

std::optional<ServiceReader::Member> ServiceReader::pool_member(const ytree::Node& m) {
    if (!check_map(m, "a pool member", {"host", "priority", "weight", "port", "addresses"})) return std::nullopt;
    if (!m["host"]) {
        error(m, "a pool member needs 'host'");
        return std::nullopt;
    }
    auto host = get_name(m["host"], "host");
    if (!host) return std::nullopt;
    Member out{*host, 10, 100, std::nullopt};
    if (m["priority"])
        if (auto v = get_uint(m["priority"], "priority", 65535)) out.priority = static_cast<std::uint16_t>(*v);
    if (m["weight"])
        if (auto v = get_uint(m["weight"], "weight", 65535)) out.weight = static_cast<std::uint16_t>(*v);
    if (m["port"])
        if (auto v = get_uint(m["port"], "port", 65535)) out.port = static_cast<std::uint16_t>(*v);
    return out;
}

void ServiceReader::add_srv(const dns::Name& owner, const Member& m, std::uint16_t port, std::uint32_t ttl,
                            const SourceLoc& at) {
    // RFC 2782: priority, weight, port, target (uncompressed).
    std::vector<std::uint8_t> rd(6);
    dns::store_u16(rd.data(), m.priority);
    dns::store_u16(rd.data() + 2, m.weight);
    dns::store_u16(rd.data() + 4, port);
    auto w = m.host.wire();
    rd.insert(rd.end(), w.begin(), w.end());
    add(owner, RrType::SRV, ttl, std::move(rd), at, true);
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
