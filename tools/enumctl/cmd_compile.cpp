#include <cstdio>

#include "commands.hpp"

namespace enumd::enumctl {

int cmd_compile(int /*argc*/, char** /*argv*/) {
    std::fputs("enumctl compile: not implemented yet\n", stderr);
    return 2;
}

}  // namespace enumd::enumctl
