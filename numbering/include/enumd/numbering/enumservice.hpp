#pragma once
/// ENUM enumservices (RFC 6116 §3.4.3, IANA registry of RFC 6117): the
/// NAPTR services field parsed, checked and matched against what a caller
/// asks for, and the URI schemes that suit each enumservice.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/dns/result.hpp"

namespace enumd::numbering {

/// One enumservice: a type and its subtypes ("pstn:tel" → type pstn, subtypes {tel}).
struct Enumservice {
    std::string type;                   ///< lower-cased
    std::vector<std::string> subtypes;  ///< lower-cased
    /// "pstn:tel" (lower-cased, without "E2U+").
    [[nodiscard]] std::string to_text() const;
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
/// Case-insensitive. Anything else is an error: a sentence naming the problem.
dns::Result<ServiceField> parse_service_field(std::string_view text);

/// The RFC 6116 §3.4.3 syntax check alone (no legacy form), for zone
/// checks: the problem as a sentence, if any.
std::optional<std::string> check_enumservice(std::string_view service);

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

/// The lower-cased scheme of a URI (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT /
/// "+" / "-" / "." ) before the first ':'), or "" when there is none.
std::string uri_scheme(std::string_view uri);

/// The enumservice for a URI by its scheme: sip/sips → "E2U+sip",
/// tel → "E2U+pstn:tel", mailto → "E2U+email:mailto", http(s) → "E2U+web:http(s)",
/// h323 → "E2U+h323", ... nullopt for schemes without a registered mapping.
std::optional<std::string> service_for_uri(std::string_view uri);

/// Checks that `uri` is a syntactically valid absolute URI (RFC 3986 §3.1
/// scheme, non-empty rest, no whitespace or controls) and that its scheme
/// suits the enumservice: sip/sips for E2U+sip and …:sip, tel for …:tel,
/// the subtype as scheme otherwise. Returns an empty string when fine, else
/// the reason.
std::string check_uri_for_service(std::string_view uri, const std::optional<Enumservice>& service);

/// A URI as written in a zone (a NAPTR shorthand's `uri`): a problem and
/// the offset of the character it is about.
struct UriProblem {
    std::size_t offset = 0;
    std::string message;
};

/// RFC 3986 syntax of a URI written by a person: a scheme (§3.1), something
/// after it, and only URI characters (§2: unreserved, reserved, '%' with two
/// hex digits) — no spaces, trailing ones included, and no controls.
/// `extra` lists more characters allowed (the braces of `{number}`-style
/// placeholders). nullopt when fine.
std::optional<UriProblem> check_uri_syntax(std::string_view uri, std::string_view extra = {});

/// True for a tel: URI carrying the RFC 4694 "npdi" parameter.
bool has_npdi(std::string_view uri);

}  // namespace enumd::numbering
