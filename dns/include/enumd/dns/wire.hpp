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
inline constexpr std::uint16_t kDefaultEdnsSize = 1232;  // DNS flag day 2020

/// Header flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2).
namespace flags {
inline constexpr std::uint16_t QR = 0x8000;
inline constexpr std::uint16_t AA = 0x0400;
inline constexpr std::uint16_t TC = 0x0200;
inline constexpr std::uint16_t RD = 0x0100;
inline constexpr std::uint16_t RA = 0x0080;
inline constexpr std::uint16_t AD = 0x0020;
inline constexpr std::uint16_t CD = 0x0010;
}  // namespace flags

struct Header {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;  ///< QR..RCODE word as on the wire
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    std::uint16_t arcount = 0;

    [[nodiscard]] bool qr() const noexcept { return (flags & flags::QR) != 0; }
    [[nodiscard]] Opcode opcode() const noexcept { return static_cast<Opcode>((flags >> 11) & 0xF); }
    [[nodiscard]] std::uint8_t rcode() const noexcept { return static_cast<std::uint8_t>(flags & 0xF); }
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

/// What a query parse found, in the order a server must check it.
enum class QueryParse {
    Ok,
    Drop,          ///< shorter than a header, or QR=1: never answer (no reply to replies)
    FormErr,       ///< malformed question/records/OPT: answer FORMERR
    NotImp,        ///< opcode we do not implement: answer NOTIMP
    BadVers,       ///< EDNS version > 0: answer BADVERS (RFC 6891 §6.1.3)
};

/// A parsed query: header, the single question, EDNS if present.
struct QueryView {
    Header header;
    Question question;
    std::optional<Edns> edns;
    std::size_t question_end = 0;  ///< offset just past the question
    bool has_question = false;
};

/// Parses a query per RFC 1035/6891. QDCOUNT must be 1 (RFC 9619 for
/// QUERY); more than one OPT or an OPT not at the root is FORMERR.
QueryParse parse_query(std::span<const std::uint8_t> packet, QueryView& out) noexcept;

enum class Section : std::uint8_t { Answer = 0, Authority = 1, Additional = 2 };

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
    /// OPT pseudo-record (RFC 6891 §6.1.2), always fits in reserved space.
    bool add_opt(std::uint16_t udp_size, std::uint8_t ext_rcode, std::uint8_t version, bool do_bit) noexcept;

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
