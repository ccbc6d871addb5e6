// The BPF programs, loaded and attached (the only user of the skeleton).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "bpf/events.h"

struct sigrec_bpf;  // the skeleton; global scope, as libbpf declares it

namespace sigrec::record {

struct ProbeSettings {
  uint64_t signalMask = ~0ULL;
  uint32_t filterPid = 0;
  uint64_t filterCgroupId = 0;
  bool threads = false;
  uint32_t ringBufferBytes = 16u << 20;
  bool verbose = false;
  // Track in-call state in a hash map even where task storage works: the
  // fallback for kernels before v5.11, forced to test it on newer ones.
  bool hashInflight = false;
};

class Probes {
 public:
  // Opens, configures, loads and attaches every program. Throws RecordError.
  explicit Probes(const ProbeSettings& settings);
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  int ringBufferFd() const;
  // Per-CPU accounting, one entry per possible CPU.
  std::vector<sr_counters> readCounters() const;
  // Stops the programs (the ring buffer stays readable for the final drain).
  void detach();

 private:
  struct Destroy {
    void operator()(sigrec_bpf* skel) const;
  };
  std::unique_ptr<sigrec_bpf, Destroy> skel_;
  int cpus_ = 0;
};

}  // namespace sigrec::record
