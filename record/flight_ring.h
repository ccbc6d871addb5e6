// The flight recorder's memory of recent events: raw ring-buffer records in
// fixed-size chunks, oldest chunk first, with the loss windows that overlap
// them. Memory is counted as the chunks' capacity; the owner evicts whole
// chunks from the old end to stay within its budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

#include "record/capture_sink.h"

namespace sigrec::record {

class FlightRing {
 public:
  explicit FlightRing(size_t chunkBytes) : chunkBytes_(chunkBytes) {}

  // SIZE must not exceed the chunk size.
  void push(const void* data, size_t size, uint64_t timeNs);
  void addLoss(const LossRecord& loss) { losses_.push_back(loss); }
  // Drops the oldest chunk, and the loss windows that ended before what
  // remains; false if only the chunk being filled is left.
  bool evictOldest();

  // Time of the oldest event held; max if none.
  uint64_t oldestNs() const;
  // Bytes held: chunk capacity and record index (a spare chunk included),
  // loss windows.
  size_t bytes() const { return bytes_ + costOf(spare_) + losses_.size() * sizeof(LossRecord); }
  const std::deque<LossRecord>& losses() const { return losses_; }

  // Calls F(data, size) for every record, oldest first.
  template <typename F>
  void forEach(F&& f) const {
    for (const Chunk& c : chunks_)
      for (auto [offset, size] : c.records) f(c.bytes.data() + offset, size);
  }

 private:
  struct Chunk {
    std::vector<uint8_t> bytes;
    std::vector<std::pair<uint32_t, uint32_t>> records;  // offset, size
    uint64_t oldestNs = std::numeric_limits<uint64_t>::max();
  };
  static size_t costOf(const Chunk& c) {
    return c.bytes.capacity() + c.records.capacity() * sizeof(c.records[0]);
  }
  void startChunk();

  size_t chunkBytes_;
  std::deque<Chunk> chunks_;
  Chunk spare_;  // the last evicted chunk's memory, for the next one
  std::deque<LossRecord> losses_;
  size_t bytes_ = 0;
};

}  // namespace sigrec::record
