#include "tests/analyze/capture_builder.h"

#include <capnp/message.h>
#include <stdlib.h>

#include <ctime>

#include "schema/capture_writer.h"

namespace sigrec::testing {

int64_t defaultBootToWallNs() {
  struct tm tm {};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 23;
  tm.tm_hour = 14;
  return static_cast<int64_t>(timegm(&tm)) * static_cast<int64_t>(kSec) -
         static_cast<int64_t>(1000 * kSec);
}

CaptureBuilder::CaptureBuilder() : bootToWallNs(defaultBootToWallNs()) {}

CaptureBuilder& CaptureBuilder::process(SnapshotProcess p) {
  snapshot_.push_back(std::move(p));
  return *this;
}

CaptureBuilder& CaptureBuilder::add(uint64_t t, const Task& task, const Fill& fill) {
  Task copy = task;
  events_.emplace_back(t, [copy, t, fill](schema::Event::Builder ev) {
    ev.setTimeNs(t);
    ev.setCpu(static_cast<uint16_t>(copy.pid % 2));
    ev.setPid(copy.pid);
    ev.setTid(copy.tid ? copy.tid : copy.pid);
    ev.setStartNs(copy.startNs);
    ev.setUid(copy.uid);
    ev.setComm(copy.comm);
    fill(ev);
  });
  return *this;
}

CaptureBuilder& CaptureBuilder::fork(uint64_t t, const Task& parent, uint32_t childPid,
                                     uint64_t childStartNs, bool thread, ChildNs ns) {
  return add(t, parent, [=](schema::Event::Builder ev) {
    auto f = ev.initFork();
    f.setChildPid(thread ? parent.pid : childPid);
    f.setChildTid(childPid);
    f.setChildStartNs(thread ? parent.startNs : childStartNs);
    f.setThread(thread);
    f.setPidNs(ns.pidNs);
    f.setChildNsPid(ns.nsPid);
    f.setChildNsTid(ns.nsTid ? ns.nsTid : ns.nsPid);
  });
}

CaptureBuilder& CaptureBuilder::exec(uint64_t t, const Task& task, const std::string& filename,
                                     const std::vector<std::string>& argv, bool argsTruncated) {
  return add(t, task, [=](schema::Event::Builder ev) {
    auto x = ev.initExec();
    x.setFilename(filename);
    auto list = x.initArgv(static_cast<unsigned>(argv.size()));
    for (unsigned i = 0; i < argv.size(); ++i) list.set(i, argv[i]);
    x.setOldTid(task.pid);
    x.setArgsTruncated(argsTruncated);
  });
}

CaptureBuilder& CaptureBuilder::exit(uint64_t t, const Task& task, int32_t exitCode, bool groupDead,
                                     uint32_t parentPid, uint64_t parentStartNs) {
  return add(t, task, [=](schema::Event::Builder ev) {
    auto x = ev.initExit();
    x.setExitCode(exitCode);
    x.setGroupDead(groupDead);
    x.setParentPid(parentPid);
    x.setParentStartNs(parentStartNs);
  });
}

CaptureBuilder& CaptureBuilder::generate(uint64_t t, const Task& actor, int sig, int code,
                                         const Task& target, schema::Syscall syscall,
                                         uint64_t callEnterNs, int result, bool group,
                                         uint64_t infoAddr) {
  return add(t, actor, [=](schema::Event::Builder ev) {
    auto g = ev.initSignalGenerate();
    g.setSignal(sig);
    g.setCode(code);
    g.setGroup(group);
    g.setResult(result);
    g.setTargetPid(target.pid);
    g.setTargetTid(target.tid ? target.tid : target.pid);
    g.setTargetStartNs(target.startNs);
    g.setTargetComm(target.comm);
    g.setSyscall(syscall);
    g.setCallEnterNs(callEnterNs);
    g.setInfoKind(schema::InfoKind::SIGINFO);
    g.setInfoPid(static_cast<int32_t>(actor.pid));
    g.setInfoAddr(infoAddr);
  });
}

CaptureBuilder& CaptureBuilder::killCall(uint64_t t, const Task& actor, schema::Syscall syscall,
                                         uint64_t enterNs, int64_t ret, std::vector<int64_t> args,
                                         uint32_t signals, bool noReturn) {
  args.resize(4, 0);
  return add(t, actor, [=](schema::Event::Builder ev) {
    auto k = ev.initKillCall();
    k.setSyscall(syscall);
    k.setEnterNs(enterNs);
    k.setRet(ret);
    k.setArg0(args[0]);
    k.setArg1(args[1]);
    k.setArg2(args[2]);
    k.setArg3(args[3]);
    k.setSignals(signals);
    k.setNoReturn(noReturn);
  });
}

CaptureBuilder& CaptureBuilder::deliver(uint64_t t, const Task& receiver, int sig,
                                        schema::Disposition disposition) {
  return add(t, receiver, [=](schema::Event::Builder ev) {
    auto d = ev.initSignalDeliver();
    d.setSignal(sig);
    d.setDisposition(disposition);
  });
}

CaptureBuilder& CaptureBuilder::oom(uint64_t t, const Task& actor, uint32_t victimPid) {
  return add(t, actor, [=](schema::Event::Builder ev) {
    auto o = ev.initOomVictim();
    o.setVictimPid(victimPid);
    o.setAnonRssKb(1 << 20);
    o.setTotalVmKb(2 << 20);
  });
}

CaptureBuilder& CaptureBuilder::loss(uint16_t cpu, schema::Probe probe, uint64_t count,
                                     uint64_t fromNs, uint64_t toNs) {
  losses_.push_back({cpu, probe, count, fromNs, toNs});
  return *this;
}

void CaptureBuilder::write(const std::filesystem::path& path) const {
  capture::CaptureWriter writer(path);
  {
    capnp::MallocMessageBuilder message;
    auto info = message.initRoot<schema::CaptureInfo>();
    info.setHostname(hostname);
    info.setKernelRelease("6.1.0-test");
    info.setMachine("x86_64");
    info.setBootId(bootId);
    info.setBootToWallNs(bootToWallNs);
    info.setRecorderVersion("test");
    info.setStartBootNs(startBootNs);
    info.setClockTicksPerSecond(100);
    info.setSignalMask(~uint64_t{0});
    info.setFileSequence(fileSequence);
    auto words = info.initCommand(static_cast<unsigned>(command.size()));
    for (unsigned i = 0; i < command.size(); ++i) words.set(i, command[i]);
    writer.write(capture::FrameType::kInfo, message);
  }
  {
    capnp::MallocMessageBuilder message;
    auto snap = message.initRoot<schema::ProcessSnapshot>();
    snap.setTakenBootNs(startBootNs);
    auto list = snap.initProcesses(static_cast<unsigned>(snapshot_.size()));
    for (unsigned i = 0; i < snapshot_.size(); ++i) {
      const auto& p = snapshot_[i];
      auto out = list[i];
      out.setPid(p.pid);
      out.setPpid(p.ppid);
      out.setStartNs(p.startNs);
      out.setComm(p.comm);
      out.setExe(p.exe);
      auto args = out.initCmdline(static_cast<unsigned>(p.cmdline.size()));
      for (unsigned j = 0; j < p.cmdline.size(); ++j) args.set(j, p.cmdline[j]);
      out.setNsPid(p.nsPid);
      out.setPidNs(p.pidNs);
      out.setCmdlineTruncated(p.cmdlineTruncated);
    }
    writer.write(capture::FrameType::kSnapshot, message);
  }
  uint64_t lastNs = startBootNs;
  for (size_t begin = 0; begin < events_.size() || (begin == 0 && !losses_.empty());
       begin += eventsPerBatch) {
    size_t end = std::min(events_.size(), begin + eventsPerBatch);
    capnp::MallocMessageBuilder message;
    auto batch = message.initRoot<schema::EventBatch>();
    auto list = batch.initEvents(static_cast<unsigned>(end - begin));
    for (size_t i = begin; i < end; ++i) {
      events_[i].second(list[static_cast<unsigned>(i - begin)]);
      lastNs = std::max(lastNs, events_[i].first);
    }
    if (begin == 0) {
      auto losses = batch.initLosses(static_cast<unsigned>(losses_.size()));
      for (unsigned i = 0; i < losses_.size(); ++i) {
        losses[i].setCpu(losses_[i].cpu);
        losses[i].setProbe(losses_[i].probe);
        losses[i].setCount(losses_[i].count);
        losses[i].setFromNs(losses_[i].fromNs);
        losses[i].setToNs(losses_[i].toNs);
      }
    }
    writer.write(capture::FrameType::kEvents, message);
    if (events_.empty()) break;
  }
  if (trailer) {
    capnp::MallocMessageBuilder message;
    auto t = message.initRoot<schema::Trailer>();
    t.setStopBootNs(lastNs + kSec);
    t.setEvents(events_.size());
    t.setBatches(std::max<size_t>(1, (events_.size() + eventsPerBatch - 1) / eventsPerBatch));
    t.setStopReason("command exited");
    t.setCommandExitStatus(-1);
    t.setCommandPid(commandPid);
    t.setCommandStartNs(commandStartNs);
    uint64_t lost = 0;
    for (const auto& l : losses_) lost += l.count;
    t.setLost(lost);
    writer.write(capture::FrameType::kTrailer, message);
  }
}

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sigan-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sigrec::testing
