#pragma once
/// Invariant checks for fuzz targets: abort with a message, in every build type
/// (assert() vanishes under NDEBUG; a fuzzer needs the crash to see the bug).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                   \
        }                                                                                   \
    } while (0)
