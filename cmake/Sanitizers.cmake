if(ZF_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(ZF_COVERAGE)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ZF_COVERAGE needs clang (source-based coverage)")
  endif()
  add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
  add_link_options(-fprofile-instr-generate)
endif()
# ThreadSanitizer (the `tsan` preset; docs/concurrency.md): for the threaded
# machine of `zonefuzz stress` and tests/unit/test_threads.c. Not combinable
# with ZF_SANITIZE (ASan).
option(ZF_TSAN "Build with ThreadSanitizer" OFF)
if(ZF_TSAN)
  if(ZF_SANITIZE)
    message(FATAL_ERROR "ZF_TSAN and ZF_SANITIZE (ASan) cannot be combined")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
# Fuzz builds: keep the oracles' full-state walks and the helpers only they
# call out of SanitizerCoverage (targets/coverage-ignorelist.txt says what and
# why; docs/benchmarks.md measures it). clang takes the list as
# -fsanitize-coverage-ignorelist; afl-clang-fast strips that flag and reads
# the same list from AFL_LLVM_DENYLIST, set here for every compile through
# the compiler launcher. An OSS-Fuzz build gets the list only when its CFLAGS
# ask for SanitizerCoverage (-fsanitize=fuzzer...: libFuzzer and the
# sanitizer builds; not the coverage build, where clang would warn that the
# flag is unused).
# The list's hash is on every compile line (ZF_COVERAGE_IGNORELIST_MD5, read by
# nothing), so that editing the list reconfigures and rebuilds.
set(ZF_COVERAGE_IGNORELIST ${PROJECT_SOURCE_DIR}/targets/coverage-ignorelist.txt)
if(ZF_FUZZ_ENGINE MATCHES "^(libfuzzer|afl|oss-fuzz)$")
  get_filename_component(_zf_cc_name ${CMAKE_C_COMPILER} NAME)
  file(MD5 ${ZF_COVERAGE_IGNORELIST} _zf_il_md5)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ZF_COVERAGE_IGNORELIST})
  if(_zf_cc_name MATCHES "^afl-")
    list(PREPEND CMAKE_C_COMPILER_LAUNCHER env AFL_LLVM_DENYLIST=${ZF_COVERAGE_IGNORELIST})
    list(PREPEND CMAKE_CXX_COMPILER_LAUNCHER env AFL_LLVM_DENYLIST=${ZF_COVERAGE_IGNORELIST})
    add_compile_definitions(ZF_COVERAGE_IGNORELIST_MD5=${_zf_il_md5})
  elseif(CMAKE_C_COMPILER_ID MATCHES "Clang" AND (NOT ZF_FUZZ_ENGINE STREQUAL "oss-fuzz"
         OR CMAKE_C_FLAGS MATCHES "-fsanitize=fuzzer|-fsanitize-coverage="))
    add_compile_options(-fsanitize-coverage-ignorelist=${ZF_COVERAGE_IGNORELIST})
    add_compile_definitions(ZF_COVERAGE_IGNORELIST_MD5=${_zf_il_md5})
  endif()
endif()
