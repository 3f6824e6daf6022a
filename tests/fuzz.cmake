# libFuzzer harnesses, one per parser: tests/fuzz/fuzz_*.c. Each CTest test
# is a short run (FUZZ_SECONDS) from the seed corpus tests/fuzz/corpus/NAME/
# into a scratch copy, so CI finds shallow crashes without growing the tree.
set(FUZZ_SECONDS 20 CACHE STRING "seconds per fuzzer in CTest")
file(GLOB FUZZERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(src ${FUZZERS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE wrcore)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus ${CMAKE_BINARY_DIR}/corpus/${name})
  add_test(NAME fuzz/${name}
    COMMAND sh -c "mkdir -p '${corpus}' && cp -r '${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name}/.' '${corpus}/' 2>/dev/null; exec '$<TARGET_FILE:${name}>' -max_total_time=${FUZZ_SECONDS} -rss_limit_mb=2048 -print_final_stats=1 '${corpus}'")
  set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endforeach()
