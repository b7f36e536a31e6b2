#pragma once
/// TSIG lives in dns/ (enumd/dns/tsig.hpp): signing and verifying are wire
/// work. The server's code keeps naming it server::tsig through this alias;
/// key configuration stays in the server (xfr_config.cpp).

#include "enumd/dns/tsig.hpp"

namespace enumd::server {
namespace tsig = dns::tsig;
}  // namespace enumd::server
