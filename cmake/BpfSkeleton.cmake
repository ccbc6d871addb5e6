# bpf_skeleton(NAME SOURCE [DEPENDS headers...])
#
# Compiles SOURCE (a CO-RE BPF C program) with clang for the BPF target, strips
# its DWARF with `bpftool gen object` (BTF, which CO-RE needs, is kept), and
# generates NAME.skel.h with `bpftool gen skeleton`. Defines the INTERFACE
# target NAME_skel: link it to include the skeleton. Call it from bpf/ only:
# a custom command's output is visible only to targets of its own directory.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)

function(bpf_skeleton name source)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR})
  set(obj ${out}/${name}.bpf.o)
  set(stripped ${out}/${name}.o)
  set(skel ${out}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wno-unused-function
            -I${CMAKE_CURRENT_SOURCE_DIR} -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${obj}
    COMMAND ${BPFTOOL} gen object ${stripped} ${obj}
    COMMAND ${BPFTOOL} gen skeleton ${stripped} name ${name} > ${skel}
    DEPENDS ${source} ${ARG_DEPENDS}
    COMMENT "BPF skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  target_include_directories(${name}_skel INTERFACE ${out})
  add_dependencies(${name}_skel ${name}_skel_gen)
endfunction()
