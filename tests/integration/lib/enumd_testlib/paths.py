"""Where the sources and the built binaries are: SOURCE_DIR and BUILD_DIR from
the environment (CTest sets both), else this checkout and its build/."""
import os

_CHECKOUT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SOURCE_DIR = os.environ.get("SOURCE_DIR") or _CHECKOUT
BUILD_DIR = os.environ.get("BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
DATA_DIR = os.path.join(SOURCE_DIR, "tests", "data")
ENUMD = os.path.join(BUILD_DIR, "bin", "enumd")
ENUMCTL = os.path.join(BUILD_DIR, "bin", "enumctl")
ENUMQ = os.path.join(BUILD_DIR, "bin", "enumq")
