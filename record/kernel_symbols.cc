#include "record/kernel_symbols.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace sigrec::record {
namespace {

bool isTextType(char type) {
  return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

// Frames of the tracepoint and BPF dispatch itself (bpf_trace_run5,
// __bpf_trace_signal_generate, ...): they say nothing of the signal.
bool isTracingFrame(std::string_view name) {
  return name.starts_with("bpf_") || name.starts_with("__bpf_") ||
         name.starts_with("__traceiter_") || name.starts_with("trace_") ||
         name.starts_with("perf_");
}

}  // namespace

KernelSymbols::KernelSymbols(std::string_view kallsyms) {
  size_t pos = 0;
  while (pos < kallsyms.size()) {
    size_t end = kallsyms.find('\n', pos);
    if (end == std::string_view::npos) end = kallsyms.size();
    std::string_view line = kallsyms.substr(pos, end - pos);
    pos = end + 1;
    uint64_t addr = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), addr, 16);
    auto at = static_cast<size_t>(p - line.data());
    if (ec != std::errc() || addr == 0 || at + 3 > line.size() || !isTextType(line[at + 1]))
      continue;
    std::string_view name = line.substr(at + 3);
    name = name.substr(0, name.find_first_of(" \t"));
    symbols_.push_back({addr, std::string(name)});
  }
  std::sort(symbols_.begin(), symbols_.end(),
            [](const Symbol& a, const Symbol& b) { return a.addr < b.addr; });
}

KernelSymbols KernelSymbols::load(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return KernelSymbols(text.str());
}

std::string KernelSymbols::name(uint64_t addr) const {
  auto after = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                                [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (after == symbols_.begin()) return fmt::format("0x{:x}", addr);
  return std::prev(after)->name;
}

std::vector<std::string> KernelSymbols::frames(const uint64_t* addrs, size_t count) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    // A return address follows its call; the call may be a function's
    // last instruction, so look up the byte before it. Compiler clones
    // (oom_kill_process.cold, .isra.0) are named as their function.
    std::string n = name(addrs[i] - 1);
    n = n.substr(0, n.find('.'));
    if (out.empty() && isTracingFrame(n)) continue;
    bool interrupt = n.starts_with("asm_");
    out.push_back(std::move(n));
    if (interrupt) break;
  }
  return out;
}

}  // namespace sigrec::record
