#pragma once
/// NAPTR records (RFC 3403 §4.1) and ENUM enumservices (RFC 6116 §3.4.3).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/result.hpp"

namespace enumd::resolver {

/// One NAPTR record as received (RFC 3403 §4.1 field order).
struct NaptrRecord {
    std::uint16_t order = 0;
    std::uint16_t preference = 0;
    std::string flags;
    std::string services;
    std::string regexp;
    dns::Name replacement;  ///< root when unused
    std::uint32_t ttl = 0;
};

/// Parses uncompressed NAPTR rdata (RFC 3403 §4.1: two 16-bit integers,
/// three <character-string>s, a domain name). Trailing octets are an error.
dns::Result<NaptrRecord> parse_naptr_rdata(std::span<const std::uint8_t> rdata);

/// Uncompressed rdata for `rr` (for fakes, tests and caches).
std::vector<std::uint8_t> to_rdata(const NaptrRecord& rr);

/// Presentation form as dig prints it, for logs and enumq.
std::string to_text(const NaptrRecord& rr);

/// One enumservice: a type and its subtypes ("pstn:tel" → type pstn, subtypes {tel}).
struct Enumservice {
    std::string type;                   ///< lower-cased
    std::vector<std::string> subtypes;  ///< lower-cased
};

/// A parsed NAPTR services field for ENUM.
struct ServiceField {
    bool e2u = false;                   ///< "E2U+..." (RFC 6116) or legacy "...+E2U" (RFC 2916)
    bool legacy = false;                ///< the RFC 2916 "sip+E2U" form
    std::vector<Enumservice> services;  ///< compound fields give several
};

/// Parses a services field. RFC 6116 §3.4.3:
///   service-field = "E2U" 1*(servicespec); servicespec = "+" enumservice;
///   enumservice = type 0*(subtypespec); subtypespec = ":" subtype;
///   type / subtype = 1*32(ALPHA / DIGIT / "-").
/// The RFC 2916 form "type+E2U" is recognised and flagged `legacy`.
/// Case-insensitive. Anything else is an error (the record is then skipped).
dns::Result<ServiceField> parse_service_field(std::string_view text);

/// What the caller asks for: "E2U+sip", "E2U+pstn:tel", "E2U+voice:sip"...
/// An empty filter accepts every E2U record.
class ServiceFilter {
public:
    ServiceFilter() = default;
    /// `spec` is one enumservice with or without the "E2U+" prefix.
    static dns::Result<ServiceFilter> parse(std::string_view spec);
    /// Accept records in the RFC 2916 "sip+E2U" form too (off by default:
    /// RFC 6116 §3.4.3 obsoletes it).
    void accept_legacy(bool on) noexcept { legacy_ = on; }
    [[nodiscard]] bool empty() const noexcept { return !want_.has_value(); }
    [[nodiscard]] const std::optional<Enumservice>& wanted() const noexcept { return want_; }
    /// True when `field` offers the wanted enumservice: same type, and when
    /// the filter names a subtype, the record lists it (case-insensitive).
    [[nodiscard]] bool matches(const ServiceField& field) const noexcept;
    /// The enumservice of `field` that matched (for URI validation).
    [[nodiscard]] std::optional<Enumservice> match(const ServiceField& field) const;

private:
    std::optional<Enumservice> want_;
    bool legacy_ = false;
};

/// How ENUM treats a record's flags field (RFC 3403 §4.1, RFC 6116 §3.4.1).
enum class FlagKind {
    Terminal,     ///< "u": the regexp yields a URI, processing stops
    NonTerminal,  ///< empty: the output is a new key to query
    Unknown,      ///< anything else ("s", "a", "p", junk): the record is ignored
};
FlagKind classify_enum_flags(std::string_view flags) noexcept;

/// Checks that `uri` is a syntactically valid absolute URI (RFC 3986 §3.1
/// scheme, non-empty rest, no whitespace or controls) and that its scheme
/// suits the enumservice: sip/sips for E2U+sip and …:sip, tel for …:tel,
/// the subtype as scheme otherwise. Returns an empty string when fine, else
/// the reason.
std::string check_uri_for_service(std::string_view uri, const std::optional<Enumservice>& service);

/// The lower-cased scheme of a URI ("" when there is none).
std::string uri_scheme(std::string_view uri);

/// True for a tel: URI carrying the RFC 4694 "npdi" parameter.
bool has_npdi(std::string_view uri);

}  // namespace enumd::resolver
