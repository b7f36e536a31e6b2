#pragma once
/// DNS messages on the wire: a reader that parses in place (MessageView)
/// and a writer into a fixed buffer with name compression (MessageWriter).
/// Neither allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "enumd/dns/name.hpp"
#include "enumd/dns/types.hpp"

namespace enumd::dns {

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::size_t kMaxMessage = 65535;
/// RFC 1035 §4.2.1: a UDP message without EDNS carries at most 512 octets.
inline constexpr std::size_t kMaxUdpPlain = 512;
inline constexpr std::uint16_t kDefaultEdnsSize = 1232;  // DNS flag day 2020
/// An OPT record without options: root owner (1), TYPE, CLASS, TTL, RDLEN (RFC 6891 §6.1.2).
inline constexpr std::size_t kOptRecordSize = 11;
/// The most option octets a response's OPT carries.
inline constexpr std::size_t kMaxOptOptions = 64;  ///< a COOKIE (28) and an ECS option (at most 24)
/// TYPE, CLASS, TTL and RDLENGTH after a record's owner (RFC 1035 §4.1.3).
inline constexpr std::size_t kRecordFixedSize = 10;

/// Big-endian loads and stores (network order, RFC 1035 §2.3.2); callers check bounds.
[[nodiscard]] inline constexpr std::uint16_t load_u16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
[[nodiscard]] inline constexpr std::uint32_t load_u32(const std::uint8_t* p) noexcept {
    return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
           (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}
inline constexpr void store_u16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
inline constexpr void store_u32(std::uint8_t* p, std::uint32_t v) noexcept {
    store_u16(p, static_cast<std::uint16_t>(v >> 16));
    store_u16(p + 2, static_cast<std::uint16_t>(v));
}

/// Header flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2).
namespace flags {
inline constexpr std::uint16_t QR = 0x8000;
inline constexpr std::uint16_t AA = 0x0400;
inline constexpr std::uint16_t TC = 0x0200;
inline constexpr std::uint16_t RD = 0x0100;
inline constexpr std::uint16_t RA = 0x0080;
inline constexpr std::uint16_t AD = 0x0020;
inline constexpr std::uint16_t CD = 0x0010;
inline constexpr std::uint16_t OPCODE = 0x7800;  ///< the opcode field (bits 11-14)
inline constexpr std::uint16_t RCODE = 0x000F;   ///< the low 4 bits of the rcode
/// The header word's opcode field for `op` (RFC 1035 §4.1.1), to OR into flags.
[[nodiscard]] inline constexpr std::uint16_t opcode(Opcode op) noexcept {
    return static_cast<std::uint16_t>((static_cast<unsigned>(op) << 11) & OPCODE);
}
}  // namespace flags

/// In-place access to the header of a message already in a buffer (dnsdist-style:
/// the packet stays where it is). Each returns 0 / does nothing on a runt.
namespace header {
[[nodiscard]] inline std::uint16_t id(std::span<const std::uint8_t> msg) noexcept {
    return msg.size() >= 2 ? load_u16(msg.data()) : 0;
}
[[nodiscard]] inline std::uint16_t flags(std::span<const std::uint8_t> msg) noexcept {
    return msg.size() >= 4 ? load_u16(msg.data() + 2) : 0;
}
[[nodiscard]] inline std::uint8_t rcode(std::span<const std::uint8_t> msg) noexcept {
    return static_cast<std::uint8_t>(flags(msg) & flags::RCODE);
}
[[nodiscard]] inline Opcode opcode(std::span<const std::uint8_t> msg) noexcept {
    return static_cast<Opcode>((flags(msg) & flags::OPCODE) >> 11);
}
[[nodiscard]] inline bool has(std::span<const std::uint8_t> msg, std::uint16_t bit) noexcept {
    return (flags(msg) & bit) != 0;
}
inline void set(std::span<std::uint8_t> msg, std::uint16_t bit) noexcept {
    if (msg.size() >= 4) store_u16(msg.data() + 2, static_cast<std::uint16_t>(load_u16(msg.data() + 2) | bit));
}
inline void set_id(std::span<std::uint8_t> msg, std::uint16_t v) noexcept {
    if (msg.size() >= 2) store_u16(msg.data(), v);
}
/// QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (index 0..3).
[[nodiscard]] inline std::uint16_t count(std::span<const std::uint8_t> msg, int which) noexcept {
    std::size_t at = 4 + 2 * static_cast<std::size_t>(which);
    return msg.size() >= at + 2 ? load_u16(msg.data() + at) : 0;
}
inline void set_count(std::span<std::uint8_t> msg, int which, std::uint16_t v) noexcept {
    std::size_t at = 4 + 2 * static_cast<std::size_t>(which);
    if (msg.size() >= at + 2) store_u16(msg.data() + at, v);
}
inline constexpr int kQdcount = 0;
inline constexpr int kAncount = 1;
inline constexpr int kNscount = 2;
inline constexpr int kArcount = 3;
}  // namespace header

struct Header {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;  ///< QR..RCODE word as on the wire
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    std::uint16_t arcount = 0;

    [[nodiscard]] bool qr() const noexcept { return (flags & flags::QR) != 0; }
    [[nodiscard]] Opcode opcode() const noexcept { return static_cast<Opcode>((flags & flags::OPCODE) >> 11); }
    [[nodiscard]] std::uint8_t rcode() const noexcept { return static_cast<std::uint8_t>(flags & flags::RCODE); }
    [[nodiscard]] bool has(std::uint16_t bit) const noexcept { return (flags & bit) != 0; }
};

struct Question {
    Name qname;
    RrType qtype = RrType::A;
    std::uint16_t qclass = 1;
};

/// A resource record as it sits in a received message.
struct RecordView {
    Name owner;
    RrType type = RrType::A;
    std::uint16_t rrclass = 1;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;  ///< may contain compression pointers
    std::size_t rdata_offset = 0;        ///< offset of rdata within the message
};

/// EDNS(0) as found in a query (RFC 6891 §6.1).
struct Edns {
    std::uint16_t udp_size = 512;
    std::uint8_t ext_rcode = 0;
    std::uint8_t version = 0;
    bool do_bit = false;
    /// The first COOKIE option's data (RFC 7873 §5.2: later ones are
    /// ignored); empty without one. Its length is checked (cookie.hpp).
    std::span<const std::uint8_t> cookie;
    /// The first EDNS Client Subnet option's data (RFC 7871; later ones are ignored), not
    /// checked here: a server that does not speak ECS ignores it as any unknown option
    /// (RFC 6891 §6.1.2); one that does reads it with parse_client_subnet (client_subnet.hpp).
    std::span<const std::uint8_t> client_subnet;
    bool has_client_subnet = false;
};

/// Sequential reader over a message buffer. All reads are bounds-checked.
class WireReader {
public:
    explicit WireReader(std::span<const std::uint8_t> packet, std::size_t offset = 0) noexcept
        : packet_(packet), pos_(offset) {}
    bool read_u8(std::uint8_t& v) noexcept;
    bool read_u16(std::uint16_t& v) noexcept;
    bool read_u32(std::uint32_t& v) noexcept;
    bool read_name(Name& name) noexcept;
    bool read_question(Question& q) noexcept;
    bool read_record(RecordView& rr) noexcept;
    bool skip(std::size_t n) noexcept;
    [[nodiscard]] std::size_t position() const noexcept { return pos_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return packet_.size() - pos_; }
    [[nodiscard]] std::span<const std::uint8_t> packet() const noexcept { return packet_; }

private:
    std::span<const std::uint8_t> packet_;
    std::size_t pos_;
};

bool read_header(std::span<const std::uint8_t> packet, Header& h) noexcept;

enum class Section : std::uint8_t { Answer = 0, Authority = 1, Additional = 2 };

/// A parsed message, query or response, read in place (nothing copied but
/// the first question): header, the first question, EDNS, where each
/// section starts and where a TSIG sits. One walk over every record.
struct MessageView {
    std::span<const std::uint8_t> packet;
    Header header;
    Question question;             ///< the first question, when has_question
    std::optional<Edns> edns;      ///< from the OPT in the additional section
    std::size_t question_end = 0;  ///< offset just past the question section
    bool has_question = false;
    /// Every question and record parsed within the message. When false, the
    /// fields below describe the records before the malformed one.
    bool records_ok = false;
    /// How many records (all sections, in order) parsed before the first
    /// malformed one; all of them when records_ok.
    std::size_t records_read = 0;
    std::array<std::size_t, 3> section_offset{};  ///< first record of answer, authority, additional
    std::size_t end = 0;                          ///< just past the last record
    /// Where the first TSIG record starts (0 = none) and whether it is the
    /// last record, in the additional section (RFC 8945 §5.2), as it must be.
    std::size_t tsig_offset = 0;
    bool tsig_last = false;

    /// Iterates the records of one section (only meaningful when records_ok).
    class Records {
    public:
        Records(std::span<const std::uint8_t> packet, std::size_t offset, std::size_t count) noexcept
            : reader_(packet, offset), left_(count) {}
        bool next(RecordView& rr) noexcept { return left_ > 0 && (--left_, reader_.read_record(rr)); }
        [[nodiscard]] std::size_t position() const noexcept { return reader_.position(); }

    private:
        WireReader reader_;
        std::size_t left_;
    };
    [[nodiscard]] Records records(Section s) const noexcept {
        std::size_t count = s == Section::Answer ? header.ancount
                            : s == Section::Authority ? header.nscount
                                                      : header.arcount;
        return Records(packet, section_offset[static_cast<int>(s)], count);
    }
    /// The question section as received (for an echo).
    [[nodiscard]] std::span<const std::uint8_t> question_bytes() const noexcept {
        return question_end > kHeaderSize ? packet.subspan(kHeaderSize, question_end - kHeaderSize)
                                          : std::span<const std::uint8_t>();
    }
};
/// A query is a message (the name says which side reads it).
using QueryView = MessageView;

/// What the message walk found.
enum class MessageParse {
    Ok,
    Short,       ///< shorter than a header
    FormErr,     ///< a question, record or OPT is malformed, or an OPT sits outside the additional section
    BadVers,     ///< EDNS version > 0 (RFC 6891 §6.1.3)
};

/// Walks the whole message once: header, QDCOUNT questions, every record.
/// RFC 6891 §6.1.1: at most one OPT, owned by the root, in the additional
/// section (an OPT elsewhere is FORMERR), options well-formed TLVs.
MessageParse parse_message(std::span<const std::uint8_t> packet, MessageView& out) noexcept;

/// What a query parse found, in the order a server must check it.
enum class QueryParse {
    Ok,
    Drop,          ///< shorter than a header, or QR=1: never answer (no reply to replies)
    FormErr,       ///< malformed question/records/OPT: answer FORMERR
    NotImp,        ///< opcode we do not implement: answer NOTIMP
    BadVers,       ///< EDNS version > 0: answer BADVERS (RFC 6891 §6.1.3)
};

/// Parses a query per RFC 1035/6891 (NSD's order: runt or QR=1 → drop;
/// malformed question → FORMERR; opcode other than QUERY → NOTIMP; QDCOUNT
/// other than 1 → FORMERR (RFC 9619); malformed records or OPT → FORMERR;
/// EDNS version → BADVERS). The view is filled either way.
QueryParse parse_query(std::span<const std::uint8_t> packet, QueryView& out) noexcept;

/// What a response parse found (the client side: stub, recursor, secondary).
enum class ResponseParse {
    Ok,
    NotResponse,  ///< runt or QR=0
    Malformed,    ///< a question or record does not parse, or an OPT is misplaced
};
/// Parses a response; the caller matches ID and question (RFC 5452 §9.1).
ResponseParse parse_response(std::span<const std::uint8_t> packet, MessageView& out) noexcept;

/// Builds a response in a caller-provided buffer. `limit` is the largest
/// message allowed (UDP payload size or 65535 for TCP). Every add either
/// writes the whole record or nothing and returns false (caller decides
/// between TC and dropping optional data). Space for OPT can be reserved
/// up front so truncation is decided once (NSD).
class MessageWriter {
public:
    MessageWriter(std::span<std::uint8_t> buffer, std::size_t limit) noexcept;

    void set_header(std::uint16_t id, std::uint16_t flags) noexcept;
    void set_flags(std::uint16_t flags) noexcept;
    [[nodiscard]] std::uint16_t flags() const noexcept;
    void set_rcode(std::uint8_t rcode) noexcept;

    bool add_question(const Name& qname, RrType qtype, std::uint16_t qclass) noexcept;
    /// Copies the question section verbatim from a query (echo as asked).
    bool add_question_raw(std::span<const std::uint8_t> raw, const Name& qname) noexcept;
    /// Adds one record; names inside rdata are compressed for the RFC 1035
    /// types that allow it (RFC 3597 §4) and written uncompressed otherwise.
    bool add_record(Section s, const Name& owner, RrType type, std::uint16_t rrclass, std::uint32_t ttl,
                    std::span<const std::uint8_t> rdata) noexcept;
    /// Appends records already in wire form: `records` holds `an` answer then
    /// `ns` authority records, taken from a response whose question had the
    /// same length, so that its compression pointers stay valid (the
    /// recursor's message cache). Later names never compress against them.
    /// False (nothing written) when they do not fit.
    bool add_records_raw(std::span<const std::uint8_t> records, std::uint16_t an, std::uint16_t ns) noexcept;
    /// OPT pseudo-record (RFC 6891 §6.1.2), always fits in reserved space.
    /// The OPT record; `options` (whole option TLVs, e.g. COOKIE) become its RDATA.
    bool add_opt(std::uint16_t udp_size, std::uint8_t ext_rcode, std::uint8_t version, bool do_bit,
                 std::span<const std::uint8_t> options = {}) noexcept;

    /// Holds back `n` octets of the limit (for OPT/TSIG) until released.
    void reserve(std::size_t n) noexcept { reserved_ += n; }
    void release(std::size_t n) noexcept { reserved_ = n > reserved_ ? 0 : reserved_ - n; }

    struct Mark {
        std::size_t size;
        std::uint16_t counts[3];
        std::size_t compress_entries;
    };
    [[nodiscard]] Mark mark() const noexcept;
    void rollback(const Mark& m) noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::uint16_t count(Section s) const noexcept { return counts_[static_cast<int>(s)]; }
    [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return {buf_.data(), size_}; }

private:
    bool write_name(const Name& name, bool compress) noexcept;
    bool put(const void* p, std::size_t n) noexcept;
    bool put_u16(std::uint16_t v) noexcept;
    bool put_u32(std::uint32_t v) noexcept;
    [[nodiscard]] std::size_t room() const noexcept;
    void sync_counts() noexcept;
    std::optional<std::uint16_t> find_suffix(const Name& name, std::size_t first_label) const noexcept;

    std::span<std::uint8_t> buf_;
    std::size_t limit_;
    std::size_t size_ = 0;
    std::size_t reserved_ = 0;
    std::uint16_t counts_[3] = {0, 0, 0};
    static constexpr std::size_t kMaxCompress = 96;
    std::array<std::uint16_t, kMaxCompress> compress_{};  // offsets of written names (label starts)
    std::size_t ncompress_ = 0;
};

/// Where the names sit inside uncompressed rdata of a type, for compression
/// on output and for additional-section processing (PowerDNS-style field table).
struct RdataNames {
    std::uint8_t count = 0;       ///< how many domain names the rdata holds (0..2)
    std::uint8_t fixed_prefix = 0;  ///< octets before the first name
    bool compressible = false;    ///< RFC 3597 §4: only the RFC 1035 types
    bool after_strings = false;   ///< NAPTR: name follows three character-strings
};
RdataNames rdata_names(RrType type) noexcept;

/// The target / exchange / replacement name in uncompressed rdata
/// (NS, CNAME, DNAME, PTR, MX, SRV, NAPTR), if the type has one.
std::optional<Name> rdata_target(RrType type, std::span<const std::uint8_t> rdata) noexcept;

/// Rewrites rdata that may contain compression pointers (from a received
/// message) into uncompressed form. Returns the number of octets written
/// to `out`, or nothing when malformed.
std::optional<std::size_t> decompress_rdata(std::span<const std::uint8_t> packet, const RecordView& rr,
                                            std::span<std::uint8_t> out) noexcept;

}  // namespace enumd::dns
