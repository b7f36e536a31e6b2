// Text forms of listen addresses and zone arguments (config.hpp).
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "enumd/server/config.hpp"

namespace enumd::server {

std::optional<Endpoint> parse_endpoint(const std::string& text) {
    Endpoint ep;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos) return std::nullopt;
        ep.address = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return std::nullopt;
            port = text.substr(close + 2);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        auto colon = text.find(':');
        ep.address = text.substr(0, colon);
        port = text.substr(colon + 1);
    } else {
        ep.address = text;  // bare IPv4 or IPv6 address
    }
    if (!port.empty()) {
        unsigned v = 0;
        auto r = std::from_chars(port.data(), port.data() + port.size(), v);
        if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || v == 0 || v > 65535) return std::nullopt;
        ep.port = static_cast<unsigned short>(v);
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(ep.address, ec);
    if (ec) return std::nullopt;
    return ep;
}

}  // namespace enumd::server
