#pragma once
/// DNS registry values with their IANA mnemonics (grep against RFCs and dig).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace enumd::dns {

enum class RrType : std::uint16_t {
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    HINFO = 13,
    MX = 15,
    TXT = 16,
    RP = 17,
    AFSDB = 18,
    AAAA = 28,
    LOC = 29,
    SRV = 33,
    NAPTR = 35,
    KX = 36,
    CERT = 37,
    DNAME = 39,
    OPT = 41,
    APL = 42,
    DS = 43,
    SSHFP = 44,
    RRSIG = 46,
    NSEC = 47,
    DNSKEY = 48,
    NSEC3 = 50,
    NSEC3PARAM = 51,
    TLSA = 52,
    SVCB = 64,
    HTTPS = 65,
    SPF = 99,
    TSIG = 250,
    IXFR = 251,
    AXFR = 252,
    ANY = 255,
    URI = 256,
    CAA = 257,
};

enum class RrClass : std::uint16_t { IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255 };

enum class Rcode : std::uint8_t {
    NOERROR = 0,
    FORMERR = 1,
    SERVFAIL = 2,
    NXDOMAIN = 3,
    NOTIMP = 4,
    REFUSED = 5,
    YXDOMAIN = 6,
    YXRRSET = 7,
    NXRRSET = 8,
    NOTAUTH = 9,
    NOTZONE = 10,
    BADVERS = 16,  // extended rcode (RFC 6891 §6.1.3): upper 8 bits live in OPT
};

enum class Opcode : std::uint8_t { QUERY = 0, IQUERY = 1, STATUS = 2, NOTIFY = 4, UPDATE = 5 };

/// "NAPTR", or "TYPE65280" for types without a mnemonic (RFC 3597 §5).
std::string to_text(RrType type);
/// Accepts mnemonics (case-insensitive) and the TYPEnnn form.
std::optional<RrType> rr_type_from_text(std::string_view text);
std::string to_text(Rcode rcode);
std::string to_text(RrClass rrclass);

/// Meta and pseudo types are never stored in a zone (RFC 6895 §3.1).
bool is_meta_type(RrType type) noexcept;

}  // namespace enumd::dns
