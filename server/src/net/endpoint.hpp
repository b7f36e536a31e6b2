#pragma once
#include <sys/socket.h>

#include <string>

namespace enumd::server::net {

/// The address of `sa` as text ("192.0.2.1", "2001:db8::1"); "?" for other families.
std::string peer_address(const sockaddr* sa);

}  // namespace enumd::server::net
