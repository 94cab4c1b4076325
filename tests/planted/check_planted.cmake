# cmake -P: one planted-bug reproducer (tests/planted/Bn.json).
#   -DZONEFUZZ=path/to/zonefuzz -DSCENARIO=tests/planted/Bn.json [-DWALK=N]
# The scenario's "_planted" comment object names the bug and the oracle expected:
#   (a) `zonefuzz run --json --bug Bn FILE` exits 1 with a finding of that oracle;
#   (b) `zonefuzz run --json FILE` (the fix in place) exits 0 with no finding of any oracle.
cmake_minimum_required(VERSION 3.20)
file(READ ${SCENARIO} text)
string(JSON bug GET "${text}" _planted bug)
string(JSON oracle GET "${text}" _planted oracle)
if(NOT DEFINED WALK)
  set(WALK 64)
endif()

function(run_zonefuzz out_rc out_lines)
  execute_process(COMMAND ${ZONEFUZZ} run --json --walk-interval ${WALK} ${ARGN} ${SCENARIO}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE ";" "," out "${out}")
  string(REPLACE "\n" ";" lines "${out}")
  set(${out_rc} ${rc} PARENT_SCOPE)
  set(${out_lines} "${lines}" PARENT_SCOPE)
endfunction()

# The oracle ids of the finding records among the --json lines.
function(finding_oracles lines out)
  set(ids "")
  foreach(line IN LISTS lines)
    string(JSON id ERROR_VARIABLE e GET "${line}" finding oracle)
    if(NOT e AND id)
      list(APPEND ids ${id})
    endif()
  endforeach()
  set(${out} "${ids}" PARENT_SCOPE)
endfunction()

run_zonefuzz(rc lines --bug ${bug})
finding_oracles("${lines}" ids)
if(NOT rc EQUAL 1 OR NOT oracle IN_LIST ids)
  message(FATAL_ERROR "${SCENARIO}: with --bug ${bug}: exit ${rc}, findings [${ids}]; "
                      "expected exit 1 and a ${oracle} finding")
endif()
run_zonefuzz(rc lines)
finding_oracles("${lines}" ids)
if(NOT rc EQUAL 0 OR ids)
  message(FATAL_ERROR "${SCENARIO}: without ${bug}: exit ${rc}, findings [${ids}]; "
                      "expected exit 0 and no finding")
endif()
message(STATUS "${bug}: ${oracle} with the bug, silent without it")
