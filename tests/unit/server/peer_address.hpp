#pragma once
// A client address as the server sees it (recvmmsg/accept fill a sockaddr_storage).

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include <string>

namespace enumd::testing {

/// "192.0.2.1" or "2001:db8::1" as a sockaddr_storage (AF_INET / AF_INET6).
inline sockaddr_storage peer_address(const std::string& text) {
    sockaddr_storage ss{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
    } else {
        REQUIRE(inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1);
        v6->sin6_family = AF_INET6;
    }
    return ss;
}

}  // namespace enumd::testing
