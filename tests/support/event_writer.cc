#include "tests/support/event_writer.h"

#include "tests/support/capture_builder.h"
#include "tests/support/capture_stream.h"

namespace sigrec::testing {

template <typename Self>
schema::Event::Builder EventWriter<Self>::event(uint64_t t, const Task& task) {
  last_ = self().newEvent(t);
  last_.setTimeNs(t);
  last_.setCpu(static_cast<uint16_t>(task.pid % 2));
  last_.setPid(task.pid);
  last_.setTid(task.tid ? task.tid : task.pid);
  last_.setStartNs(task.startNs);
  last_.setUid(task.uid);
  last_.setComm(task.comm);
  return last_;
}

template <typename Self>
Self& EventWriter<Self>::fork(uint64_t t, const Task& parent, uint32_t childPid,
                              uint64_t childStartNs, bool thread, ChildNs ns) {
  auto f = event(t, parent).initFork();
  f.setChildPid(thread ? parent.pid : childPid);
  f.setChildTid(childPid);
  f.setChildStartNs(thread ? parent.startNs : childStartNs);
  f.setThread(thread);
  f.setPidNs(ns.pidNs);
  f.setChildNsPid(ns.nsPid);
  f.setChildNsTid(ns.nsTid ? ns.nsTid : ns.nsPid);
  return self();
}

template <typename Self>
Self& EventWriter<Self>::exec(uint64_t t, const Task& task, const std::string& filename,
                              const std::vector<std::string>& argv, bool argsTruncated) {
  auto x = event(t, task).initExec();
  x.setFilename(filename);
  auto list = x.initArgv(static_cast<unsigned>(argv.size()));
  for (unsigned i = 0; i < argv.size(); ++i) list.set(i, argv[i]);
  x.setOldTid(task.pid);
  x.setArgsTruncated(argsTruncated);
  return self();
}

template <typename Self>
Self& EventWriter<Self>::exit(uint64_t t, const Task& task, int32_t exitCode, bool groupDead,
                              uint32_t parentPid, uint64_t parentStartNs) {
  auto x = event(t, task).initExit();
  x.setExitCode(exitCode);
  x.setGroupDead(groupDead);
  x.setParentPid(parentPid);
  x.setParentStartNs(parentStartNs);
  return self();
}

template <typename Self>
Self& EventWriter<Self>::generate(uint64_t t, const Task& actor, int sig, int code,
                                  const Task& target, schema::Syscall syscall, uint64_t callEnterNs,
                                  int result, bool group, uint64_t infoAddr) {
  auto g = event(t, actor).initSignalGenerate();
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
  return self();
}

template <typename Self>
Self& EventWriter<Self>::killCall(uint64_t t, const Task& actor, schema::Syscall syscall,
                                  uint64_t enterNs, int64_t ret, std::vector<int64_t> args,
                                  uint32_t signals, bool noReturn) {
  args.resize(4, 0);
  auto k = event(t, actor).initKillCall();
  k.setSyscall(syscall);
  k.setEnterNs(enterNs);
  k.setRet(ret);
  k.setArg0(args[0]);
  k.setArg1(args[1]);
  k.setArg2(args[2]);
  k.setArg3(args[3]);
  k.setSignals(signals);
  k.setNoReturn(noReturn);
  return self();
}

template <typename Self>
Self& EventWriter<Self>::deliver(uint64_t t, const Task& receiver, int sig,
                                 schema::Disposition disposition) {
  auto d = event(t, receiver).initSignalDeliver();
  d.setSignal(sig);
  d.setDisposition(disposition);
  return self();
}

template <typename Self>
Self& EventWriter<Self>::oom(uint64_t t, const Task& actor, uint32_t victimPid) {
  auto o = event(t, actor).initOomVictim();
  o.setVictimPid(victimPid);
  o.setAnonRssKb(1 << 20);
  o.setTotalVmKb(2 << 20);
  return self();
}

template class EventWriter<CaptureBuilder>;
template class EventWriter<CaptureStream>;

}  // namespace sigrec::testing
