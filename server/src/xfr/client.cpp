#include "client.hpp"

#include <ctime>

namespace enumd::server::xfr {

std::optional<resolver::ServerAddress> server_address(const Endpoint& ep) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(ep.address, ec);
    if (ec) return std::nullopt;
    return resolver::ServerAddress{addr, ep.port};
}

std::function<void(std::vector<std::uint8_t>&)> tsig_signing(const tsig::Key* key, std::vector<std::uint8_t>* mac) {
    if (key == nullptr) return nullptr;
    return [key, mac](std::vector<std::uint8_t>& msg) {
        tsig::Signer s(*key, {});
        const std::size_t size = msg.size();
        msg.resize(size + s.overhead());
        std::size_t n = s.sign(msg, size, static_cast<std::uint64_t>(std::time(nullptr)));
        msg.resize(n != 0 ? n : size);
        if (mac != nullptr) *mac = s.mac();
    };
}

}  // namespace enumd::server::xfr
