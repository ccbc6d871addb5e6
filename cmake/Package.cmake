# CPack: one Debian package, sigrec, holding both programs. `cpack -G DEB`
# in the build tree writes sigrec_VERSION_ARCH.deb; scripts/test-package
# builds it, runs lintian on it and installs it into a clean Debian 12 root.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sigrec)
set(CPACK_PACKAGE_VENDOR "the sigrec authors")
set(CPACK_PACKAGE_CONTACT "sigrec maintainers <sigrec@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "records who killed a process, with eBPF")
# CPack indents the lines and turns the empty one into " ." itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sigrec records every signal, kill-family call, fork, exec, exit and OOM
kill on the machine into a compact capture file, with a snapshot of /proc.
sigan imports captures into SQLite and answers who killed a process, how
each process ended, timelines and SQL queries.

The package holds both programs, their manual pages, bash completion and a
systemd unit that records continuously into /var/lib/sigrec with rotation
and retention (not enabled on installation).")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Dependencies come from the binaries' libraries (dpkg-shlibdeps), so they
# cannot drift from what the programs link.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Debian policy wants a copyright file and a changelog in the doc folder.
string(TIMESTAMP SIGREC_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(deploy/debian/changelog.in ${CMAKE_BINARY_DIR}/debian/changelog @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/debian/changelog.gz
  COMMAND ${GZIP} -9nkf ${CMAKE_BINARY_DIR}/debian/changelog
  DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog
  VERBATIM)
add_custom_target(debian_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/debian/changelog.gz deploy/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(CPack)
