#include "enumd/numbering/e164.hpp"

#include <array>
#include <cctype>
#include <cstring>

#include "text.hpp"

namespace enumd::numbering {
namespace {

using detail::cat;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_digit_label(std::string_view l) {
    return l.size() == 1 && is_digit(l[0]);
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

/// Visual separators: RFC 3966 §5.1.1 ('-', '.', '(', ')'), blanks, and the
/// '/' many national formats use ("089/1234 5678").
bool is_separator(char c) {
    return is_blank(c) || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

std::optional<NumberError> refuse_character(std::string_view text, std::size_t i) {
    char c = text[i];
    if (c == '+') return NumberError{i, "'+' may only start a number"};
    if (std::isalpha(static_cast<unsigned char>(c)) != 0)
        return NumberError{i, cat("letter '", c, "' in number '", text,
                                  "': write numbers as digits (letters on a keypad are not part of E.164)")};
    return NumberError{i, cat("character '", c, "' is not allowed in a number; use digits, ",
                              "an optional leading '+', spaces, '-', '.', '/', '(' and ')'")};
}

/// True when only blanks follow offset `i`.
bool only_blanks_after(std::string_view text, std::size_t i) {
    for (std::size_t k = i + 1; k < text.size(); ++k) {
        if (!is_blank(text[k])) return false;
    }
    return true;
}

}  // namespace

std::optional<NumberError> parse_number(std::string_view text, NumberText& out) {
    out = NumberText{};
    std::size_t i = 0;
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i < text.size() && text[i] == '+') ++i;
    for (; i < text.size(); ++i) {
        char c = text[i];
        // "+44 (0)20 7946 0000": the bracketed national trunk prefix is not
        // part of the international number (ITU-T E.123 §2.7).
        if (c == '(' && !out.digits.empty() && text.substr(i, 3) == "(0)") {
            i += 2;
            continue;
        }
        if (is_digit(c)) {
            if (out.digits.size() == kMaxE164Digits)
                return NumberError{i,
                                   cat("number '", text, "' has more than 15 digits (ITU-T E.164 allows at most 15)")};
            out.digits.push_back(c);
        } else if (c == '*') {
            if (!only_blanks_after(text, i))
                return NumberError{i, "'*' may only end a number, making it a prefix range ('+61255502*')"};
            out.prefix = true;
            break;
        } else if (!is_separator(c)) {
            return refuse_character(text, i);
        }
    }
    if (out.digits.empty() && !out.prefix) return NumberError{0, "empty number"};
    return std::nullopt;
}

dns::Result<std::string> normalise_e164(std::string_view text) {
    NumberText n;
    if (auto bad = parse_number(text, n)) return dns::make_error(std::move(bad->message));
    if (n.prefix) return dns::make_error(cat("'", text, "' is a prefix range, not one number"));
    return std::move(n.digits);
}

std::optional<std::string> dial_prefix_warning(std::string_view digits, std::string_view where) {
    if (digits.empty() || digits[0] != '0') return std::nullopt;
    return cat("number +", digits, where,
               " starts with 0: no country code does, so this looks like a national or international dial prefix "
               "(such as 0011 or 00) written before the country code");
}

std::string application_unique_string(std::string_view digits) {
    // Built by appending: GCC 12 at -O3 reports a false -Wrestrict inside
    // operator+(const char*, std::string&&) (GCC bug 105329).
    std::string aus;
    aus.reserve(digits.size() + 2);
    aus.push_back('+');
    aus.append(digits);
    return aus;
}

std::string format_number(std::string_view digits, bool prefix) {
    std::string s = application_unique_string(digits);
    if (prefix) s.push_back('*');
    return s;
}

const dns::Name& default_enum_suffix() {
    static const dns::Name kE164Arpa = *dns::Name::from_text("e164.arpa.");
    return kE164Arpa;
}

dns::Result<dns::Name> enum_domain(std::string_view digits, const dns::Name& suffix) {
    for (char d : digits)
        if (!is_digit(d)) return dns::make_error(cat("not a digit in E.164 number: '", d, "'"));
    const auto tail = suffix.wire();
    if (2 * digits.size() + tail.size() > dns::kMaxNameLength) return dns::make_error("name longer than 255 octets");
    // The wire form at once, the last digit leftmost (RFC 6116 §2.4): one name built instead of one per digit
    // (the live write path builds one for every number it changes).
    std::array<std::uint8_t, dns::kMaxNameLength> wire{};
    std::size_t n = 0;
    for (std::size_t i = digits.size(); i-- > 0;) {
        wire[n++] = 1;
        wire[n++] = static_cast<std::uint8_t>(digits[i]);
    }
    std::memcpy(wire.data() + n, tail.data(), tail.size());
    return dns::Name::from_uncompressed({wire.data(), n + tail.size()});
}

std::string implied_digits(const dns::Name& origin) {
    std::string d;
    for (std::size_t i = 0; i < origin.label_count() && is_digit_label(origin.label(i)); ++i) {
        d.insert(d.begin(), origin.label(i)[0]);
    }
    return d;
}

dns::Name enum_suffix(const dns::Name& origin) {
    std::size_t n = 0;
    while (n < origin.label_count() && is_digit_label(origin.label(n))) ++n;
    return origin.parent(n);
}

bool is_public_enum(const dns::Name& origin) {
    return origin.is_subdomain_of(default_enum_suffix());
}

dns::Result<dns::Name> owner_from_digits(std::string_view digits, const dns::Name& origin) {
    std::string implied = implied_digits(origin);
    if (!digits.starts_with(implied)) {
        return dns::make_error(cat("number ", format_number(digits), " is outside zone ", origin.to_text(),
                                   " (its numbers start with ", format_number(implied), ")"));
    }
    auto owner = enum_domain(digits.substr(implied.size()), origin);
    if (!owner)
        return dns::make_error(cat("number ", format_number(digits), " under ", origin.to_text(), ": ", owner.error()));
    return owner;
}

std::optional<std::string> digits_from_owner(const dns::Name& owner, const dns::Name& origin) {
    if (!owner.is_subdomain_of(origin)) return std::nullopt;
    std::size_t extra = owner.label_count() - origin.label_count();
    std::string d = implied_digits(origin);
    for (std::size_t i = extra; i-- > 0;) {
        auto l = owner.label(i);
        if (!is_digit_label(l)) return std::nullopt;
        d.push_back(l[0]);
    }
    return d;
}

}  // namespace enumd::numbering
