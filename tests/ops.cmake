# Operations tests (install, systemd, configuration, backups, schema, reload, status):
# included from tests/CMakeLists.txt, after the daemon fixture and qr_env are defined.
#
# Tests that start their own quorumd put it on ipc:// endpoints in a private temporary
# directory, so they need no port and run beside everything else; those that use the shared
# daemon take its fixture and its lock like the other integration tests.
add_executable(qr_notify_sink tools/qr_notify_sink.c)
add_executable(qr_sql tools/qr_sql.c)
target_link_libraries(qr_sql PRIVATE PkgConfig::SQLITE)
qr_unit(test_store_schema)

set(qr_ops_env ${qr_env} QR_SRC=${PROJECT_SOURCE_DIR} QR_CMAKE=${CMAKE_COMMAND})

# Own daemons (or none): run in parallel with anything.
foreach(t it_install it_config it_notify it_schema it_reload it_rulebooks)
  add_test(NAME ${t} COMMAND ${qr_it}/${t}.sh)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "${qr_ops_env}" TIMEOUT 300
                       LABELS "integration;ops")
endforeach()
add_test(NAME systemd_check COMMAND ${qr_it}/systemd_check.sh)
set_tests_properties(systemd_check PROPERTIES ENVIRONMENT "${qr_ops_env}" TIMEOUT 120
                     LABELS "integration;ops" SKIP_RETURN_CODE 77)

# The shared daemon.
foreach(t it_backup it_status)
  add_test(NAME ${t} COMMAND ${qr_it}/${t}.sh)
  set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED daemon ENVIRONMENT "${qr_ops_env}"
                       TIMEOUT 300 LABELS "integration;ops" RESOURCE_LOCK daemon)
endforeach()
target_compile_definitions(test_store_schema PRIVATE QR_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")

# Faults on a small file system of its own (disk full, read-only, a damaged page): root only,
# skipped (77) where a tmpfs cannot be mounted.
add_test(NAME it_faults COMMAND ${qr_it}/it_faults.sh)
set_tests_properties(it_faults PROPERTIES ENVIRONMENT "${qr_ops_env}" TIMEOUT 300
                     LABELS "integration;ops" SKIP_RETURN_CODE 77)
