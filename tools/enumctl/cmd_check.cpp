#include <cstdio>

#include "commands.hpp"

namespace enumd::enumctl {

int cmd_check(int /*argc*/, char** /*argv*/) {
    std::fputs("enumctl check: not implemented yet\n", stderr);
    return 2;
}

}  // namespace enumd::enumctl
