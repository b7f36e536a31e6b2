// Placeholder: owned by the lead (control channel of a running enumd).
#include <cstdio>

#include "commands.hpp"

namespace enumd::enumctl {

namespace {
int not_yet(const char* name) {
    std::fprintf(stderr, "enumctl %s: not implemented yet\n", name);
    return 2;
}
}  // namespace

int cmd_reload(int /*argc*/, char** /*argv*/) { return not_yet("reload"); }
int cmd_stats(int /*argc*/, char** /*argv*/) { return not_yet("stats"); }
int cmd_zones(int /*argc*/, char** /*argv*/) { return not_yet("zones"); }

}  // namespace enumd::enumctl
