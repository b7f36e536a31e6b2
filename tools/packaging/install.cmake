# `cmake --install` (GNUInstallDirs), the man pages and `cpack -G DEB` (included by the top-level CMakeLists.txt).
#   cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build build && (cd build && cpack -G DEB)
# Paths inside the unit and the sample config are the configured ones, so a package is built with its
# final prefix (/usr: the config in /etc/enumd, the unit in /usr/lib/systemd/system).
include(GNUInstallDirs)
# `make install` / cpack install what is built (build first, as README.md says) instead of building every
# test and fuzz target on the way.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(ENUMD_PACKAGING ${PROJECT_SOURCE_DIR}/tools/packaging)
set(SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
set(SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR})
set(DATADIR ${CMAKE_INSTALL_FULL_DATADIR})
configure_file(${ENUMD_PACKAGING}/enumd.service.in ${CMAKE_BINARY_DIR}/packaging/enumd.service @ONLY)
configure_file(${ENUMD_PACKAGING}/enumd.yaml.in ${CMAKE_BINARY_DIR}/packaging/enumd.yaml @ONLY)

# Binaries: the daemon and its control tool are administrator commands (sbin), the client is everyone's.
install(TARGETS enumd enumctl RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS enumq RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The client library for SIP servers that link it (the C API in enumd.h, and the C++ API): static archives
# with their headers; link with -lenumd_resolver -lenumd_numbering -lenumd_dns -lpcre2-8 -lcrypto -lstdc++.
install(TARGETS enumd_resolver enumd_numbering enumd_dns ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(lib resolver numbering dns)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${lib}/include/enumd/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/enumd)
endforeach()
install(FILES ${CMAKE_BINARY_DIR}/generated/enumd/build_info.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/enumd)

# systemd (Type=notify, server/README.md "Running as a service").
install(FILES ${CMAKE_BINARY_DIR}/packaging/enumd.service DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)

# The sample config: never over an operator's own (the package marks it a conffile, dpkg asks).
set(ENUMD_CONF ${SYSCONFDIR}/enumd/enumd.yaml)
install(CODE "
  if(EXISTS \"\$ENV{DESTDIR}${ENUMD_CONF}\")
    message(STATUS \"Keeping: \$ENV{DESTDIR}${ENUMD_CONF} (an existing configuration is never overwritten)\")
  else()
    file(INSTALL \"${CMAKE_BINARY_DIR}/packaging/enumd.yaml\" DESTINATION \"${SYSCONFDIR}/enumd\")
  endif()")

# The example zones the sample config serves.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/zones/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/enumd/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages, one source each: help2man from the binaries' --help (so they never disagree with it) and
# enumd-zones(5) from zones/README.md. Built when help2man and python3 are there (tools/build.sh installs
# them); tests/integration/install/test_install.py fails when a page misses an option of --help.
find_program(HELP2MAN help2man)
find_program(GZIP gzip)
find_package(Python3 COMPONENTS Interpreter)
if(HELP2MAN AND GZIP AND Python3_Interpreter_FOUND)
  # Installed gzipped, as Debian policy §12.1 wants man pages (and dh_compress would do).
  set(pages)
  foreach(spec "enumd;8;DNS server for telephone numbering (ENUM, 3GPP names);--help"
               "enumctl;8;check, compile, export and change enumd zones, control a running enumd;--help-all"
               "enumq;1;ENUM, SIP and 3GPP lookups with the enumd client library;--help")
    list(GET spec 0 tool)
    list(GET spec 1 section)
    list(GET spec 2 description)
    list(GET spec 3 help_option)  # enumctl --help-all: every command's options in the one page
    set(page ${CMAKE_BINARY_DIR}/man/${tool}.${section})
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=${section} --name=${description}
              --help-option=${help_option} --output=${page} $<TARGET_FILE:${tool}>
      COMMAND ${GZIP} -9nf ${page}
      DEPENDS ${tool} VERBATIM)
    list(APPEND pages ${page}.gz)
    install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  set(zones_page ${CMAKE_BINARY_DIR}/man/enumd-zones.5)
  add_custom_command(OUTPUT ${zones_page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${Python3_EXECUTABLE} ${ENUMD_PACKAGING}/md2man.py ${PROJECT_SOURCE_DIR}/zones/README.md ${zones_page}
            enumd-zones 5 "the YAML zone format of enumd" ${PROJECT_VERSION}
    COMMAND ${GZIP} -9nf ${zones_page}
    DEPENDS ${PROJECT_SOURCE_DIR}/zones/README.md ${ENUMD_PACKAGING}/md2man.py VERBATIM)
  list(APPEND pages ${zones_page}.gz)
  install(FILES ${zones_page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
  add_custom_target(enumd_man ALL DEPENDS ${pages})
else()
  message(STATUS "help2man, gzip or python3 missing: no man pages (apt-get install help2man python3)")
endif()

# cpack -G DEB: Depends from the binaries' libraries (dpkg-shlibdeps), the user and the service from the
# maintainer scripts, the sample config a conffile.
set(CPACK_PACKAGE_NAME enumd)
set(CPACK_PACKAGE_VENDOR "enumd")
set(CPACK_PACKAGE_CONTACT "enumd maintainers <enumd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DNS server and client library for telephone numbering (ENUM, 3GPP)")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)  # the binaries without their debug info (RelWithDebInfo: 50 MB of .deb otherwise)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "${ENUMD_CONF}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/packaging/conffiles ${ENUMD_PACKAGING}/postinst ${ENUMD_PACKAGING}/prerm
    ${ENUMD_PACKAGING}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
