#include "enumd/dns/response.hpp"

namespace enumd::dns {
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
