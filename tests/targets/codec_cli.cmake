# decode/encode as commands (cmake -P): for each target's first seed,
# decode -> encode reproduces bytes that decode to the same JSON; bad usage
# exits 2 with one line on stderr.
foreach(t buddy slowpath gfp interleave)
  file(GLOB seeds ${CORPUS}/${t}/seeds/*)
  list(SORT seeds)
  list(GET seeds 0 seed)
  execute_process(COMMAND ${TOOL} decode --target ${t} ${seed} -o ${WORK}/${t}.json
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "decode ${t} ${seed}: exit ${rc}")
  endif()
  # the target comes from the "_target" key of the JSON
  execute_process(COMMAND ${TOOL} encode ${WORK}/${t}.json -o ${WORK}/${t}.bin RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "encode ${t}: exit ${rc}")
  endif()
  execute_process(COMMAND ${TOOL} decode --target ${t} ${WORK}/${t}.bin OUTPUT_VARIABLE b RESULT_VARIABLE rc)
  file(READ ${WORK}/${t}.json a)
  if(NOT rc EQUAL 0 OR NOT "${a}\n" STREQUAL "${b}")
    message(FATAL_ERROR "${t}: decode(encode(decode(seed))) differs from decode(seed)")
  endif()
endforeach()

# the wrong target for a file, an unknown target, no -o: exit 2, one line
foreach(args "encode;--target;gfp;${WORK}/buddy.json;-o;${WORK}/x"
             "decode;--target;nope;${WORK}/buddy.bin"
             "encode;${WORK}/buddy.json"
             "decode;--target;buddy;${WORK}/does-not-exist")
  execute_process(COMMAND ${TOOL} ${args} RESULT_VARIABLE rc ERROR_VARIABLE err)
  string(REGEX MATCHALL "\n" lines "${err}")
  list(LENGTH lines nl)
  if(NOT rc EQUAL 2 OR NOT nl EQUAL 1)
    message(FATAL_ERROR "'${args}': expected exit 2 and one stderr line, got ${rc}: ${err}")
  endif()
endforeach()
