# What `cmake --install build [--prefix P]` puts where (GNU layout under the prefix):
#   bin/quorumd, bin/quorum (and bin/quorum-mirror once that program is built)
#   lib/systemd/system/quorumd.service, lib/systemd/system/quorum-mirror@.service
#   share/doc/quorum/quorumd.conf.example        every option, documented
#   share/man/man8/quorumd.8, share/man/man1/quorum.1
# The units in systemd/ name /usr/bin and /etc/quorum, the paths of a distribution package;
# installed under another prefix they are rewritten to name that prefix's bin/ and etc/, so
# an installed unit always starts the installed program.
include(GNUInstallDirs)

install(TARGETS quorumd quorum RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET quorum-mirror)
  install(TARGETS quorum-mirror RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(FILES ${PROJECT_SOURCE_DIR}/etc/quorumd.conf.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/man/quorumd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_SOURCE_DIR}/man/quorum.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
if(EXISTS ${PROJECT_SOURCE_DIR}/man/quorum-mirror.1)
  install(FILES ${PROJECT_SOURCE_DIR}/man/quorum-mirror.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# The units, with their paths rewritten for the prefix given at install time (hence the
# escaped \${CMAKE_INSTALL_PREFIX}: it is read when installing, not when configuring).
set(QR_UNIT_SRC ${PROJECT_SOURCE_DIR}/systemd)
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  set(bindir \"\${prefix}/${CMAKE_INSTALL_BINDIR}\")
  if(prefix STREQUAL \"/usr\")
    set(confdir \"/etc/quorum\")
  else()
    set(confdir \"\${prefix}/${CMAKE_INSTALL_SYSCONFDIR}/quorum\")
  endif()
  set(unitdir \"\$ENV{DESTDIR}\${prefix}/lib/systemd/system\")
  file(MAKE_DIRECTORY \"\${unitdir}\")
  foreach(unit quorumd.service quorum-mirror@.service)
    file(READ \"${QR_UNIT_SRC}/\${unit}\" text)
    string(REPLACE \"/usr/bin/\" \"\${bindir}/\" text \"\${text}\")
    string(REPLACE \"/etc/quorum/\" \"\${confdir}/\" text \"\${text}\")
    message(STATUS \"Installing: \${unitdir}/\${unit}\")
    file(WRITE \"\${unitdir}/\${unit}\" \"\${text}\")
  endforeach()
")
