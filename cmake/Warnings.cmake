# Warnings as errors under both gcc and clang.
function(zf_target_warnings tgt)
  target_compile_options(${tgt} PRIVATE
    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith
    -Wformat=2 -Wundef -Wvla -Wno-unused-parameter)
  if(ZF_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
endfunction()
