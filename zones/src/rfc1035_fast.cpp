#include "rfc1035_fast.hpp"

#include <arpa/inet.h>
#include <ldns/ldns.h>

#include <array>
#include <cstring>

#include "enumd/dns/rdata.hpp"

// The references to ldns below are to 1.8.3: rr.c (ldns_rr_new_frm_str_internal,
// _ldns_rr_new_frm_fp_l_internal), parse.c (ldns_fget_token_l_st, ldns_bget_token)
// and str2host.c (the ldns_str2rdf_* field readers).

namespace enumd::zones::rfc1035_fast {
namespace {

constexpr bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t';
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::size_t skip_blanks(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_blank(s[i])) ++i;
    return i;
}

/// End of the token at `i`: the next blank that no backslash escapes, as
/// ldns_bget_token splits with " \t\n" (a backslash escapes one character,
/// "\\" is a pair). The line has no dangling backslash (read_entry).
std::size_t token_end(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && !is_blank(s[i])) i += s[i] == '\\' ? 2 : 1;
    return i < s.size() ? i : s.size();
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        if (c != b[i]) return false;
    }
    return true;
}

/// The types read here, spelled as ldns_get_rr_type_by_name knows them (case
/// does not matter). None is also a class name, so a token that is one of them
/// is never taken for a class. TYPEnnn goes to ldns.
struct TypeName {
    std::string_view name;
    dns::RrType type;
};
constexpr TypeName kTypes[] = {
    {"NAPTR", dns::RrType::NAPTR}, {"NS", dns::RrType::NS},       {"SOA", dns::RrType::SOA},
    {"A", dns::RrType::A},         {"AAAA", dns::RrType::AAAA},   {"CNAME", dns::RrType::CNAME},
    {"PTR", dns::RrType::PTR},     {"SRV", dns::RrType::SRV},     {"MX", dns::RrType::MX},
    {"TXT", dns::RrType::TXT},     {"DNAME", dns::RrType::DNAME},
};

const TypeName* find_type(std::string_view token) noexcept {
    for (const auto& t : kTypes)
        if (iequals(token, t.name)) return &t;
    return nullptr;
}

/// A token as a C string for the libc and ldns readers; false when too long
/// for any value they would accept.
template <std::size_t N>
bool to_cstr(std::string_view token, std::array<char, N>& buf) noexcept {
    if (token.size() >= N) return false;
    std::memcpy(buf.data(), token.data(), token.size());
    buf[token.size()] = '\0';
    return true;
}

/// ldns reads a TTL with ldns_str2period and does not look at what follows
/// the number ("1h30m", also "60x" as 60).
std::uint32_t ttl_of(std::string_view token) noexcept {
    std::array<char, 24> buf{};
    if (!to_cstr(token, buf)) return 0;  // not reached: the caller keeps TTL tokens under 21
    const char* end = nullptr;
    return ldns_str2period(buf.data(), &end);
}

void put_u16(std::vector<std::uint8_t>& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    put_u16(out, v >> 16);
    put_u16(out, v & 0xFFFF);
}

/// Digits only, at most `max`. ldns' strtol/strtoul also take signs and wrap
/// large values; such tokens go to ldns, which keeps those readings.
bool digits_value(std::string_view token, std::uint64_t max, std::uint64_t& v) noexcept {
    if (token.empty() || token.size() > 10) return false;
    v = 0;
    for (char c : token) {
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v <= max;
}

/// ldns_str2rdf_str: escapes \DDD (at most 255) and \X, at most 255 octets.
bool put_string(std::string_view token, std::vector<std::uint8_t>& out) {
    std::size_t at = out.size();
    out.push_back(0);
    std::size_t n = 0;
    for (std::size_t i = 0; i < token.size();) {
        auto ch = static_cast<std::uint8_t>(token[i]);
        if (token[i] == '\\') {
            if (i + 1 >= token.size()) return false;
            if (is_digit(token[i + 1])) {
                if (i + 3 >= token.size() || !is_digit(token[i + 2]) || !is_digit(token[i + 3])) return false;
                int v = (token[i + 1] - '0') * 100 + (token[i + 2] - '0') * 10 + (token[i + 3] - '0');
                if (v > 255) return false;
                ch = static_cast<std::uint8_t>(v);
                i += 4;
            } else {
                ch = static_cast<std::uint8_t>(token[i + 1]);
                i += 2;
            }
        } else {
            ++i;
        }
        if (n == 255) return false;
        out.push_back(ch);
        ++n;
    }
    out[at] = static_cast<std::uint8_t>(n);
    return true;
}

/// A domain name as ldns completes it: "@" is the origin, a name without a
/// trailing dot is relative to it. dns::Name::from_text reads escapes and
/// refuses empty and long labels and names as ldns_str2rdf_dname does.
bool name_of(std::string_view token, const State& st, dns::Name& out) {
    if (token == "@") {
        out = *st.origin;
    } else {
        // ldns_str2rdf_dname counts characters, escapes included, against 4 × 255.
        if (token.size() > 4 * dns::kMaxNameLength) return false;
        auto n = dns::Name::from_text(token, st.origin);
        if (!n) return false;
        // ldns takes any name whose first label is "@" (as in "@.example.", "\064") for the origin.
        auto w = n->wire();
        if (w.size() > 2 && w[0] == 1 && w[1] == '@') return false;
        out = *n;
    }
    return st.no_origin == nullptr || !out.is_subdomain_of(*st.no_origin);
}

/// Splits rdata into fields as ldns_rr_new_frm_str_internal does for the
/// field types read here (no B64, HEX or other "rest of line" fields).
class Fields {
   public:
    explicit Fields(std::string_view rdata) : s_(rdata) {}

    enum class Got { Token, End, Unsure };

    /// The next field; a character-string field may be quoted. A quoted
    /// token ends at its closing quote, which need not be followed by a blank
    /// (ldns reads "u""E2U+sip" as two strings).
    Got next(bool maybe_quoted, std::string_view& token) {
        bool quoted = false;
        if (maybe_quoted && k_ < s_.size()) {
            k_ = skip_blanks(s_, k_);
            if (k_ < s_.size() && s_[k_] == '"') {
                quoted = true;
                ++k_;
            }
        }
        if (quoted) {
            std::size_t b = k_;
            while (k_ < s_.size() && s_[k_] != '"') k_ += s_[k_] == '\\' ? 2 : 1;
            if (k_ >= s_.size()) return Got::Unsure;  // unclosed: ldns takes the rest of the line
            token = s_.substr(b, k_ - b);
            ++k_;
            return Got::Token;
        }
        k_ = skip_blanks(s_, k_);
        if (k_ >= s_.size()) return Got::End;
        std::size_t b = k_;
        k_ = token_end(s_, k_);
        token = s_.substr(b, k_ - b);
        k_ = skip_blanks(s_, k_);
        // A quote inside a bare token changes what ldns counts as a comment or a
        // parenthesis; "\#" starts RFC 3597 generic data.
        if (token.find('"') != std::string_view::npos || token.starts_with("\\#")) return Got::Unsure;
        return Got::Token;
    }

    /// Nothing left: ldns refuses what is (LDNS_STATUS_SYNTAX_SUPERFLUOUS_TEXT_ERR).
    [[nodiscard]] bool at_end() const noexcept { return k_ >= s_.size(); }

   private:
    std::string_view s_;
    std::size_t k_ = 0;
};

/// The rdata of `type` (the dns/ field table's row) as ldns' field readers give it.
bool read_rdata(std::string_view rdata, dns::RrType type, const State& st, std::vector<std::uint8_t>& out) {
    const dns::RdataLayout* layout = dns::rdata_layout(type);
    if (layout == nullptr) return false;
    Fields fields(rdata);
    std::string_view tok;
    for (std::size_t i = 0; i < layout->count; ++i) {
        dns::Field f = layout->fields[i];
        if (f == dns::Field::CharStrings) {
            // TXT: strings up to the end, at least one.
            std::size_t n = 0;
            for (Fields::Got g; (g = fields.next(true, tok)) != Fields::Got::End; ++n)
                if (g == Fields::Got::Unsure || !put_string(tok, out)) return false;
            if (n == 0) return false;
            continue;
        }
        if (fields.next(f == dns::Field::CharString, tok) != Fields::Got::Token) return false;
        std::uint64_t v = 0;
        switch (f) {
            case dns::Field::U16:
                if (!digits_value(tok, 0xFFFF, v)) return false;
                put_u16(out, static_cast<std::uint32_t>(v));
                break;
            case dns::Field::U32:
                if (type == dns::RrType::SOA && i == 2) {
                    // The serial: ldns_str2rdf_int32.
                    if (!digits_value(tok, 0xFFFFFFFF, v)) return false;
                } else {
                    // The SOA timers: ldns_str2rdf_period, units allowed, nothing after them.
                    std::array<char, 32> buf{};
                    const char* end = nullptr;
                    if (!to_cstr(tok, buf)) return false;
                    v = ldns_str2period(buf.data(), &end);
                    if (*end != '\0') return false;
                }
                put_u32(out, static_cast<std::uint32_t>(v));
                break;
            case dns::Field::Name: {
                dns::Name n;
                if (!name_of(tok, st, n)) return false;
                out.insert(out.end(), n.wire().begin(), n.wire().end());
                break;
            }
            case dns::Field::CharString:
                if (!put_string(tok, out)) return false;
                break;
            case dns::Field::Ipv4:
            case dns::Field::Ipv6: {
                // ldns_str2rdf_a / _aaaa: inet_pton.
                std::array<char, 64> buf{};
                std::array<std::uint8_t, 16> addr{};
                if (!to_cstr(tok, buf)) return false;
                int family = f == dns::Field::Ipv4 ? AF_INET : AF_INET6;
                if (inet_pton(family, buf.data(), addr.data()) != 1) return false;
                out.insert(out.end(), addr.begin(), addr.begin() + (f == dns::Field::Ipv4 ? 4 : 16));
                break;
            }
            default:
                return false;
        }
    }
    return fields.at_end() && out.size() <= 65535;
}

/// The text of the entry at `pos` as ldns_fget_token_l_st gives it, when it
/// is one plain line: ldns first passes over line breaks and whole comment
/// lines, then reads to the end of the line. Sets `next` to where ldns stops
/// (past the line break and any further "\f\n\r\v", ldns_fskipcs_l).
bool plain_line(std::string_view text, std::size_t pos, std::string_view& line, std::size_t& next) {
    std::size_t p = pos;
    const std::size_t n = text.size();
    while (p < n && (text[p] == '\n' || text[p] == ';')) {
        if (text[p] == '\n') {
            ++p;
        } else {
            std::size_t e = text.find('\n', p);
            p = e == std::string_view::npos ? n : e + 1;
        }
    }
    if (p >= n) return false;
    std::size_t eol = text.find('\n', p);
    if (eol == std::string_view::npos) eol = n;
    std::size_t end = eol;
    bool quoted = false;
    for (std::size_t i = p; i < eol; ++i) {
        char c = text[i];
        // ldns ends a line at FF or VT and drops NUL; it turns CR into a blank, even
        // inside quotes. Only a CR right before the line break is taken here (CRLF files).
        if (c == '\0' || c == '\f' || c == '\v') return false;
        if (c == '\r') {
            if (quoted || i + 1 != eol) return false;
        } else if (c == '\\') {
            // A backslash before the line break continues the entry on the next line.
            if (++i >= eol || text[i] == '\0' || text[i] == '\r' || text[i] == '\f' || text[i] == '\v') return false;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == ';') {
            end = i;
            break;
        } else if (!quoted && (c == '(' || c == ')')) {
            return false;  // an entry over several lines
        }
    }
    if (quoted) return false;  // ldns reads an unclosed quote to the end of the line
    if (end > p && text[end - 1] == '\r') --end;
    line = text.substr(p, end - p);
    if (eol >= n) {
        next = n;
    } else {
        next = eol + 1;
        while (next < n && (text[next] == '\n' || text[next] == '\r' || text[next] == '\f' || text[next] == '\v'))
            ++next;
    }
    return true;
}

}  // namespace

bool read_entry(std::string_view text, std::size_t pos, const State& st, Entry& out, std::size_t& next) {
    std::string_view line;
    if (!plain_line(text, pos, line, next)) return false;
    // Owner, [TTL] [class] type, as ldns_rr_new_frm_str_internal: a line that
    // starts with a blank has no owner; a TTL starts with a digit; the class,
    // when there is one, comes after the TTL (ldns takes "IN 3600 A" for a type
    // "3600"). Token length limits are ldns' (its buffers of 255, 21 and 16).
    std::size_t i = 0;
    std::string_view owner;
    if (!line.empty() && !is_blank(line[0])) {
        i = token_end(line, 0);
        owner = line.substr(0, i);
        if (owner.size() >= 255 || owner.find('"') != std::string_view::npos) return false;
    }
    auto next_token = [&](std::size_t limit, std::string_view& tok) {
        i = skip_blanks(line, i);
        std::size_t e = token_end(line, i);
        tok = line.substr(i, e - i);
        i = e;
        return !tok.empty() && tok.size() < limit && tok.find('"') == std::string_view::npos;
    };
    std::string_view tok;
    std::string_view type_tok;
    if (!next_token(21, tok)) return false;
    if (is_digit(tok[0])) {
        out.ttl = ttl_of(tok);
        if (!next_token(16, tok)) return false;
    } else {
        // RFC 2308 §4 default; ldns reads a $TTL of 0 as none and uses 3600.
        out.ttl = st.default_ttl == 0 ? 3600 : st.default_ttl;
    }
    if (iequals(tok, "IN")) {
        if (!next_token(16, type_tok)) return false;
    } else {
        type_tok = tok;
    }
    const TypeName* type = find_type(type_tok);
    if (type == nullptr) return false;
    out.type = type->type;
    std::string_view rdata = line.substr(skip_blanks(line, i));
    if (rdata.size() >= 65535) return false;  // ldns' buffer for the rest of the line

    if (owner.empty()) {
        out.owner_given = false;
        out.owner = st.prev != nullptr ? *st.prev : *st.origin;
        if (st.no_origin != nullptr && out.owner.is_subdomain_of(*st.no_origin)) return false;
    } else {
        // ldns takes every owner that starts with "@" for the origin; only "@" itself is taken here.
        if (owner[0] == '@' && owner.size() > 1) return false;
        out.owner_given = true;
        if (!name_of(owner, st, out.owner)) return false;
    }
    out.rdata.clear();
    return read_rdata(rdata, out.type, st, out.rdata);
}

}  // namespace enumd::zones::rfc1035_fast
