#pragma once
// Little-endian writes of the store's own encodings, the counterpart of
// le_reader.hpp: the node value NodeView reads (store.hpp), route tables and
// live overrides. Not a public header.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace enumd::zones {

template <typename T>
void put_le(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

/// A string of at most 255 octets after its length octet.
inline void put_str8(std::string& out, std::string_view s) {
    out.push_back(static_cast<char>(std::min<std::size_t>(s.size(), 255)));
    out.append(s.substr(0, 255));
}

/// Octets after their 16-bit length.
inline void put_bytes16(std::string& out, std::span<const std::uint8_t> b) {
    put_le(out, static_cast<std::uint16_t>(b.size()));
    out.append(reinterpret_cast<const char*>(b.data()), b.size());
}

/// One RRset of a node value: type, record count, TTL, the body's length
/// (filled in when the writer goes), then each rdata after its length.
class RrsetWriter {
public:
    RrsetWriter(std::string& out, std::uint16_t type, std::size_t count, std::uint32_t ttl) : out_(out) {
        put_le(out_, type);
        put_le(out_, static_cast<std::uint16_t>(count));
        put_le(out_, ttl);
        len_at_ = out_.size();
        put_le(out_, std::uint32_t{0});
        start_ = out_.size();
    }
    RrsetWriter(const RrsetWriter&) = delete;
    RrsetWriter& operator=(const RrsetWriter&) = delete;
    ~RrsetWriter() {
        auto len = static_cast<std::uint32_t>(out_.size() - start_);
        std::memcpy(out_.data() + len_at_, &len, 4);
    }
    void rdata(std::span<const std::uint8_t> rd) { put_bytes16(out_, rd); }

private:
    std::string& out_;
    std::size_t len_at_ = 0;
    std::size_t start_ = 0;
};

}  // namespace enumd::zones
