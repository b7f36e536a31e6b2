#pragma once
// Set-up shared by the server/ unit tests (names, records, directories and
// stores for every unit test are in ../common/fixtures.hpp).

#include "../common/fixtures.hpp"
#include "enumd/server/log.hpp"

namespace enumd::testing {

/// Transfer logs are for operators: a test that includes this keeps its output to failures.
inline const bool quiet_logs = [] {
    server::set_log_level(server::LogLevel::Error);
    return true;
}();

}  // namespace enumd::testing
