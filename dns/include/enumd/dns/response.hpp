#pragma once
/// A response started from a query: the one place that knows which header
/// bits a response copies from its query, how the question is echoed,
/// where the OPT goes (its room reserved first, so truncation is decided
/// once, as NSD does) and what an error response looks like. Every answer
/// path builds on it: the authoritative answer, transfers and NOTIFY, the
/// recursor, the server's SERVFAIL. Nothing here allocates.

#include <cstddef>
#include <cstdint>
#include <span>

#include "enumd/dns/wire.hpp"

namespace enumd::dns {

/// What the response header copies from the query besides the ID:
/// RFC 1035 §4.1.1 opcode and RD; RFC 4035 §3.2.2 CD.
struct Echo {
    bool opcode = true;
    bool cd = true;
};

/// The OPT a response carries (RFC 6891 §6.1.2): our UDP payload size and
/// the DO bit (RFC 3225 §3: copied from the query).
struct OptOut {
    std::uint16_t udp_size = kDefaultEdnsSize;
    bool do_bit = false;
};

/// Octets a UDP response may use: 512 without EDNS (RFC 1035 §4.2.1), else
/// the client's payload size capped by `ours` and never below 512
/// (RFC 6891 §6.2.5).
[[nodiscard]] inline std::size_t udp_response_limit(const MessageView& query, std::size_t ours) noexcept {
    if (!query.edns) return kMaxUdpPlain;
    std::size_t limit = query.edns->udp_size < ours ? query.edns->udp_size : ours;
    return limit < kMaxUdpPlain ? kMaxUdpPlain : limit;
}

/// The response's header flags for a query header: QR, RD, and what `echo` says.
[[nodiscard]] inline std::uint16_t response_flags(const Header& qh, Echo echo) noexcept {
    std::uint16_t fl = flags::QR | static_cast<std::uint16_t>(qh.flags & flags::RD);
    if (echo.opcode) fl |= static_cast<std::uint16_t>(qh.flags & flags::OPCODE);
    if (echo.cd) fl |= static_cast<std::uint16_t>(qh.flags & flags::CD);
    return fl;
}

/// A MessageWriter whose header is already the response header of `query`.
class ResponseWriter : public MessageWriter {
public:
    ResponseWriter(std::span<std::uint8_t> buffer, std::size_t limit, const MessageView& query,
                   Echo echo = {}) noexcept
        : MessageWriter(buffer, limit), q_(query) {
        set_header(query.header.id, response_flags(query.header, echo));
    }

    /// Echoes the question as asked: its bytes when they hold the name
    /// uncompressed, else the name re-encoded. False when it does not fit.
    bool echo_question() noexcept {
        std::span<const std::uint8_t> raw = q_.question_bytes();
        // RFC 1035 §4.1.2: the name, QTYPE and QCLASS; a pointer in it means re-encoding.
        if (raw.size() == q_.question.qname.wire_size() + 4) return add_question_raw(raw, q_.question.qname);
        return add_question(q_.question.qname, q_.question.qtype, q_.question.qclass);
    }

    void set_flag(std::uint16_t bit) noexcept { set_flags(static_cast<std::uint16_t>(flags() | bit)); }
    void clear_flag(std::uint16_t bit) noexcept { set_flags(static_cast<std::uint16_t>(flags() & ~bit)); }
    [[nodiscard]] bool has_flag(std::uint16_t bit) const noexcept { return (flags() & bit) != 0; }

    /// Option TLVs the response's OPT will carry (a COOKIE, RFC 7873 §5.2);
    /// set before reserve_opt(). The bytes must outlive the writer.
    void set_opt_options(std::span<const std::uint8_t> options) noexcept {
        opt_options_ = options.size() <= kMaxOptOptions ? options : std::span<const std::uint8_t>();
    }
    /// Holds back room for the OPT so that adding it at the end never fails.
    void reserve_opt() noexcept { reserve(kOptRecordSize + opt_options_.size()); }

    /// Ends the response: the rcode (its low 4 bits in the header), no OPT.
    /// Returns the size.
    std::size_t finish(std::uint16_t rcode) noexcept {
        set_rcode(static_cast<std::uint8_t>(rcode & flags::RCODE));
        return size();
    }
    /// Ends the response with an OPT (released from the reserve); RFC 6891
    /// §6.1.3: the rcode's upper 8 bits travel in the OPT's TTL.
    std::size_t finish(std::uint16_t rcode, const OptOut& opt) noexcept {
        set_rcode(static_cast<std::uint8_t>(rcode & flags::RCODE));
        release(kOptRecordSize + opt_options_.size());
        add_opt(opt.udp_size, static_cast<std::uint8_t>(rcode >> 4), 0, opt.do_bit, opt_options_);
        return size();
    }

    /// The shape of an error answer (FORMERR, SERVFAIL, NOTIMP, REFUSED,
    /// NOTAUTH): the question echoed when the query had one, an OPT when
    /// `with_opt` and the query had EDNS. Returns the size.
    std::size_t error(Rcode rcode, bool with_opt, OptOut opt = {}) noexcept;

    [[nodiscard]] const MessageView& query() const noexcept { return q_; }

private:
    const MessageView& q_;
    std::span<const std::uint8_t> opt_options_;
};

/// A header-only response to the query in `query` (no question, no OPT):
/// the SERVFAIL a server sends when it cannot read its data. 0 for a runt
/// or a response (never answer a response).
std::size_t header_only_response(std::span<const std::uint8_t> query, std::span<std::uint8_t> out,
                                 Rcode rcode, Echo echo = {}) noexcept;

}  // namespace enumd::dns
