// The BPF ring buffer's consumer side, shared by a recording to disk and the
// flight recorder: the buffer as an RAII handle, and the drain cadence.
#pragma once

#include <bpf/libbpf.h>

#include <memory>

namespace sigrec::record {

struct RingBufferFree {
  void operator()(ring_buffer* rb) const { ring_buffer__free(rb); }
};
using RingBuffer = std::unique_ptr<ring_buffer, RingBufferFree>;

// The BPF side never wakes the reader: it drains on its own timer, every
// 50 ms, or every 5 ms after a drain of more than 4096 records (about
// 0.5 MiB: at that rate a 16 MiB buffer would last ~1.5 s).
class RingDrain {
 public:
  explicit RingDrain(ring_buffer* ring) : ring_(ring) {}

  // Waits up to the current cadence, then drains what is there; returns
  // what ring_buffer__consume() returns (negative: a consumer stopped it,
  // e.g. on a full batch: come back at once).
  int drain() {
    ring_buffer__poll(ring_, waitMs_);
    const int drained = ring_buffer__consume(ring_);
    waitMs_ = drained < 0 ? 0 : drained > kBusyRecords ? kBusyMs : kIdleMs;
    return drained;
  }

 private:
  static constexpr int kIdleMs = 50;
  static constexpr int kBusyMs = 5;
  static constexpr int kBusyRecords = 4096;
  ring_buffer* ring_;
  int waitMs_ = kIdleMs;
};

}  // namespace sigrec::record
