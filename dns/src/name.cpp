#include "enumd/dns/name.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace enumd::dns {
namespace {

constexpr std::uint8_t lower(std::uint8_t c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

bool label_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

Name::Name() noexcept { wire_[0] = 0; }

void Name::index() noexcept {
    std::size_t pos = 0;
    labels_ = 0;
    while (pos < len_ && wire_[pos] != 0) {
        ++labels_;
        pos += 1 + wire_[pos];
    }
}

std::size_t Name::offset_of(std::size_t i) const noexcept {
    std::size_t pos = 0;
    for (; i > 0; --i) pos += 1 + wire_[pos];
    return pos;
}

void Name::label_offsets(std::array<std::uint8_t, kMaxLabels>& out) const noexcept {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < labels_; ++i) {
        out[i] = static_cast<std::uint8_t>(pos);
        pos += 1 + wire_[pos];
    }
}

Result<Name> Name::from_uncompressed(std::span<const std::uint8_t> wire) {
    Name n;
    std::size_t pos = 0;
    while (true) {
        if (pos >= wire.size()) return make_error("name runs past the end of its data");
        std::uint8_t l = wire[pos];
        if (l == 0) break;
        if (l > kMaxLabelLength) return make_error("label longer than 63 octets or compressed");
        pos += 1 + l;
    }
    if (pos + 1 > kMaxNameLength) return make_error("name longer than 255 octets");
    std::memcpy(n.wire_.data(), wire.data(), pos + 1);
    n.len_ = static_cast<std::uint8_t>(pos + 1);
    n.index();
    return n;
}

Result<Name> Name::from_wire(std::span<const std::uint8_t> packet, std::size_t& offset) {
    Name n;
    std::size_t pos = offset;
    std::size_t out = 0;
    bool jumped = false;
    std::size_t end_after = 0;
    int hops = 0;
    while (true) {
        if (pos >= packet.size()) return make_error("name runs past the end of the message");
        std::uint8_t l = packet[pos];
        if ((l & 0xC0) == 0xC0) {
            if (pos + 1 >= packet.size()) return make_error("truncated compression pointer");
            std::size_t target = static_cast<std::size_t>(((l & 0x3F) << 8) | packet[pos + 1]);
            if (!jumped) end_after = pos + 2;
            jumped = true;
            // RFC 1035 §4.1.4 pointers point backwards; also bound hops against loops.
            if (target >= pos || ++hops > 64) return make_error("compression pointer loop or forward pointer");
            pos = target;
            continue;
        }
        if ((l & 0xC0) != 0) return make_error("unknown label type");
        if (out + 1 + l > kMaxNameLength) return make_error("name longer than 255 octets");
        if (pos + 1 + l > packet.size()) return make_error("label runs past the end of the message");
        std::memcpy(n.wire_.data() + out, packet.data() + pos, 1 + static_cast<std::size_t>(l));
        out += 1 + l;
        pos += 1 + l;
        if (l == 0) break;
    }
    n.len_ = static_cast<std::uint8_t>(out);
    n.index();
    offset = jumped ? end_after : pos;
    return n;
}

Result<Name> Name::from_text(std::string_view text, const Name* origin) {
    if (text == "@") {
        if (origin == nullptr) return make_error("'@' used without an origin");
        return *origin;
    }
    if (text == ".") return Name{};
    if (text.empty()) return make_error("empty name");
    Name n;
    std::size_t out = 0;
    std::uint8_t label[kMaxLabelLength + 1];
    std::size_t llen = 0;
    bool absolute = false;
    auto flush = [&]() -> bool {
        if (llen == 0) return false;
        if (out + 1 + llen + 1 > kMaxNameLength) return false;
        n.wire_[out++] = static_cast<std::uint8_t>(llen);
        std::memcpy(n.wire_.data() + out, label, llen);
        out += llen;
        llen = 0;
        return true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.') {
            if (llen == 0) return make_error("empty label in '" + std::string(text) + "'");
            if (!flush()) return make_error("name '" + std::string(text) + "' is longer than 255 octets");
            if (i + 1 == text.size()) absolute = true;
            continue;
        }
        std::uint8_t byte = 0;
        if (c == '\\') {
            if (i + 1 >= text.size()) return make_error("dangling backslash in '" + std::string(text) + "'");
            if (std::isdigit(static_cast<unsigned char>(text[i + 1])) != 0) {
                int v = 0;
                for (int k = 1; k <= 3; ++k) {
                    if (i + static_cast<std::size_t>(k) >= text.size() ||
                        std::isdigit(static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)])) == 0)
                        return make_error("bad \\DDD escape in '" + std::string(text) + "'");
                    v = v * 10 + (text[i + static_cast<std::size_t>(k)] - '0');
                }
                if (v > 255) return make_error("\\DDD escape above 255 in '" + std::string(text) + "'");
                byte = static_cast<std::uint8_t>(v);
                i += 3;
            } else {
                byte = static_cast<std::uint8_t>(text[++i]);
            }
        } else {
            byte = static_cast<std::uint8_t>(c);
        }
        if (llen >= kMaxLabelLength)
            return make_error("label longer than 63 octets in '" + std::string(text) + "'");
        label[llen++] = byte;
    }
    if (llen > 0 && !flush()) return make_error("name '" + std::string(text) + "' is longer than 255 octets");
    n.wire_[out++] = 0;
    n.len_ = static_cast<std::uint8_t>(out);
    n.index();
    if (!absolute && origin != nullptr) return n.concat(*origin);
    return n;
}

std::string_view Name::label(std::size_t i) const noexcept {
    if (i >= labels_) return {};
    return label_at(offset_of(i));
}

bool Name::is_wildcard() const noexcept { return labels_ > 0 && wire_[0] == 1 && wire_[1] == '*'; }

Name Name::parent(std::size_t n) const noexcept {
    if (n >= labels_) return Name{};
    Name p;
    std::size_t start = offset_of(n);
    std::size_t len = len_ - start;
    std::memcpy(p.wire_.data(), wire_.data() + start, len);
    p.len_ = static_cast<std::uint8_t>(len);
    p.index();
    return p;
}

Result<Name> Name::prepend(std::string_view lab) const {
    if (lab.empty() || lab.size() > kMaxLabelLength) return make_error("label must be 1..63 octets");
    if (len_ + 1 + lab.size() > kMaxNameLength) return make_error("name longer than 255 octets");
    Name n;
    n.wire_[0] = static_cast<std::uint8_t>(lab.size());
    std::memcpy(n.wire_.data() + 1, lab.data(), lab.size());
    std::memcpy(n.wire_.data() + 1 + lab.size(), wire_.data(), len_);
    n.len_ = static_cast<std::uint8_t>(len_ + 1 + lab.size());
    n.index();
    return n;
}

Result<Name> Name::concat(const Name& suffix) const {
    std::size_t rel = static_cast<std::size_t>(len_ - 1);
    if (rel + suffix.len_ > kMaxNameLength) return make_error("name longer than 255 octets");
    Name n;
    std::memcpy(n.wire_.data(), wire_.data(), rel);
    std::memcpy(n.wire_.data() + rel, suffix.wire_.data(), suffix.len_);
    n.len_ = static_cast<std::uint8_t>(rel + suffix.len_);
    n.index();
    return n;
}

bool Name::equals(const Name& other) const noexcept {
    return len_ == other.len_ && label_equal(wire_.data(), other.wire_.data(), len_);
}

bool Name::is_subdomain_of(const Name& other) const noexcept {
    if (other.labels_ > labels_) return false;
    std::size_t start = offset_of(labels_ - other.labels_);
    if (other.labels_ == 0) return true;
    if (len_ - start != other.len_) return false;
    return label_equal(wire_.data() + start, other.wire_.data(), other.len_);
}

int Name::canonical_compare(const Name& other) const noexcept {
    std::array<std::uint8_t, kMaxLabels> mine;  // filled up to labels_ (label_offsets)
    std::array<std::uint8_t, kMaxLabels> theirs;
    label_offsets(mine);
    other.label_offsets(theirs);
    std::size_t i = labels_;
    std::size_t j = other.labels_;
    while (i > 0 && j > 0) {
        --i;
        --j;
        std::string_view a = label_at(mine[i]);
        std::string_view b = other.label_at(theirs[j]);
        std::size_t n = std::min(a.size(), b.size());
        for (std::size_t k = 0; k < n; ++k) {
            std::uint8_t x = lower(static_cast<std::uint8_t>(a[k]));
            std::uint8_t y = lower(static_cast<std::uint8_t>(b[k]));
            if (x != y) return x < y ? -1 : 1;
        }
        if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    }
    if (i == 0 && j == 0) return 0;
    return i == 0 ? -1 : 1;
}

Name Name::lowercased() const noexcept {
    Name n = *this;
    for (std::size_t i = 0, p = 0; i < labels_; ++i, p += 1 + wire_[p]) {
        for (std::size_t k = 1; k <= wire_[p]; ++k) n.wire_[p + k] = lower(wire_[p + k]);
    }
    return n;
}

std::string Name::to_text() const {
    if (labels_ == 0) return ".";
    std::string s;
    s.reserve(len_ + 8);
    for (std::size_t i = 0, p = 0; i < labels_; ++i, p += 1 + wire_[p]) {
        for (char c : label_at(p)) {
            auto u = static_cast<unsigned char>(c);
            if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' || c == '$') {
                s.push_back('\\');
                s.push_back(c);
            } else if (u <= 0x20 || u >= 0x7F) {
                char buf[5];
                buf[0] = '\\';
                buf[1] = static_cast<char>('0' + u / 100);
                buf[2] = static_cast<char>('0' + (u / 10) % 10);
                buf[3] = static_cast<char>('0' + u % 10);
                s.append(buf, 4);
            } else {
                s.push_back(c);
            }
        }
        s.push_back('.');
    }
    return s;
}

std::size_t Name::to_lookup_key(std::span<std::uint8_t, kMaxLookupKey> out) const noexcept {
    std::array<std::uint8_t, kMaxLabels> offsets;  // filled up to labels_ (label_offsets)
    label_offsets(offsets);
    std::size_t o = 0;
    for (std::size_t i = labels_; i > 0; --i) {
        std::string_view l = label_at(offsets[i - 1]);
        if (l.size() == 1 && l[0] >= '0' && l[0] <= '9') {  // an ENUM digit: one octet, no terminator
            out[o++] = digit_label_key(l[0]);
            continue;
        }
        for (char c : l) {
            auto b = lower(static_cast<std::uint8_t>(c));
            if (b <= 1) {
                out[o++] = 1;
                out[o++] = static_cast<std::uint8_t>(b + 1);
            } else {
                out[o++] = key_octet(b);
            }
        }
        out[o++] = 0;
    }
    return o;
}

std::string Name::to_lookup_key() const {
    std::array<std::uint8_t, kMaxLookupKey> buf{};
    std::size_t n = to_lookup_key(std::span<std::uint8_t, kMaxLookupKey>(buf));
    return {reinterpret_cast<const char*>(buf.data()), n};
}

Result<Name> Name::from_lookup_key(std::span<const std::uint8_t> key) {
    // Collect labels right-to-left, then emit left-to-right.
    std::array<std::array<std::uint8_t, kMaxLabelLength>, kMaxLabels> labs{};
    std::array<std::uint8_t, kMaxLabels> lens{};
    std::size_t count = 0;
    std::size_t cur = 0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        std::uint8_t b = key[i];
        if (b == 0) {
            if (cur == 0 || count >= kMaxLabels) return make_error("bad lookup key");
            lens[count++] = static_cast<std::uint8_t>(cur);
            cur = 0;
            continue;
        }
        if (is_digit_label_key(b)) {  // a whole one-digit label
            if (cur != 0 || count >= kMaxLabels) return make_error("bad lookup key");
            labs[count][0] = static_cast<std::uint8_t>('0' + (b - kDigitLabelKey0) / 2);
            lens[count++] = 1;
            continue;
        }
        if (b == 1) {
            if (i + 1 >= key.size() || key[i + 1] < 1 || key[i + 1] > 2) return make_error("bad lookup key escape");
            b = static_cast<std::uint8_t>(key[++i] - 1);
        } else if (b >= 0x4B && b <= 0x5A) {
            return make_error("bad lookup key octet");  // unused: upper case never reaches a key
        } else if (b >= 0x31 && b <= 0x4A) {
            b = b <= 0x43 ? static_cast<std::uint8_t>('0' + (b - 0x31) / 2) : static_cast<std::uint8_t>(b - 10);
        }
        if (cur >= kMaxLabelLength || count >= kMaxLabels) return make_error("bad lookup key");
        labs[count][cur++] = b;
    }
    if (cur != 0) return make_error("lookup key not terminated");
    Name n;
    std::size_t out = 0;
    for (std::size_t i = count; i > 0; --i) {
        std::size_t l = lens[i - 1];
        if (out + 1 + l + 1 > kMaxNameLength) return make_error("name longer than 255 octets");
        n.wire_[out++] = static_cast<std::uint8_t>(l);
        std::memcpy(n.wire_.data() + out, labs[i - 1].data(), l);
        out += l;
    }
    n.wire_[out++] = 0;
    n.len_ = static_cast<std::uint8_t>(out);
    n.index();
    return n;
}

std::size_t key_label_count(std::span<const std::uint8_t> key) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key[i] == 1) {
            ++i;
        } else if (key[i] == 0 || is_digit_label_key(key[i])) {
            ++n;
        }
    }
    return n;
}

std::size_t key_prefix_length(std::span<const std::uint8_t> key, std::size_t labels) noexcept {
    if (labels == 0) return 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key[i] == 1) {
            ++i;
        } else if ((key[i] == 0 || is_digit_label_key(key[i])) && ++n == labels) {
            return i + 1;
        }
    }
    return key.size();
}

std::size_t common_key_labels(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    std::size_t n = std::min(a.size(), b.size());
    std::size_t labels = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return labels;
        if (a[i] == 1) {
            ++i;
            if (i >= n || a[i] != b[i]) return labels;
        } else if (a[i] == 0 || is_digit_label_key(a[i])) {
            ++labels;
        }
    }
    return labels;
}

}  // namespace enumd::dns
