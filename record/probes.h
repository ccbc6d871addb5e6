// The BPF programs, loaded and attached (the only user of the skeleton).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bpf/events.h"
#include "record/kernel_features.h"

struct sigrec_bpf;  // the skeleton; global scope, as libbpf declares it

namespace sigrec::record {

struct ProbeSettings {
  uint64_t signalMask = ~0ULL;
  uint32_t filterPid = 0;
  uint64_t filterCgroupId = 0;
  bool threads = false;
  uint32_t ringBufferBytes = 16u << 20;
  bool verbose = false;
  KernelFeatures features;
};

// One program's fate in `sigrec --check`.
struct ProgramCheck {
  std::string name;     // the BPF program, e.g. on_fork
  std::string records;  // what it records, in words
  bool ok = false;
  std::string error;  // the reason, with the verifier's last lines
};

class Probes {
 public:
  // Opens, configures, loads and attaches every program. Throws RecordError
  // naming each program the kernel refused and the verifier's last words.
  explicit Probes(const ProbeSettings& settings);
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  int ringBufferFd() const;
  // Per-CPU accounting, one entry per possible CPU, then one more: the runs
  // the kernel skipped, on no known CPU (addRecursionMisses()).
  std::vector<sr_counters> readCounters();
  // Stops the programs (the ring buffer stays readable for the final drain).
  void detach();

  // Loads and attaches each program alone (libbpf stops at the first
  // refusal; alone, every refusal is seen), then detaches it again.
  static std::vector<ProgramCheck> checkEach(const ProbeSettings& settings);

  struct Destroy {
    void operator()(sigrec_bpf* skel) const;
  };

 private:
  void addRecursionMisses(sr_counters& unknownCpu);

  std::unique_ptr<sigrec_bpf, Destroy> skel_;
  int cpus_ = 0;
  std::array<uint64_t, SR_PROBE_COUNT> misses_{};      // recursion misses seen, per probe
  std::array<uint64_t, SR_PROBE_COUNT> missedAtNs_{};  // when they last grew
};

}  // namespace sigrec::record
