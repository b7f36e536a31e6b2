#include "enumd/zones/e164.hpp"

#include <algorithm>
#include <cctype>

namespace enumd::zones {
namespace {

bool is_digit_label(std::string_view l) {
    return l.size() == 1 && l[0] >= '0' && l[0] <= '9';
}

bool is_separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

}  // namespace

std::optional<NumberError> parse_number(std::string_view text, NumberText& out) {
    out = NumberText{};
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '+') ++i;
    for (; i < text.size(); ++i) {
        char c = text[i];
        // "+44 (0)20 7946 0000": the bracketed national trunk prefix is not
        // part of the international number (ITU-T E.123 §2.7).
        if (c == '(' && !out.digits.empty() && text.substr(i, 3) == "(0)") {
            i += 2;
            continue;
        }
        if (c >= '0' && c <= '9') {
            if (out.digits.size() == kMaxE164Digits)
                return NumberError{
                    i, "number '" + std::string(text) + "' has more than 15 digits (ITU-T E.164 allows at most 15)"};
            out.digits.push_back(c);
        } else if (c == '*') {
            std::size_t rest = i + 1;
            while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\t')) ++rest;
            if (rest != text.size())
                return NumberError{i, "'*' may only end a number, making it a prefix range ('+61255502*')"};
            out.prefix = true;
            break;
        } else if (c == '+') {
            return NumberError{i, "'+' may only start a number"};
        } else if (is_separator(c)) {
            continue;
        } else if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
            return NumberError{i, std::string("letter '") + c + "' in number '" + std::string(text) +
                                      "': write numbers as digits (letters on a keypad are not part of E.164)"};
        } else {
            return NumberError{i, std::string("character '") + c + "' is not allowed in a number; use digits, " +
                                      "an optional leading '+', spaces, '-', '.', '(' and ')'"};
        }
    }
    if (out.digits.empty() && !out.prefix) return NumberError{0, "empty number"};
    return std::nullopt;
}

std::string implied_digits(const dns::Name& origin) {
    std::string d;
    for (std::size_t i = 0; i < origin.label_count(); ++i) {
        auto l = origin.label(i);
        if (!is_digit_label(l)) break;
        d.insert(d.begin(), l[0]);
    }
    return d;
}

dns::Name enum_suffix(const dns::Name& origin) {
    std::size_t n = 0;
    while (n < origin.label_count() && is_digit_label(origin.label(n))) ++n;
    return origin.parent(n);
}

bool is_public_enum(const dns::Name& origin) {
    static const dns::Name kE164Arpa = *dns::Name::from_text("e164.arpa.");
    return origin.is_subdomain_of(kE164Arpa);
}

std::string format_number(std::string_view digits, bool prefix) {
    std::string s = "+" + std::string(digits);
    if (prefix) s += "*";
    return s;
}

dns::Result<dns::Name> owner_from_digits(std::string_view digits, const dns::Name& origin) {
    std::string implied = implied_digits(origin);
    if (digits.substr(0, implied.size()) != implied || digits.size() < implied.size()) {
        return dns::make_error("number " + format_number(digits) + " is outside zone " + origin.to_text() +
                               " (its numbers start with " + format_number(implied) + ")");
    }
    dns::Name n = origin;
    for (std::size_t i = implied.size(); i < digits.size(); ++i) {
        auto r = n.prepend(std::string_view(&digits[i], 1));
        if (!r)
            return dns::make_error("number " + format_number(digits) + " under " + origin.to_text() + ": " + r.error());
        n = *r;
    }
    return n;
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

}  // namespace enumd::zones
