#include "record/flight_ring.h"

#include <algorithm>

namespace sigrec::record {

void FlightRing::startChunk() {
  Chunk c = std::move(spare_);
  spare_ = Chunk{};
  c.bytes.clear();
  c.records.clear();
  c.oldestNs = std::numeric_limits<uint64_t>::max();
  c.bytes.reserve(chunkBytes_);
  c.records.reserve(chunkBytes_ / 64);  // the smallest records are about 100 bytes
  bytes_ += costOf(c);
  chunks_.push_back(std::move(c));
}

void FlightRing::push(const void* data, size_t size, uint64_t timeNs) {
  if (chunks_.empty() || chunks_.back().bytes.size() + size > chunkBytes_) startChunk();
  Chunk& c = chunks_.back();
  const size_t before = costOf(c);
  const auto* bytes = static_cast<const uint8_t*>(data);
  c.records.emplace_back(static_cast<uint32_t>(c.bytes.size()), static_cast<uint32_t>(size));
  c.bytes.insert(c.bytes.end(), bytes, bytes + size);
  c.oldestNs = std::min(c.oldestNs, timeNs);
  bytes_ += costOf(c) - before;  // the index may have grown
}

bool FlightRing::evictOldest() {
  if (chunks_.size() < 2) return false;
  bytes_ -= costOf(chunks_.front());
  spare_ = std::move(chunks_.front());
  chunks_.pop_front();
  const uint64_t oldest = oldestNs();
  while (!losses_.empty() && losses_.front().toNs < oldest) losses_.pop_front();
  return true;
}

uint64_t FlightRing::oldestNs() const {
  uint64_t oldest = std::numeric_limits<uint64_t>::max();
  for (const Chunk& c : chunks_) oldest = std::min(oldest, c.oldestNs);
  return oldest;
}

}  // namespace sigrec::record
