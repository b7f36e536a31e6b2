#include "enumd/zones/naptr.hpp"

#include <cctype>

#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/subst_expr.hpp"

namespace enumd::zones {
namespace {

bool put_string(std::vector<std::uint8_t>& out, std::string_view s) {
    if (s.size() > 255) return false;
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
    return true;
}

bool get_string(std::span<const std::uint8_t> r, std::size_t& pos, std::string& out) {
    if (pos >= r.size()) return false;
    std::size_t n = r[pos++];
    if (pos + n > r.size()) return false;
    out.assign(reinterpret_cast<const char*>(r.data() + pos), n);
    pos += n;
    return true;
}

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

dns::Result<std::vector<std::uint8_t>> encode_naptr(const Naptr& n) {
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>(n.order >> 8));
    out.push_back(static_cast<std::uint8_t>(n.order));
    out.push_back(static_cast<std::uint8_t>(n.preference >> 8));
    out.push_back(static_cast<std::uint8_t>(n.preference));
    if (!put_string(out, n.flags)) return dns::make_error("NAPTR flags longer than 255 octets");
    if (!put_string(out, n.service)) return dns::make_error("NAPTR service longer than 255 octets");
    if (!put_string(out, n.regexp)) return dns::make_error("NAPTR regexp longer than 255 octets");
    auto w = n.replacement.wire();
    out.insert(out.end(), w.begin(), w.end());
    return out;
}

std::optional<Naptr> decode_naptr(std::span<const std::uint8_t> r) {
    if (r.size() < 4) return std::nullopt;
    Naptr n;
    n.order = static_cast<std::uint16_t>((r[0] << 8) | r[1]);
    n.preference = static_cast<std::uint16_t>((r[2] << 8) | r[3]);
    std::size_t pos = 4;
    if (!get_string(r, pos, n.flags) || !get_string(r, pos, n.service) || !get_string(r, pos, n.regexp))
        return std::nullopt;
    auto name = dns::Name::from_uncompressed(r.subspan(pos));
    if (!name || pos + name->wire_size() != r.size()) return std::nullopt;
    n.replacement = *name;
    return n;
}

std::optional<std::string> naptr_reading_warning(const Naptr& n) {
    numbering::SubstExprChecker regexps;
    return naptr_reading_warning(n, regexps);
}

std::optional<std::string> naptr_reading_warning(const Naptr& n, numbering::SubstExprChecker& regexps) {
    if (n.regexp.empty()) return std::nullopt;
    auto r = regexps.check(n.regexp);
    if (!r || r->matches_whole_string) return std::nullopt;
    return "NAPTR regexp \"" + n.regexp +
           "\" may match only part of the number: sed-style (RFC 3402 §3.2, enumd) the unmatched rest stays in the "
           "result, Kamailio and Asterisk use the replacement alone; match the whole string (^...$) so that every "
           "client reads it alike";
}

std::vector<std::string> check_naptr(const Naptr& n) {
    numbering::SubstExprChecker regexps;
    return check_naptr(n, regexps);
}

std::vector<std::string> check_naptr(const Naptr& n, numbering::SubstExprChecker& regexps) {
    std::vector<std::string> problems;
    // RFC 3403 §4.1: flags are single characters A-Z/0-9; S, A, U, P are
    // defined (RFC 3404 §4.3) and mutually exclusive.
    int terminal = 0;
    for (char f : n.flags) {
        char u = static_cast<char>(std::toupper(static_cast<unsigned char>(f)));
        if (u == 'S' || u == 'A' || u == 'U' || u == 'P') {
            ++terminal;
        } else {
            problems.push_back(std::string("NAPTR flag '") + f +
                               "' is unknown: use \"u\", \"s\", \"a\", \"p\" or \"\" (RFC 3404 §4.3)");
        }
    }
    if (terminal > 1)
        problems.push_back("NAPTR flags \"" + n.flags +
                           "\" combine S, A, U and P, which are mutually exclusive (RFC 3404 §4.3)");
    if (!n.regexp.empty() && !n.replacement.is_root())
        problems.push_back("NAPTR has both a regexp and a replacement (" + n.replacement.to_text() +
                           "); use one of them, the other must be \"\" or '.' (RFC 3403 §4.1)");
    bool is_u = n.flags.size() == 1 && (n.flags[0] == 'u' || n.flags[0] == 'U');
    if (is_u && n.regexp.empty())
        problems.push_back("NAPTR with flag \"u\" has no regexp: a terminal URI rule needs one (RFC 3404 §4.3)");
    if (!n.regexp.empty()) {
        // Checked as a resolver reads it; only whether it compiles matters here.
        auto r = regexps.check(n.regexp);
        if (!r) problems.push_back("NAPTR " + r.error());
    }
    if (n.service.size() >= 3 && lower(n.service.substr(0, 3)) == "e2u") {
        if (auto why = numbering::check_enumservice(n.service)) problems.push_back("NAPTR " + *why);
    } else {
        for (char c : n.service) {
            if (!is_alnum(c) && c != '+' && c != ':' && c != '-' && c != '.' && c != '_') {
                problems.push_back("NAPTR service '" + n.service + "' has the character '" + std::string(1, c) +
                                   "'; services are letters, digits, '+', ':', '-' (RFC 3403 §4.1)");
                break;
            }
        }
    }
    return problems;
}

}  // namespace enumd::zones
