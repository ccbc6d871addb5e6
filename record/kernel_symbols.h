// Kernel return addresses to function names, from /proc/kallsyms, for the
// stacks of kernel-origin signals (bpf/events.h, sr_signal_generate.stack).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigrec::record {

class KernelSymbols {
 public:
  // Parses a kallsyms text (lines "ADDRESS TYPE NAME [MODULE]"); only text
  // symbols are kept. All-zero addresses (kptr_restrict) give an empty table.
  explicit KernelSymbols(std::string_view kallsyms);
  // Reads /proc/kallsyms (or PATH).
  static KernelSymbols load(const std::string& path = "/proc/kallsyms");

  bool empty() const { return symbols_.empty(); }
  // The function holding ADDR, or "0x<hex>" when none does.
  std::string name(uint64_t addr) const;

  // A stack as stored in the capture: names, innermost first, after the
  // tracing machinery's own frames, and cut after the first interrupt
  // entry (asm_*): what lies below belongs to the interrupted task.
  std::vector<std::string> frames(const uint64_t* addrs, size_t count) const;

 private:
  struct Symbol {
    uint64_t addr;
    std::string name;
  };
  std::vector<Symbol> symbols_;  // sorted by address
};

}  // namespace sigrec::record
