// --metrics FILE.prom: counters for node_exporter's textfile collector
// (docs/deploy.md, "Metrics"), rewritten atomically every few seconds by the
// writer thread. Every label takes values from a small fixed set (probe,
// signal, syscall, errno names): no pids and no comms, so the number of
// series stays bounded whatever the machine does.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "record/capture_sink.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

class Metrics {
 public:
  explicit Metrics(std::string path) : path_(std::move(path)) {}

  // Writer thread: counts the events of one encoded batch.
  void count(schema::EventBatch::Reader batch);
  // Writer thread: the kernel's and sigrec's cumulative per-CPU totals, and
  // the size of file number SEQUENCE so far.
  void observe(const std::vector<ProbeTotals>& totals, uint32_t sequence, uint64_t fileBytes);
  // Rewrites the file if it is due (or FORCE). False if it could not; the
  // first failure is reported on stderr, and error() says why.
  bool write(bool force = false);
  const std::string& error() const { return error_; }

 private:
  std::string render() const;

  std::string path_;
  std::chrono::steady_clock::time_point next_{};
  std::vector<ProbeTotals> totals_;
  uint32_t sequence_ = 0;
  uint64_t earlierFilesBytes_ = 0, fileBytes_ = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> signals_;    // signal, origin
  std::map<std::string, uint64_t> fatal_;                              // signal
  std::map<std::pair<std::string, std::string>, uint64_t> killCalls_;  // syscall, result
  uint64_t oomKills_ = 0;
  std::string error_;
  bool written_ = false, warned_ = false;
};

}  // namespace sigrec::record
