"""Where the sources and the built binaries are: SOURCE_DIR and BUILD_DIR from
the environment (CTest sets both), else this checkout and its build/; SANITIZED: whether that
build is the ASan + UBSan one (ENUMD_SANITIZE in its CMakeCache.txt)."""
import os

_CHECKOUT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SOURCE_DIR = os.environ.get("SOURCE_DIR") or _CHECKOUT
BUILD_DIR = os.environ.get("BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
DATA_DIR = os.path.join(SOURCE_DIR, "tests", "data")
ENUMD = os.path.join(BUILD_DIR, "bin", "enumd")
ENUMCTL = os.path.join(BUILD_DIR, "bin", "enumctl")
ENUMQ = os.path.join(BUILD_DIR, "bin", "enumq")


def _sanitized():
    try:
        with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as f:
            return any(line.strip() == "ENUMD_SANITIZE:BOOL=ON" for line in f)
    except OSError:
        return False


# Memory figures (RSS, PSS) of a sanitizer build measure ASan's shadow and quarantine, not enumd:
# tests that compare them skip the comparison when this is true.
SANITIZED = _sanitized()
