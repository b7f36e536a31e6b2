#include "enumd/dns/response.hpp"

namespace enumd::dns {
namespace {

std::uint16_t response_flags(const Header& qh, Echo echo) noexcept {
    std::uint16_t fl = flags::QR | static_cast<std::uint16_t>(qh.flags & flags::RD);
    if (echo.opcode) fl |= static_cast<std::uint16_t>(qh.flags & flags::OPCODE);
    if (echo.cd) fl |= static_cast<std::uint16_t>(qh.flags & flags::CD);
    return fl;
}

}  // namespace

std::size_t udp_response_limit(const MessageView& query, std::size_t ours) noexcept {
    if (!query.edns) return kMaxUdpPlain;
    std::size_t limit = query.edns->udp_size < ours ? query.edns->udp_size : ours;
    return limit < kMaxUdpPlain ? kMaxUdpPlain : limit;
}

ResponseWriter::ResponseWriter(std::span<std::uint8_t> buffer, std::size_t limit, const MessageView& query,
                               Echo echo) noexcept
    : MessageWriter(buffer, limit), q_(query) {
    set_header(query.header.id, response_flags(query.header, echo));
}

bool ResponseWriter::echo_question() noexcept {
    std::span<const std::uint8_t> raw = q_.question_bytes();
    // RFC 1035 §4.1.2: the name, QTYPE and QCLASS; a pointer in it means re-encoding.
    if (raw.size() == q_.question.qname.wire_size() + 4) return add_question_raw(raw, q_.question.qname);
    return add_question(q_.question.qname, q_.question.qtype, q_.question.qclass);
}

std::size_t ResponseWriter::finish(std::uint16_t rcode) noexcept {
    set_rcode(static_cast<std::uint8_t>(rcode & flags::RCODE));
    return size();
}

std::size_t ResponseWriter::finish(std::uint16_t rcode, const OptOut& opt) noexcept {
    set_rcode(static_cast<std::uint8_t>(rcode & flags::RCODE));
    release(kOptRecordSize);
    add_opt(opt.udp_size, static_cast<std::uint8_t>(rcode >> 4), 0, opt.do_bit);
    return size();
}

std::size_t ResponseWriter::error(Rcode rcode, bool with_opt, OptOut opt) noexcept {
    if (q_.has_question) echo_question();
    if (with_opt && q_.edns) return finish(static_cast<std::uint16_t>(rcode), opt);
    return finish(static_cast<std::uint16_t>(rcode));
}

std::size_t header_only_response(std::span<const std::uint8_t> query, std::span<std::uint8_t> out, Rcode rcode,
                                 Echo echo) noexcept {
    MessageView q;
    if (!read_header(query, q.header) || q.header.qr()) return 0;
    ResponseWriter w(out, kMaxUdpPlain, q, echo);
    return w.finish(static_cast<std::uint16_t>(rcode));
}

}  // namespace enumd::dns
