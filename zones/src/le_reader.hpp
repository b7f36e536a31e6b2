#pragma once
// Bounds-checked little-endian reads of the store's own encodings (route
// tables in route.cpp, live overrides in store_update.cpp and live_log.cpp).
// Not a public header.

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace enumd::zones {

/// A read past the end returns zero or empty and clears `ok`.
struct LeReader {
    std::span<const std::uint8_t> blob;
    std::size_t at = 0;
    bool ok = true;
    template <typename T>
    T le() noexcept {
        T v{};
        if (at + sizeof(T) > blob.size()) {
            ok = false;
            return v;
        }
        std::memcpy(&v, blob.data() + at, sizeof(T));
        at += sizeof(T);
        return v;
    }
    std::span<const std::uint8_t> bytes(std::size_t n) noexcept {
        if (at + n > blob.size()) {
            ok = false;
            return {};
        }
        auto s = blob.subspan(at, n);
        at += n;
        return s;
    }
    std::string str8() {
        auto s = bytes(le<std::uint8_t>());
        return {reinterpret_cast<const char*>(s.data()), s.size()};
    }
    std::vector<std::uint8_t> bytes16() {
        auto s = bytes(le<std::uint16_t>());
        return {s.begin(), s.end()};
    }
    [[nodiscard]] bool done() const noexcept { return at == blob.size(); }
};

}  // namespace enumd::zones
