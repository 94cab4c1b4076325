# stress/threads.cmake - `zonefuzz stress`: real concurrency in the model
# (stress/threads.c, docs/concurrency.md), kept apart from the VM runner of
# stress/CMakeLists.txt, which includes this file.
#
#   zf_stress_threads  library: zf_cmd_stress() / zf_stress_run()
#                      (zonefuzz/stress_threads.h; the CLI links it)
#   zf-stress-threads  the command as its own program
#   test_threads       tests/unit/test_threads.c also links the library
#                      (threads, oracles)
if(NOT TARGET zf_oracles)
  message(STATUS "stress/threads: oracles library missing; zonefuzz stress skipped")
  return()
endif()
find_package(Threads REQUIRED)
add_library(zf_stress_threads STATIC ${CMAKE_CURRENT_SOURCE_DIR}/threads.c)
target_include_directories(zf_stress_threads PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(zf_stress_threads PUBLIC zf_oracles zf_allocator zf_cjson Threads::Threads)
# stress_internal.h's file helpers (stress/files.c, in zf_stress)
target_include_directories(zf_stress_threads PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(zf_stress_threads PRIVATE zf_stress)
if(TARGET zf_targets_common)
  # --replay: the fuzz targets' decoder and the scenario runner
  target_link_libraries(zf_stress_threads PRIVATE zf_targets_common)
  target_compile_definitions(zf_stress_threads PRIVATE ZF_STRESS_HAVE_REPLAY=1)
endif()
zf_target_warnings(zf_stress_threads)

add_executable(zf-stress-threads ${CMAKE_CURRENT_SOURCE_DIR}/threads.c)
target_include_directories(zf-stress-threads PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include
                                                     ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(zf-stress-threads PRIVATE zf_stress zf_oracles zf_allocator zf_cjson
                                                Threads::Threads)
target_compile_definitions(zf-stress-threads PRIVATE ZF_STRESS_THREADS_MAIN=1)
if(TARGET zf_targets_common)
  target_link_libraries(zf-stress-threads PRIVATE zf_targets_common)
  target_compile_definitions(zf-stress-threads PRIVATE ZF_STRESS_HAVE_REPLAY=1)
endif()
zf_target_warnings(zf-stress-threads)

# tests/unit/test_threads.c is created by tests/CMakeLists.txt with zf_allocator
# only; it needs the threads library (and through it the oracles and pthreads).
function(zf_stress_threads_link_unit_test)
  if(TARGET test_threads)
    target_link_libraries(test_threads PRIVATE zf_stress_threads)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL zf_stress_threads_link_unit_test)
