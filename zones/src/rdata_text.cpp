#include "enumd/zones/rdata_text.hpp"

#include <ldns/ldns.h>

#include <memory>

namespace enumd::zones {
namespace {

struct RrDeleter {
    void operator()(ldns_rr* rr) const noexcept { ldns_rr_free(rr); }
};
struct RdfDeleter {
    void operator()(ldns_rdf* rdf) const noexcept { ldns_rdf_deep_free(rdf); }
};
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;

RrPtr rr_from_wire(dns::RrType type, std::span<const std::uint8_t> rdata) {
    std::vector<std::uint8_t> wire;
    wire.reserve(11 + rdata.size());
    wire.push_back(0);  // owner: root
    auto t = static_cast<std::uint16_t>(type);
    wire.push_back(static_cast<std::uint8_t>(t >> 8));
    wire.push_back(static_cast<std::uint8_t>(t));
    wire.push_back(0);
    wire.push_back(1);  // IN
    for (int i = 0; i < 4; ++i) wire.push_back(0);
    wire.push_back(static_cast<std::uint8_t>(rdata.size() >> 8));
    wire.push_back(static_cast<std::uint8_t>(rdata.size()));
    wire.insert(wire.end(), rdata.begin(), rdata.end());
    ldns_rr* rr = nullptr;
    std::size_t pos = 0;
    if (ldns_wire2rr(&rr, wire.data(), wire.size(), &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) return nullptr;
    return RrPtr(rr);
}

}  // namespace

dns::Result<std::vector<std::uint8_t>> rdata_from_text(dns::RrType type, std::string_view text,
                                                        const dns::Name& origin) {
    // ldns reads a C string: a NUL would silently cut the data short.
    if (text.find('\0') != std::string_view::npos)
        return dns::make_error("a NUL byte in " + dns::to_text(type) + " data");
    std::string origin_text = origin.to_text();
    ldns_rdf* origin_rdf = nullptr;
    if (ldns_str2rdf_dname(&origin_rdf, origin_text.c_str()) != LDNS_STATUS_OK)
        return dns::make_error("bad origin " + origin_text);
    RdfPtr origin_guard(origin_rdf);
    // The owner is irrelevant here; the rdata is what we want.
    std::string line = ". 0 IN " + dns::to_text(type) + " " + std::string(text);
    ldns_rr* rr = nullptr;
    ldns_status st = ldns_rr_new_frm_str(&rr, line.c_str(), 0, origin_rdf, nullptr);
    if (st != LDNS_STATUS_OK) {
        return dns::make_error(std::string("cannot parse ") + dns::to_text(type) + " data '" + std::string(text) +
                               "': " + ldns_get_errorstr_by_id(st));
    }
    RrPtr guard(rr);
    if (ldns_rr_get_type(rr) != static_cast<ldns_rr_type>(type))
        return dns::make_error("record type mismatch while parsing '" + std::string(text) + "'");
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* f = ldns_rr_rdf(rr, i);
        const std::uint8_t* d = ldns_rdf_data(f);
        out.insert(out.end(), d, d + ldns_rdf_size(f));
    }
    if (out.size() > 65535) return dns::make_error("rdata longer than 65535 octets");
    return out;
}

std::string rdata_to_text(dns::RrType type, std::span<const std::uint8_t> rdata) {
    RrPtr rr = rr_from_wire(type, rdata);
    // Fewer fields than the type has (a URI with an empty target: ldns keeps no field for it) would
    // print as text that does not parse back: such data takes the generic form, which always does.
    const ldns_rr_descriptor* desc = ldns_rr_descript(static_cast<std::uint16_t>(type));
    if (rr && desc != nullptr && ldns_rr_rd_count(rr.get()) < ldns_rr_descriptor_minimum(desc)) rr.reset();
    if (!rr) {
        // RFC 3597 §5 generic form.
        static const char* hex = "0123456789abcdef";
        std::string s = "\\# " + std::to_string(rdata.size());
        if (!rdata.empty()) s += ' ';
        for (std::uint8_t b : rdata) {
            s.push_back(hex[b >> 4]);
            s.push_back(hex[b & 15]);
        }
        return s;
    }
    std::string s;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        char* str = ldns_rdf2str(ldns_rr_rdf(rr.get(), i));
        if (str == nullptr) continue;
        if (!s.empty()) s.push_back(' ');
        s += str;
        LDNS_FREE(str);
    }
    return s;
}

std::string record_to_text(const dns::Name& owner, std::uint32_t ttl, dns::RrType type,
                           std::span<const std::uint8_t> rdata) {
    return owner.to_text() + "\t" + std::to_string(ttl) + "\tIN\t" + dns::to_text(type) + "\t" +
           rdata_to_text(type, rdata);
}

}  // namespace enumd::zones
