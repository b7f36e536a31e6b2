#include "enumd/dns/types.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace enumd::dns {
namespace {

constexpr std::pair<RrType, std::string_view> kTypes[] = {
    {RrType::A, "A"},         {RrType::NS, "NS"},         {RrType::CNAME, "CNAME"},
    {RrType::SOA, "SOA"},     {RrType::PTR, "PTR"},       {RrType::HINFO, "HINFO"},
    {RrType::MX, "MX"},       {RrType::TXT, "TXT"},       {RrType::RP, "RP"},
    {RrType::AFSDB, "AFSDB"}, {RrType::AAAA, "AAAA"},     {RrType::LOC, "LOC"},
    {RrType::SRV, "SRV"},     {RrType::NAPTR, "NAPTR"},   {RrType::KX, "KX"},
    {RrType::CERT, "CERT"},   {RrType::DNAME, "DNAME"},   {RrType::OPT, "OPT"},
    {RrType::APL, "APL"},     {RrType::DS, "DS"},         {RrType::SSHFP, "SSHFP"},
    {RrType::RRSIG, "RRSIG"}, {RrType::NSEC, "NSEC"},     {RrType::DNSKEY, "DNSKEY"},
    {RrType::NSEC3, "NSEC3"}, {RrType::NSEC3PARAM, "NSEC3PARAM"},
    {RrType::TLSA, "TLSA"},   {RrType::SVCB, "SVCB"},     {RrType::HTTPS, "HTTPS"},
    {RrType::SPF, "SPF"},     {RrType::TSIG, "TSIG"},     {RrType::IXFR, "IXFR"},
    {RrType::AXFR, "AXFR"},   {RrType::ANY, "ANY"},       {RrType::URI, "URI"},
    {RrType::CAA, "CAA"},     {static_cast<RrType>(249), "TKEY"},
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
        if (x != y) return false;
    }
    return true;
}

}  // namespace

std::string to_text(RrType type) {
    for (const auto& [t, s] : kTypes) {
        if (t == type) return std::string(s);
    }
    return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::optional<RrType> rr_type_from_text(std::string_view text) {
    for (const auto& [t, s] : kTypes) {
        if (iequals(s, text)) return t;
    }
    if (text.size() > 4 && iequals(text.substr(0, 4), "TYPE")) {
        unsigned v = 0;
        auto r = std::from_chars(text.data() + 4, text.data() + text.size(), v);
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() && v <= 65535) return static_cast<RrType>(v);
    }
    return std::nullopt;
}

std::string to_text(Rcode rcode) {
    switch (rcode) {
        case Rcode::NOERROR: return "NOERROR";
        case Rcode::FORMERR: return "FORMERR";
        case Rcode::SERVFAIL: return "SERVFAIL";
        case Rcode::NXDOMAIN: return "NXDOMAIN";
        case Rcode::NOTIMP: return "NOTIMP";
        case Rcode::REFUSED: return "REFUSED";
        case Rcode::YXDOMAIN: return "YXDOMAIN";
        case Rcode::YXRRSET: return "YXRRSET";
        case Rcode::NXRRSET: return "NXRRSET";
        case Rcode::NOTAUTH: return "NOTAUTH";
        case Rcode::NOTZONE: return "NOTZONE";
        case Rcode::BADVERS: return "BADVERS";
    }
    return "RCODE" + std::to_string(static_cast<unsigned>(rcode));
}

std::string to_text(RrClass c) {
    switch (c) {
        case RrClass::IN: return "IN";
        case RrClass::CH: return "CH";
        case RrClass::HS: return "HS";
        case RrClass::NONE: return "NONE";
        case RrClass::ANY: return "ANY";
    }
    return "CLASS" + std::to_string(static_cast<unsigned>(c));
}

bool is_meta_type(RrType type) noexcept {
    auto v = static_cast<unsigned>(type);
    return type == RrType::OPT || (v >= 128 && v <= 255);
}

}  // namespace enumd::dns
