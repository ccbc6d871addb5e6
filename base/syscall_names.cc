#include "base/syscall_names.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace sigrec::names {
namespace {

// {number, "name"}, sorted by number: generated from asm/unistd_64.h.
constexpr std::pair<int, const char*> kSyscalls[] = {
#include "syscall_names_x86_64.inc"
};

}  // namespace

std::string x86_64SyscallName(int nr) {
  auto it = std::lower_bound(std::begin(kSyscalls), std::end(kSyscalls), nr,
                             [](const auto& entry, int n) { return entry.first < n; });
  if (it != std::end(kSyscalls) && it->first == nr) return it->second;
  return "syscall " + std::to_string(nr);
}

}  // namespace sigrec::names
