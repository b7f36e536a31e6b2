# Writes OUT (enumd/build_info.hpp) from the project version, the git revision
# of SOURCE_DIR and BUILD_TYPE; run at every build, the header is rewritten
# only when one of them changed (configure_file), so nothing recompiles otherwise.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE ENUMD_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR ENUMD_REVISION STREQUAL "")
  set(ENUMD_REVISION "unknown")
endif()
configure_file("${SOURCE_DIR}/dns/build_info.hpp.in" "${OUT}" @ONLY)
