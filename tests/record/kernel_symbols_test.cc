#include "record/kernel_symbols.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace sigrec::record {
namespace {

constexpr const char* kKallsyms =
    "ffffffff81000000 T _stext\n"
    "ffffffff81100000 t __bpf_trace_signal_generate\n"
    "ffffffff81100100 T bpf_trace_run5\n"
    "ffffffff81200000 t __send_signal_locked\n"
    "ffffffff81200400 d some_data\n"
    "ffffffff81300000 T it_real_fn\n"
    "ffffffff81300200 t oom_kill_process.cold\n"
    "ffffffff81400000 T asm_sysvec_apic_timer_interrupt\n"
    "ffffffff81500000 T do_syscall_64\n"
    "ffffffffc0000000 t nf_hook [nf_tables]\n";

TEST(KernelSymbols, NamesTheFunctionHoldingAnAddress) {
  KernelSymbols syms(kKallsyms);
  EXPECT_EQ(syms.name(0xffffffff81200010), "__send_signal_locked");
  EXPECT_EQ(syms.name(0xffffffff81200500), "__send_signal_locked") << "data symbols are skipped";
  EXPECT_EQ(syms.name(0xffffffffc0000010), "nf_hook");
  EXPECT_EQ(syms.name(0x1000), "0x1000");
}

TEST(KernelSymbols, StackDropsTracingFramesAndStopsAtTheInterruptEntry) {
  KernelSymbols syms(kKallsyms);
  const uint64_t stack[] = {0xffffffff81100010, 0xffffffff81100110, 0xffffffff81200010,
                            0xffffffff81300010, 0xffffffff81400010, 0xffffffff81500010};
  auto frames = syms.frames(stack, 6);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0], "__send_signal_locked");
  EXPECT_EQ(frames[1], "it_real_fn");
  EXPECT_EQ(frames[2], "asm_sysvec_apic_timer_interrupt");
}

TEST(KernelSymbols, ClonesAreNamedAsTheirFunction) {
  KernelSymbols syms(kKallsyms);
  const uint64_t stack[] = {0xffffffff81300210};
  EXPECT_EQ(syms.frames(stack, 1), std::vector<std::string>{"oom_kill_process"});
}

TEST(KernelSymbols, RestrictedAddressesGiveAnEmptyTable) {
  KernelSymbols syms("0000000000000000 T _stext\n0000000000000000 t foo\n");
  EXPECT_TRUE(syms.empty());
}

}  // namespace
}  // namespace sigrec::record
