// x86_64 syscall numbers to names ("getppid"), from the kernel's UAPI header
// at build time (schema/CMakeLists.txt): the BPF programs, and so the
// captures, are x86_64 only.
#pragma once

#include <string>

namespace sigrec::names {

// "getppid"; "syscall <n>" when unknown.
std::string x86_64SyscallName(int nr);

}  // namespace sigrec::names
