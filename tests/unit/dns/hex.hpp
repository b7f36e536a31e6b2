#pragma once
// Hex text <-> bytes for the dns unit tests' tables (cookies, client subnet).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace enumd::dns::test {

inline std::vector<std::uint8_t> hex(const std::string& s) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
    return out;
}

inline std::string to_hex(std::span<const std::uint8_t> b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

}  // namespace enumd::dns::test
