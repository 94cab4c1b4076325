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
