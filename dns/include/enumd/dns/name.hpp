#pragma once
/// A domain name in wire form with precomputed label offsets (NSD-style).
///
/// The name keeps the case it was given (the question is echoed as asked);
/// comparisons are case-insensitive (RFC 4343) and `to_lookup_key` gives the
/// canonical, reversed-label key that orders names as RFC 4034 §6.1 does.
/// Fixed storage: constructing, copying and comparing never allocate.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "enumd/dns/result.hpp"

namespace enumd::dns {

inline constexpr std::size_t kMaxNameLength = 255;   // RFC 1035 §2.3.4
inline constexpr std::size_t kMaxLabelLength = 63;   // RFC 1035 §2.3.4
inline constexpr std::size_t kMaxLabels = 128;       // 255 octets / 2 per label
/// A lookup key is at most 2 × 255 octets (escaped bytes), under LMDB's 511.
inline constexpr std::size_t kMaxLookupKey = 2 * kMaxNameLength;

/// Lookup key octets (Name::to_lookup_key): the code of a one-digit label
/// ('0'..'9' → 0x30, 0x32, …, 0x42: the even octets from 0x30).
inline constexpr std::uint8_t kDigitLabelKey0 = 0x30;
constexpr std::uint8_t digit_label_key(char digit) noexcept {
    return static_cast<std::uint8_t>(kDigitLabelKey0 + 2 * (digit - '0'));
}
constexpr bool is_digit_label_key(std::uint8_t b) noexcept {
    return b >= kDigitLabelKey0 && b <= kDigitLabelKey0 + 18 && (b & 1) == 0;
}
/// An octet of a longer label (lower-cased, not 0x00/0x01, which are escaped):
/// digits → odd 0x31..0x43, 0x3A..0x40 → 0x44..0x4A, the rest unchanged.
constexpr std::uint8_t key_octet(std::uint8_t b) noexcept {
    if (b < 0x30 || b > 0x40) return b;
    return b <= 0x39 ? static_cast<std::uint8_t>(0x31 + 2 * (b - 0x30)) : static_cast<std::uint8_t>(b + 10);
}
/// The store's lookup key format: 2 since one-digit labels are one octet.
inline constexpr int kLookupKeyFormat = 2;

class Name {
public:
    /// The root name ".".
    Name() noexcept;

    /// Parses presentation format ("www.example.com.", "\\046", "\\DDD").
    /// A name without a trailing dot is made absolute relative to `origin`
    /// (or to the root when no origin is given). "@" is the origin.
    static Result<Name> from_text(std::string_view text, const Name* origin = nullptr);

    /// Reads a possibly compressed name at `offset` inside `packet`
    /// (RFC 1035 §4.1.4). On success `offset` is advanced past the name
    /// as it appears at that position (a pointer counts 2 octets).
    static Result<Name> from_wire(std::span<const std::uint8_t> packet, std::size_t& offset);

    /// Builds a name from uncompressed wire octets (e.g. stored rdata).
    static Result<Name> from_uncompressed(std::span<const std::uint8_t> wire);

    /// Wire form, uncompressed, in the case it was given.
    [[nodiscard]] std::span<const std::uint8_t> wire() const noexcept { return {wire_.data(), len_}; }
    [[nodiscard]] std::size_t wire_size() const noexcept { return len_; }
    /// Number of labels, not counting the root label.
    [[nodiscard]] std::size_t label_count() const noexcept { return labels_; }
    /// Label `i` counted from the left (0 = leftmost), without its length octet.
    [[nodiscard]] std::string_view label(std::size_t i) const noexcept;
    [[nodiscard]] bool is_root() const noexcept { return labels_ == 0; }
    [[nodiscard]] bool is_wildcard() const noexcept;  ///< leftmost label is "*"

    /// The name with the leftmost `n` labels removed.
    [[nodiscard]] Name parent(std::size_t n = 1) const noexcept;
    /// `label` prepended to this name; fails past 255 octets or 63-octet labels.
    [[nodiscard]] Result<Name> prepend(std::string_view label) const;
    /// This (relative part) followed by `suffix`: "a.b." + "c." → "a.b.c.".
    [[nodiscard]] Result<Name> concat(const Name& suffix) const;

    /// True when this name equals `other` or lies below it (case-insensitive).
    [[nodiscard]] bool is_subdomain_of(const Name& other) const noexcept;
    /// Case-insensitive equality.
    [[nodiscard]] bool equals(const Name& other) const noexcept;
    friend bool operator==(const Name& a, const Name& b) noexcept { return a.equals(b); }
    /// RFC 4034 §6.1 canonical order: <0, 0, >0.
    [[nodiscard]] int canonical_compare(const Name& other) const noexcept;
    friend bool operator<(const Name& a, const Name& b) noexcept { return a.canonical_compare(b) < 0; }

    /// Lower-cased copy.
    [[nodiscard]] Name lowercased() const noexcept;

    /// Presentation format with a trailing dot; special characters escaped.
    [[nodiscard]] std::string to_text() const;

    /// Canonical lookup key (knot_dname_lf-like): labels right to left, each
    /// lower-cased and terminated by 0x00; octets 0x00/0x01 inside a label are
    /// escaped as 0x01 0x01 / 0x01 0x02 so that byte order of keys is the
    /// canonical name order and every descendant of a name sorts right after
    /// it. The root is the empty key. Writes into `out` and returns the length.
    ///
    /// ENUM names are mostly one-digit labels, so a one-digit label is one octet
    /// (digit_label_key, no terminator) and the other octets are mapped to make
    /// room for those codes without changing their order (key_octet): digits
    /// become odd 0x31..0x43, ':'..'@' 0x44..0x4A (0x4B..0x5A stay unused: upper
    /// case never reaches a key). A digit label then sorts after every label
    /// that starts with a smaller octet and before every longer label starting
    /// with the same digit, as "d" + 0x00 did: the order is unchanged, and a
    /// 12-digit number's key is 12 octets instead of 24 (zones/README.md
    /// "Route sets"). Stored keys of this form carry key format 2 (store.cpp).
    std::size_t to_lookup_key(std::span<std::uint8_t, kMaxLookupKey> out) const noexcept;
    [[nodiscard]] std::string to_lookup_key() const;
    /// Inverse of to_lookup_key.
    static Result<Name> from_lookup_key(std::span<const std::uint8_t> key);

private:
    void index() noexcept;
    /// The label whose length octet is at `offset` in wire_.
    [[nodiscard]] std::string_view label_at(std::size_t offset) const noexcept {
        return {reinterpret_cast<const char*>(wire_.data() + offset + 1), wire_[offset]};
    }
    /// Offset in wire_ of label i (< labels_): a walk over the labels before it.
    [[nodiscard]] std::size_t offset_of(std::size_t i) const noexcept;
    /// The offsets of all labels, first to last, into `out`: one walk, for loops that go right to left.
    void label_offsets(std::array<std::uint8_t, kMaxLabels>& out) const noexcept;
    // No table of label offsets: a Name is the 255 octets of its wire form and two counts (257 bytes, not
    // 385), which every copy and every zone record (zones::Record) carries; labels are found by a walk.
    std::array<std::uint8_t, kMaxNameLength> wire_{};
    std::uint8_t len_ = 1;
    std::uint8_t labels_ = 0;
};

/// Number of whole labels the lookup keys `a` and `b` share from the right
/// (i.e. the depth of the closest common ancestor).
std::size_t common_key_labels(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;
/// Number of labels encoded in a lookup key.
std::size_t key_label_count(std::span<const std::uint8_t> key) noexcept;
/// Length of the prefix of `key` that encodes its first `labels` labels.
std::size_t key_prefix_length(std::span<const std::uint8_t> key, std::size_t labels) noexcept;

}  // namespace enumd::dns
