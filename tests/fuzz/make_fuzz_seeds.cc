// Writes small seed captures for the capture fuzzers into DIR: every frame
// type, every kind of event, a capture without trailer and one cut short.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"
#include "schema/capture_writer.h"
#include "tests/support/capture_stream.h"

namespace fs = std::filesystem;
namespace schema = sigrec::schema;
using sigrec::testing::CaptureFields;
using sigrec::testing::CaptureStream;
using sigrec::testing::SnapshotProcess;
using sigrec::testing::Task;

namespace {

constexpr unsigned kEventsPerBatch = 7;

CaptureFields fields() {
  CaptureFields f;
  f.hostname = "seed-host";
  f.kernelRelease = "6.1.0-seed";
  f.bootId = "6f1c0b1e-0000-4000-8000-000000000000";
  f.bootToWallNs = 1700000000000000000;
  f.recorderVersion = "0.1.0";
  f.recorderArgs = {"sigrec", ""};
  f.startBootNs = 0;
  f.command = {"sh", "-c"};
  f.counters = {{schema::Probe::SIGNAL_GENERATE, 0, kEventsPerBatch, 0}};
  f.eventsPerBatch = kEventsPerBatch;
  return f;
}

std::vector<SnapshotProcess> snapshot() {
  std::vector<SnapshotProcess> procs;
  for (uint32_t i = 0; i < 4; ++i) {
    procs.push_back({1 + i,
                     i,
                     10000000ull * i,
                     "init",
                     "/sbin/init",
                     {"/sbin/init"},
                     0,
                     0,
                     false,
                     "/init.scope"});
  }
  return procs;
}

// One batch: an event of each kind and a loss window.
void batch(CaptureStream& out) {
  using S = schema::Syscall;
  const Task sender{100, 100, 0, "sender"};
  out.loss({0, schema::Probe::SIGNAL_GENERATE, 3, 0, 0});
  out.generate(1000, sender, 15, 0, {200, 0, 0, "victim"}, S::KILL)
      .deliver(1001, sender, 15)
      .killCall(1002, sender, S::KILL, 0, 0, {200, 15}, 0)
      .fork(1003, sender, 201, 0)
      .exec(1004, sender, "/bin/true", {"true"})
      .exit(1005, sender, 15, false)
      .oom(1006, sender, 202);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  fs::path dir = argv[1];
  fs::create_directories(dir);
  {
    CaptureStream out(dir / "complete.sigrec", fields(), snapshot());
    batch(out);
    out.finish();
  }
  {
    CaptureFields f = fields();
    f.snapshot = false;
    f.trailer = false;
    CaptureStream out(dir / "no-trailer.sigrec", f, {});
    batch(out);
    batch(out);
    out.finish();
  }
  { sigrec::capture::CaptureWriter w(dir / "header-only.sigrec"); }
  // The complete capture cut in the middle of its last frame.
  std::ifstream in(dir / "complete.sigrec", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir / "cut.sigrec", std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 10));
  return 0;
}
