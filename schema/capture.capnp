@0xb3c7bc05aa6dc480;
# The records of a sigrec capture file. The framing around them (file header,
# checksummed frames, compression) is described in docs/capture-format.md.
#
# Evolution rule: fields and enumerants are only ever appended, never renamed
# in meaning or removed, so every capture stays readable by newer sigan.
# Times are boot-clock nanoseconds (CLOCK_BOOTTIME, what the BPF side stamps);
# CaptureInfo.bootToWallNs converts them to wall-clock time.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("sigrec::schema");

struct CaptureInfo {
  # First frame of every file.
  hostname @0 :Text;
  kernelRelease @1 :Text;      # uname -r
  kernelVersion @2 :Text;      # uname -v
  machine @3 :Text;            # uname -m
  bootId @4 :Text;             # /proc/sys/kernel/random/boot_id
  bootToWallNs @5 :Int64;      # wall-clock ns since the epoch = boot-clock ns + this
  recorderVersion @6 :Text;
  recorderArgs @7 :List(Text); # sigrec's own command line, as given
  startBootNs @8 :UInt64;      # when probes were attached
  command @9 :List(Text);      # the command after `--`, empty if none
  clockTicksPerSecond @10 :UInt32; # USER_HZ, the unit of /proc start times
  signalMask @11 :UInt64;      # bit (n-1) set = signal n recorded; all ones = no filter
  filterPid @12 :UInt32;       # 0 = no pid filter
  filterCgroupId @13 :UInt64;  # 0 = no cgroup filter
  threads @14 :Bool;           # per-thread exits recorded too
  ringBufferBytes @15 :UInt32;
  fileSequence @16 :UInt32;    # 0 for the first file of a recording, then 1, 2, ... when rotated
  kernelFeatures @17 :List(KernelFeature);
  # What the kernel offered and which fallback each program used
  # (docs/kernels.md lists the names and values).
}

struct KernelFeature {
  name @0 :Text;               # e.g. inflight_state
  value @1 :Text;              # e.g. task_storage, or hash (the fallback)
}

struct Process {
  # One process found in /proc when the recording started.
  pid @0 :UInt32;
  ppid @1 :UInt32;
  startNs @2 :UInt64;
  # Boot-clock start time. /proc gives it in clock ticks, so it is the kernel's
  # start_boottime rounded down to a tick: match it against event start times
  # at that resolution (docs/capture-format.md, "Process identity").
  comm @3 :Text;
  exe @4 :Text;
  cmdline @5 :List(Text);
  uid @6 :UInt32;
  cgroup @7 :Text;             # cgroup v2 path, from /proc/PID/cgroup
  nsPid @8 :UInt32;            # pid inside its own pid namespace (innermost NSpid)
  pidNs @9 :UInt32;            # inode number of that namespace
  cmdlineTruncated @10 :Bool;
}

struct ProcessSnapshot {
  takenBootNs @0 :UInt64;
  processes @1 :List(Process);
  unreadable @2 :UInt32;       # processes that vanished or could not be read
}

enum Probe {
  signalGenerate @0;
  signalDeliver @1;
  killCall @2;
  fork @3;
  exec @4;
  exit @5;
  oom @6;
  inflightMap @7;  # no in-call slot for a kill-family call: its signals lost their syscall tag
}

enum Syscall {
  none @0;
  kill @1;
  tkill @2;
  tgkill @3;
  pidfdSendSignal @4;
  rtSigqueueinfo @5;
  rtTgsigqueueinfo @6;
}

enum InfoKind {
  # What the kernel passed as siginfo.
  noInfo @0;   # SEND_SIG_NOINFO: reported as SI_USER from the current task
  priv @1;     # SEND_SIG_PRIV: reported as SI_KERNEL
  siginfo @2;  # a real siginfo; the info* fields below come from it
}

enum Disposition {
  default @0;
  ignore @1;
  handler @2;
}

struct Event {
  timeNs @0 :UInt64;
  cpu @1 :UInt16;
  # The acting task (current): for signal generation it is the sender, or
  # only context when the origin is the kernel.
  pid @2 :UInt32;
  tid @3 :UInt32;
  startNs @4 :UInt64;          # start time of the acting process
  uid @5 :UInt32;
  comm @6 :Text;

  union {
    signalGenerate :group {
      signal @7 :Int32;
      code @8 :Int32;          # si_code
      group @9 :Bool;          # process-directed (vs thread-directed)
      result @10 :Int32;       # 0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 lose info
      targetPid @11 :UInt32;
      targetTid @12 :UInt32;
      targetStartNs @13 :UInt64;
      targetComm @14 :Text;
      targetCgroupId @15 :UInt64;
      syscall @16 :Syscall;    # the kill-family call of the acting thread, or none
      callEnterNs @17 :UInt64; # with tid, names the killCall event; 0 if none
      infoKind @18 :InfoKind;
      infoPid @19 :Int32;      # si_pid (SI_USER, SI_QUEUE, SI_TKILL, CLD_*), si_tid for SI_TIMER
      infoUid @20 :UInt32;     # si_uid, or si_overrun for SI_TIMER
      infoStatus @21 :Int32;   # si_status for SIGCHLD
      infoAddr @22 :UInt64;    # si_addr for fault signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP)
      # The facts, read at generation time, that decide the signal's cause
      # (docs/sigan.md, "Causes"):
      actorExiting @64 :Bool;  # the acting task was exiting (PF_EXITING: inside do_exit)
      actorNsInit @65 :Bool;   # the acting task is pid 1 of its pid namespace
      targetPdeath @66 :Bool;  # the signal is the target's PR_SET_PDEATHSIG signal
      actorSyscall @67 :Int32 = -2; # x86_64 number of the syscall the acting task was in; -1 none, -2 not known (kernel before 5.15)
      actorNsPid @68 :UInt32;  # the acting task's process id in its own pid namespace
      actorCgroupId @69 :UInt64;   # the acting task's cgroup v2 id
      actorCgroup @70 :Text;       # ... and its path, resolved by sigrec ("" if unknown)
      targetCgroup @71 :Text;      # path of targetCgroupId
      targetMemoryCgroup @72 :Text;
      # SIGKILL only: the target's memory cgroup path, in whichever hierarchy
      # holds the memory controller (v1 on hybrid machines)
      kernelStack @73 :List(Text);
      # Function names, innermost first, from the tracepoint down, for signals
      # sent with no siginfo outside a kill-family call; cut after the first
      # interrupt entry (asm_*): below it runs the interrupted task
      infoSyscall @74 :Int32;  # SIGSYS from seccomp: si_syscall
      infoArch @75 :UInt32;    # SIGSYS from seccomp: si_arch (AUDIT_ARCH_*)
      actorFactsSkipped @78 :Bool;
      # The facts above from actorExiting to actorNsPid, and targetMemoryCgroup,
      # were not read: a signal of a kill-family call that writes no siginfo
      # of its own (kill, tkill, tgkill), whose cause is that call; reading
      # them cost a third of the signal's record (docs/performance.md)
    }
    signalDeliver :group {
      signal @23 :Int32;
      code @24 :Int32;
      disposition @25 :Disposition;
      saFlags @26 :UInt64;
      infoKind @27 :InfoKind;
    }
    killCall :group {
      syscall @28 :Syscall;
      enterNs @29 :UInt64;
      ret @30 :Int64;          # 0 or -errno
      arg0 @31 :Int64;         # arguments as passed; meaning per syscall in docs
      arg1 @32 :Int64;
      arg2 @33 :Int64;
      arg3 @34 :Int64;
      signals @35 :UInt32;     # signalGenerate events seen inside the call
      noReturn @63 :Bool;      # the caller exited inside the call (kill of itself): ret is meaningless
    }
    fork :group {
      childPid @36 :UInt32;
      childTid @37 :UInt32;
      childStartNs @38 :UInt64;  # start of the child's process (its own, unless a thread)
      thread @39 :Bool;          # a new thread in the same process
      childNsPid @40 :UInt32;
      childNsTid @41 :UInt32;
      pidNs @42 :UInt32;
      childCgroupId @43 :UInt64;
      childCgroup @76 :Text;     # its path, resolved by sigrec ("" if unknown)
    }
    exec :group {
      filename @44 :Text;
      argv @45 :List(Text);
      oldTid @46 :UInt32;
      argsTruncated @47 :Bool;
      filenameTruncated @48 :Bool;
      argsUnreadable @49 :Bool;
      cgroupId @50 :UInt64;
      cgroup @77 :Text;          # its path, resolved by sigrec ("" if unknown)
    }
    exit :group {
      exitCode @51 :Int32;       # raw task->exit_code
      groupDead @52 :Bool;       # the process ended (last thread)
      parentPid @53 :UInt32;     # real_parent at exit
      parentStartNs @54 :UInt64;
    }
    oomVictim :group {
      victimPid @55 :UInt32;
      victimUid @56 :UInt32;
      totalVmKb @57 :UInt64;
      anonRssKb @58 :UInt64;
      fileRssKb @59 :UInt64;
      shmemRssKb @60 :UInt64;
      pgtablesKb @61 :UInt64;
      oomScoreAdj @62 :Int32;
    }
  }
}

struct LossWindow {
  # Events the kernel could not hand over (ring buffer full, map full),
  # counted in the kernel. They happened in (fromNs, toNs].
  cpu @0 :UInt16;
  probe @1 :Probe;
  count @2 :UInt64;
  fromNs @3 :UInt64;
  toNs @4 :UInt64;
}

struct EventBatch {
  events @0 :List(Event);
  losses @1 :List(LossWindow);  # windows observed since the previous batch
}

struct ProbeCounter {
  probe @0 :Probe;
  cpu @1 :UInt16;
  emitted @2 :UInt64;          # handed to the ring buffer
  lost @3 :UInt64;
}

struct Trailer {
  # Last frame of a file that was closed cleanly.
  stopBootNs @0 :UInt64;
  events @1 :UInt64;           # events written to this file
  batches @2 :UInt64;
  lost @3 :UInt64;             # total of counters[].lost
  counters @4 :List(ProbeCounter);
  stopReason @5 :Text;         # "command exited", "signal", "duration", "size limit", "error: ..."
  commandExitStatus @6 :Int32; # sigrec's exit status for the command (128+N for signal N), -1 if none
  userDropped @7 :UInt64;      # events received but not written (filter or decode failure)
  commandPid @8 :UInt32;       # the process sigrec forked for the command after `--`; 0 = none
  commandStartNs @9 :UInt64;
  # Its start, from /proc/PID/stat as the snapshot gives it (rounded down to a
  # tick): with commandPid, names the command's process instance, which sigan
  # scopes its answers to (docs/sigan.md, "Scope")
}
