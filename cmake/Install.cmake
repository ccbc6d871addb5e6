# Install rules: programs, man pages, bash completion, the systemd unit and
# the docs, to the standard paths (GNUInstallDirs). The man pages are made at
# build time by help2man from the programs' own --help and --version, so they
# cannot drift from them (tests/deploy/man_pages checks the result).
include(GNUInstallDirs)

find_program(HELP2MAN help2man REQUIRED)
find_program(GZIP gzip REQUIRED)

# Where systemd looks for the units of packages.
set(SIGREC_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "systemd system unit directory (relative to the prefix, or absolute)")
set(SIGREC_BASH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" CACHE STRING
    "bash completion directory (relative to the prefix, or absolute)")

# sigrec_man_page(TARGET NAME-LINE): build/man/TARGET.1.gz from TARGET's
# --help, with the sections of docs/man/TARGET.h2m added.
function(sigrec_man_page target name_line)
  set(page ${CMAKE_BINARY_DIR}/man/${target}.1)
  set(include ${CMAKE_SOURCE_DIR}/docs/man/${target}.h2m)
  add_custom_command(
    OUTPUT ${page} ${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    # help2man dates the page from SOURCE_DATE_EPOCH when set (reproducible).
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 --name=${name_line}
            --include=${include} --output=${page} $<TARGET_FILE:${target}>
    # Debian policy: man pages gzip -9n (no name or time stamp in the header).
    COMMAND ${GZIP} -9nkf ${page}
    DEPENDS ${target} ${include}
    COMMENT "Generating the ${target}(1) man page from ${target} --help"
    VERBATIM)
  add_custom_target(${target}_man ALL DEPENDS ${page} ${page}.gz)
  install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endfunction()

sigrec_man_page(sigrec "record every signal and process death into a capture file")
sigrec_man_page(sigan "answer who killed a process, from sigrec captures")

install(TARGETS sigrec sigan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES deploy/bash-completion/sigrec deploy/bash-completion/sigan
        DESTINATION ${SIGREC_BASH_COMPLETION_DIR})
# deploy/sigrec.service names /usr/bin/sigrec (the package's path); the
# installed copy names sigrec where this install puts it, which is known
# only at install time (cpack installs again with the prefix /usr).
if(IS_ABSOLUTE "${SIGREC_SYSTEMD_UNIT_DIR}")
  set(unit_dir "${SIGREC_SYSTEMD_UNIT_DIR}")
else()
  set(unit_dir "\${CMAKE_INSTALL_PREFIX}/${SIGREC_SYSTEMD_UNIT_DIR}")
endif()
install(CODE "
  file(READ \"${CMAKE_SOURCE_DIR}/deploy/sigrec.service\" unit)
  string(REPLACE \"/usr/bin/sigrec \" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/sigrec \"
         unit \"\${unit}\")
  file(WRITE \"${CMAKE_BINARY_DIR}/deploy/sigrec.service\" \"\${unit}\")
  file(INSTALL DESTINATION \"${unit_dir}\" TYPE FILE
       FILES \"${CMAKE_BINARY_DIR}/deploy/sigrec.service\")")
install(FILES README.md docs/sigrec.md docs/sigan.md docs/deploy.md docs/capture-format.md
              docs/schema.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
