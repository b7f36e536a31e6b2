// Placeholder: owned by zones-rfc1035, who replaces it.
#include <cstdio>

#include "commands.hpp"

namespace enumd::enumctl {

int cmd_diff(int /*argc*/, char** /*argv*/) {
    std::fputs("enumctl diff: not implemented yet\n", stderr);
    return 2;
}

}  // namespace enumd::enumctl
