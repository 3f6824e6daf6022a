# Every tests/unit/test_*.c is one cmocka program and one CTest test.
file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE wrcore PkgConfig::CMOCKA)
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES LABELS unit)
endforeach()

# Source rules no compiler flag enforces (banned functions and the like).
add_test(NAME lint/source COMMAND ${CMAKE_SOURCE_DIR}/tools/check-source.sh ${CMAKE_SOURCE_DIR})

# End-to-end API tests: a real `warroom serve` on a free loopback port.
# Debian's interpreter first: the tests use Debian's python3-aiosmtpd and
# python3-jsonschema, which another python3 on PATH (pyenv) does not see.
find_program(PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(PYTHON3 python3 REQUIRED)
file(GLOB API_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/api/test_*.py)
foreach(src ${API_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME api/${name} COMMAND ${PYTHON3} ${src})
  set_tests_properties(api/${name} PROPERTIES LABELS api TIMEOUT 300
    ENVIRONMENT "WARROOM_BIN=$<TARGET_FILE:warroom>;WARROOM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endforeach()

# Browser tests in Debian's Chromium; not part of the sanitizer build.
option(WARROOM_WEB_TESTS "Run the browser tests" ON)
if(WARROOM_WEB_TESTS AND NOT WARROOM_SANITIZE)
  file(GLOB WEB_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/web/test_*.mjs)
  foreach(src ${WEB_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME web/${name} COMMAND node ${src})
    set_tests_properties(web/${name} PROPERTIES LABELS web TIMEOUT 300
      ENVIRONMENT "WARROOM_BIN=$<TARGET_FILE:warroom>;WARROOM_SOURCE_DIR=${CMAKE_SOURCE_DIR};WARROOM_ARTIFACTS=${CMAKE_BINARY_DIR}/artifacts")
  endforeach()
endif()

# The sweeper end to end: a generated corpus against its ground truth.
file(GLOB SWEEP_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/sweep/test_*.py)
foreach(src ${SWEEP_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME sweep/${name} COMMAND ${PYTHON3} ${src})
  set_tests_properties(sweep/${name} PROPERTIES LABELS sweep TIMEOUT 300
    ENVIRONMENT "WARROOM_BIN=$<TARGET_FILE:warroom>;WARROOM_SOURCE_DIR=${CMAKE_SOURCE_DIR};WARROOM_BUILD_DIR=${CMAKE_BINARY_DIR}")
endforeach()

# Export writers checked by outside validators (the official STIX 2.1 JSON
# schemas, MISP's feed layout): a small program writes the sample indicators
# of tests/tools/export_sample.h in each format.
add_executable(export_sample ${CMAKE_SOURCE_DIR}/tests/tools/export_sample.c)
target_include_directories(export_sample PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools)
target_link_libraries(export_sample PRIVATE wrcore)
file(GLOB EXPORT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/export/test_*.py)
foreach(src ${EXPORT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME export/${name} COMMAND ${PYTHON3} ${src})
  set_tests_properties(export/${name} PROPERTIES LABELS export TIMEOUT 120
    ENVIRONMENT "EXPORT_SAMPLE=$<TARGET_FILE:export_sample>;WARROOM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endforeach()
