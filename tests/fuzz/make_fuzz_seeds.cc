// Writes small seed captures for the capture fuzzers into DIR: every frame
// type, every kind of event, a capture without trailer and one cut short.
#include <capnp/message.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"
#include "schema/capture_writer.h"

namespace fs = std::filesystem;
using sigrec::capture::CaptureWriter;
using sigrec::capture::FrameType;
namespace schema = sigrec::schema;

namespace {

void info(CaptureWriter& w) {
  capnp::MallocMessageBuilder m;
  auto i = m.initRoot<schema::CaptureInfo>();
  i.setHostname("seed-host");
  i.setKernelRelease("6.1.0-seed");
  i.setMachine("x86_64");
  i.setBootId("6f1c0b1e-0000-4000-8000-000000000000");
  i.setBootToWallNs(1700000000000000000);
  i.setRecorderVersion("0.1.0");
  i.initRecorderArgs(2).set(0, "sigrec");
  i.setClockTicksPerSecond(100);
  i.setSignalMask(~0ull);
  auto cmd = i.initCommand(2);
  cmd.set(0, "sh");
  cmd.set(1, "-c");
  w.write(FrameType::kInfo, m);
}

void snapshot(CaptureWriter& w) {
  capnp::MallocMessageBuilder m;
  auto s = m.initRoot<schema::ProcessSnapshot>();
  auto procs = s.initProcesses(4);
  for (unsigned i = 0; i < procs.size(); ++i) {
    procs[i].setPid(1 + i);
    procs[i].setPpid(i);
    procs[i].setStartNs(10000000ull * i);
    procs[i].setComm("init");
    procs[i].setExe("/sbin/init");
    procs[i].initCmdline(1).set(0, "/sbin/init");
    procs[i].setCgroup("/init.scope");
  }
  w.write(FrameType::kSnapshot, m);
}

void events(CaptureWriter& w) {
  capnp::MallocMessageBuilder m;
  auto batch = m.initRoot<schema::EventBatch>();
  auto ev = batch.initEvents(7);
  for (unsigned i = 0; i < ev.size(); ++i) {
    ev[i].setTimeNs(1000 + i);
    ev[i].setPid(100);
    ev[i].setTid(100);
    ev[i].setComm("sender");
  }
  auto g = ev[0].initSignalGenerate();
  g.setSignal(15);
  g.setTargetPid(200);
  g.setTargetComm("victim");
  g.setSyscall(schema::Syscall::KILL);
  ev[1].initSignalDeliver().setSignal(15);
  auto k = ev[2].initKillCall();
  k.setSyscall(schema::Syscall::KILL);
  k.setArg0(200);
  k.setArg1(15);
  ev[3].initFork().setChildPid(201);
  auto e = ev[4].initExec();
  e.setFilename("/bin/true");
  e.initArgv(1).set(0, "true");
  ev[5].initExit().setExitCode(15);
  ev[6].initOomVictim().setVictimPid(202);
  auto loss = batch.initLosses(1);
  loss[0].setCount(3);
  loss[0].setProbe(schema::Probe::SIGNAL_GENERATE);
  w.write(FrameType::kEvents, m);
}

void trailer(CaptureWriter& w) {
  capnp::MallocMessageBuilder m;
  auto t = m.initRoot<schema::Trailer>();
  t.setEvents(7);
  t.setBatches(1);
  t.initCounters(1)[0].setEmitted(7);
  t.setStopReason("command exited");
  w.write(FrameType::kTrailer, m);
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
    CaptureWriter w(dir / "complete.sigrec");
    info(w);
    snapshot(w);
    events(w);
    trailer(w);
  }
  {
    CaptureWriter w(dir / "no-trailer.sigrec");
    info(w);
    events(w);
    events(w);
  }
  { CaptureWriter w(dir / "header-only.sigrec"); }
  // The complete capture cut in the middle of its last frame.
  std::ifstream in(dir / "complete.sigrec", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir / "cut.sigrec", std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 10));
  return 0;
}
