# The harness's default walk schedule (targets/harness.c: the final walk only,
# and an input with a finding run again at its header's interval) must report
# exactly what walks at the header's interval on every input report
# (ZF_FUZZ_WALK=input): same findings, same operations, same messages. The
# planted bugs give findings of full walks ("oracle walk") on the seeds.
# cmake -P, with -DREPLAY_DIR=<dir of zf-replay-*> -DCORPUS=<corpus>.
set(cases "buddy:B11" "buddy:B12" "buddy:B23" "slowpath:B8" "slowpath:B3" "slowpath:none")
set(walk_findings 0)
foreach(c ${cases})
  string(REPLACE ":" ";" tb "${c}")
  list(GET tb 0 t)
  list(GET tb 1 bug)
  if(bug STREQUAL "none")
    set(bug "")
  endif()
  foreach(mode default input)
    set(walk_env "")
    if(mode STREQUAL "input")
      set(walk_env "ZF_FUZZ_WALK=input")
    endif()
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env ZF_FUZZ_NO_ABORT=1 ZF_BUGS=${bug} ${walk_env}
              ${REPLAY_DIR}/zf-replay-${t} ${CORPUS}/${t}/seeds
      RESULT_VARIABLE rc_${mode} ERROR_VARIABLE out_${mode} OUTPUT_QUIET)
  endforeach()
  if(NOT rc_default STREQUAL rc_input OR NOT out_default STREQUAL out_input)
    message(FATAL_ERROR "${t} ZF_BUGS=${bug}: the default walk schedule reports\n"
                        "${out_default}\nbut walks at the input's interval report\n${out_input}")
  endif()
  string(REGEX MATCHALL "ASSERTION FAILED: [A-Z_]+ in oracle walk" w "${out_input}")
  list(LENGTH w nw)
  math(EXPR walk_findings "${walk_findings} + ${nw}")
endforeach()
if(walk_findings LESS 3)
  message(FATAL_ERROR "expected full-walk findings from the planted bugs, got ${walk_findings}")
endif()
message(STATUS "walk schedules agree (${walk_findings} full-walk findings)")
