#pragma once
/// The 3GPP and SIP sections of a YAML zone: `plmns` (ePDG — operator,
/// emergency, area and visited-country forms —, N3IWF, 5GC NF and AMF
/// addresses, S-NAPTR node selection records (TS 29.303) and IMS CSCF pools
/// under the TS 23.003 names), `sip_pools` (SRV records per
/// transport, with member addresses) and `sip_domains` (RFC 3263 §4.1
/// NAPTRs to a pool, resolved once every pool is known, since pools may come
/// from includes).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "enumd/numbering/gpp_names.hpp"
#include "enumd/zones/naptr.hpp"
#include "yaml_fields.hpp"

namespace enumd::zones::yaml {

class ServiceReader : FieldReader {
   public:
    using FieldReader::FieldReader;
    void plmn(const ytree::Node& e);
    void sip_pool(const ytree::Node& e);
    void sip_domain(const ytree::Node& e);
    /// RFC 3263 §4.1 NAPTRs, once every pool is known (pools may come from includes).
    void resolve_domains();

   private:
    enum class Transport { Udp, Tcp, Tls };
    struct TransportInfo;
    static const TransportInfo& info(Transport t);

    void define_pool(const dns::Name& name, const ytree::Node& e, std::string_view what, std::uint32_t ttl, bool named);
    /// A or AAAA rdata from an address text.
    std::optional<std::pair<dns::RrType, std::vector<std::uint8_t>>> address(const ytree::Node& n);
    void add_address(const dns::Name& host, const ytree::Node& n, std::uint32_t ttl);
    /// One `epdg_areas` entry: TAI, 5GS TAI or LAI ePDG names (TS 23.003 §19.4.2.9).
    void epdg_area(const numbering::Plmn& p, const ytree::Node& area, std::uint32_t ttl);
    /// A generated NAPTR's `order` and `preference` from the entry (default 10 and 10).
    Naptr order_preference(const ytree::Node& n);
    /// A hex field of at most `digits` digits (TAC, LAC, AMF ids), or an error at `n`.
    std::optional<std::uint32_t> hex(const ytree::Node& n, std::string_view key, unsigned digits);
    /// One `amf` entry: AMF Name, AMF Set and AMF Instance FQDNs (TS 23.003 §28.3.2.5, .7, .8) with addresses.
    void amf(const numbering::Plmn& p, const ytree::Node& a, std::uint32_t ttl);
    /// One `snaptr` entry: an S-NAPTR record (RFC 3958, TS 29.303) at an APN or TAI FQDN, "a" or "s".
    void snaptr(const numbering::Plmn& p, const ytree::Node& e, std::uint32_t ttl);
    /// A pool member (host, priority, weight, port) as SRV targets take it.
    struct Member {
        dns::Name host;
        std::uint16_t priority;
        std::uint16_t weight;
        std::optional<std::uint16_t> port;
    };
    std::optional<Member> pool_member(const ytree::Node& m);
    /// The SRV record (RFC 2782) at `owner` for one member.
    void add_srv(const dns::Name& owner, const Member& m, std::uint16_t port, std::uint32_t ttl, const SourceLoc& at);
    /// The visited-country NAPTR ("a" flag) of a PLMN (TS 23.003 §19.4.2.9, TS 23.402 §4.5.4.4).
    void visited_country(const numbering::Plmn& p, const ytree::Node& n, std::uint32_t ttl, bool sos);

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

    std::map<std::string, std::pair<numbering::Plmn, SourceLoc>> plmns_seen_;
    std::unordered_map<std::string, Pool> pools_;
    std::vector<DomainRef> domains_;
    std::set<std::string> addresses_;
};

}  // namespace enumd::zones::yaml
