#include "enumd/zones/naptr.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <cctype>

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

/// The URI scheme (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), or "".
std::string scheme_of(std::string_view uri) {
    auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    if (std::isalpha(static_cast<unsigned char>(uri[0])) == 0) return {};
    for (std::size_t i = 1; i < colon; ++i) {
        char c = uri[i];
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return {};
    }
    return lower(uri.substr(0, colon));
}

/// Counts capture groups of an ERE: unescaped '(' outside bracket expressions.
int count_groups(std::string_view ere) {
    int groups = 0;
    for (std::size_t i = 0; i < ere.size(); ++i) {
        char c = ere[i];
        if (c == '\\') {
            ++i;
        } else if (c == '[') {
            std::size_t j = i + 1;
            if (j < ere.size() && ere[j] == '^') ++j;
            if (j < ere.size() && ere[j] == ']') ++j;  // a leading ']' is literal
            while (j < ere.size() && ere[j] != ']') {
                if (ere[j] == '[' && j + 1 < ere.size() &&
                    (ere[j + 1] == ':' || ere[j + 1] == '.' || ere[j + 1] == '=')) {
                    auto close = ere.find(std::string{ere[j + 1], ']'}, j + 2);
                    j = close == std::string_view::npos ? ere.size() : close + 2;
                    continue;
                }
                ++j;
            }
            i = j;
        } else if (c == '(') {
            ++groups;
        }
    }
    return groups;
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

std::optional<std::string> service_for_uri(std::string_view uri) {
    // IANA "Enumservice Registrations" (RFC 6117 registry); sip and sips share
    // one enumservice (RFC 3764 §4).
    struct Map {
        std::string_view scheme;
        std::string_view service;
    };
    static constexpr std::array<Map, 13> kMap{{
        {"sip", "E2U+sip"},
        {"sips", "E2U+sip"},
        {"tel", "E2U+pstn:tel"},
        {"mailto", "E2U+email:mailto"},
        {"http", "E2U+web:http"},
        {"https", "E2U+web:https"},
        {"h323", "E2U+h323"},
        {"xmpp", "E2U+xmpp"},
        {"im", "E2U+im"},
        {"pres", "E2U+pres"},
        {"ftp", "E2U+ft:ftp"},
        {"iax", "E2U+iax"},
        {"ldap", "E2U+ldap"},
    }};
    std::string s = scheme_of(uri);
    for (const auto& m : kMap) {
        if (m.scheme == s) return std::string(m.service);
    }
    return std::nullopt;
}

dns::Result<std::string> regexp_for_uri(std::string_view uri) {
    if (scheme_of(uri).empty())
        return dns::make_error("'" + std::string(uri) + "' is not a URI (it needs a scheme such as 'sip:')");
    std::string body(uri);
    std::string pattern = "^.*$";
    int placeholders = 0;
    for (auto [ph, pat] : {std::pair{std::string_view("{number}"), std::string_view("^(.*)$")},
                           std::pair{std::string_view("{digits}"), std::string_view("^\\+(.*)$")}}) {
        auto at = body.find(ph);
        while (at != std::string::npos) {
            ++placeholders;
            pattern = pat;
            body.replace(at, ph.size(), std::string(1, '\x01'));  // marker for the back-reference
            at = body.find(ph);
        }
    }
    if (placeholders > 1)
        return dns::make_error("'" + std::string(uri) + "' has more than one {number}/{digits} placeholder");
    char delim = '!';
    bool found = false;
    for (char c : std::string_view("!#|~%,;=")) {
        if (body.find(c) == std::string::npos) {
            delim = c;
            found = true;
            break;
        }
    }
    std::string repl;
    for (char c : body) {
        if (c == '\x01') {
            repl += "\\1";
        } else if (c == '\\') {
            repl += "\\\\";
        } else if (!found && c == delim) {
            repl += '\\';
            repl += c;
        } else {
            repl += c;
        }
    }
    return std::string(1, delim) + pattern + delim + repl + delim;
}

dns::Result<SubstExpr> parse_subst_expr(std::string_view re) {
    SubstExpr out;
    if (re.empty()) return dns::make_error("empty regexp");
    char d = re[0];
    out.delimiter = d;
    if ((d >= '0' && d <= '9') || d == 'i' || d == '\\')
        return dns::make_error(std::string("regexp delimiter '") + d +
                               "' is not allowed: it may not be a digit, the flag 'i' or '\\' (RFC 3402 §3.2)");
    // Split at unescaped delimiters.
    std::array<std::size_t, 2> ends{};
    std::size_t found = 0;
    std::size_t i = 1;
    for (; i < re.size() && found < 2; ++i) {
        if (re[i] == '\\') {
            ++i;
            continue;
        }
        if (re[i] == d) ends[found++] = i;
    }
    if (found < 2)
        return dns::make_error(std::string("regexp delimiter '") + d + "' not closed: a substitution expression is " +
                               d + "pattern" + d + "replacement" + d + "flags (RFC 3402 §3.2)");
    out.pattern = std::string(re.substr(1, ends[0] - 1));
    out.replacement = std::string(re.substr(ends[0] + 1, ends[1] - ends[0] - 1));
    std::string_view flags = re.substr(ends[1] + 1);
    for (char f : flags) {
        if (f == d)
            return dns::make_error(std::string("regexp has an unescaped delimiter '") + d +
                                   "' after its third delimiter; escape it as '\\" + d + "'");
        if (f != 'i')
            return dns::make_error(std::string("regexp flag '") + f +
                                   "' is not allowed: the only flag is 'i' (RFC 3402 §3.2)");
        out.case_insensitive = true;
    }
    if (out.pattern.empty()) return dns::make_error("regexp has an empty pattern");
    out.groups = count_groups(out.pattern);
    for (std::size_t k = 0; k < out.replacement.size(); ++k) {
        if (out.replacement[k] != '\\') continue;
        if (k + 1 >= out.replacement.size()) return dns::make_error("regexp replacement ends with a lone '\\'");
        char n = out.replacement[k + 1];
        if (n >= '1' && n <= '9' && n - '0' > out.groups)
            return dns::make_error(std::string("regexp back-reference \\") + n + " refers to group " + n +
                                   " but the pattern '" + out.pattern + "' has " + std::to_string(out.groups) +
                                   (out.groups == 1 ? " group" : " groups"));
        ++k;
    }
    // PCRE2 is our ERE engine; an escaped alphanumeric delimiter would mean
    // something else to it, so unescape it first.
    std::string pat = out.pattern;
    if (is_alnum(d)) {
        std::string t;
        for (std::size_t k = 0; k < pat.size(); ++k) {
            if (pat[k] == '\\' && k + 1 < pat.size() && pat[k + 1] == d) {
                t += d;
                ++k;
            } else {
                t += pat[k];
            }
        }
        pat = t;
    }
    int err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pat.data()), pat.size(),
                                     out.case_insensitive ? PCRE2_CASELESS : 0u, &err, &off, nullptr);
    if (code == nullptr) {
        std::array<PCRE2_UCHAR, 256> buf{};
        pcre2_get_error_message(err, buf.data(), buf.size());
        return dns::make_error("regexp pattern '" + out.pattern + "' does not compile: " +
                               reinterpret_cast<const char*>(buf.data()) + " at offset " + std::to_string(off));
    }
    pcre2_code_free(code);
    return out;
}

std::optional<std::string> check_enumservice(std::string_view s) {
    if (s.size() < 3 || lower(s.substr(0, 3)) != "e2u")
        return "service '" + std::string(s) + "' does not start with 'E2U' (RFC 6116 §3.4.3)";
    if (s.size() == 3) return "service 'E2U' names no enumservice: write 'E2U+sip' and the like (RFC 6116 §3.4.3)";
    std::size_t i = 3;
    while (i < s.size()) {
        char sep = s[i];
        if (sep != '+' && sep != ':')
            return "service '" + std::string(s) + "': character '" + std::string(1, sep) +
                   "' is not allowed in an enumservice (letters, digits and '-', separated by '+' and ':')";
        if (i == 3 && sep != '+') return "service '" + std::string(s) + "': 'E2U' must be followed by '+type'";
        std::size_t j = i + 1;
        while (j < s.size() && (is_alnum(s[j]) || s[j] == '-')) ++j;
        std::size_t len = j - i - 1;
        std::string what = sep == '+' ? "type" : "subtype";
        if (len == 0) {
            if (j < s.size())
                return "service '" + std::string(s) + "': character '" + std::string(1, s[j]) +
                       "' is not allowed in an enumservice " + what + " (letters, digits, '-')";
            return "service '" + std::string(s) + "' has an empty enumservice " + what;
        }
        if (len > 32) return "service '" + std::string(s) + "': enumservice " + what + " longer than 32 characters";
        i = j;
    }
    return std::nullopt;
}

std::vector<std::string> check_naptr(const Naptr& n) {
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
        auto r = parse_subst_expr(n.regexp);
        if (!r) problems.push_back("NAPTR " + r.error());
    }
    if (n.service.size() >= 3 && lower(n.service.substr(0, 3)) == "e2u") {
        if (auto why = check_enumservice(n.service)) problems.push_back("NAPTR " + *why);
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
