#include "analyze/store/tables.h"

#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

namespace sigrec::analyze::store {

const std::vector<Table>& tables() {
  static const std::vector<Table> kTables = {
      {"captures",
       "One row per imported capture file.",
       {
           {"id", "INTEGER PRIMARY KEY", "capture id"},
           {"capture_key", "TEXT NOT NULL UNIQUE",
            "`hostname/boot_id/start_ns/file_sequence` (unique)"},
           {"path", "TEXT", "the file as given to import, its size in bytes"},
           {"file_size", "INTEGER", "the file as given to import, its size in bytes"},
           {"format_version", "TEXT", "capture format `major.minor`"},
           {"hostname", "TEXT", "from the recording machine"},
           {"kernel_release", "TEXT", "from the recording machine"},
           {"kernel_version", "TEXT", "from the recording machine"},
           {"machine", "TEXT", "from the recording machine"},
           {"boot_id", "TEXT", "from the recording machine"},
           {"boot_to_wall_ns", "INTEGER NOT NULL DEFAULT 0",
            "add to any `*_ns` for wall-clock ns since the epoch"},
           {"recorder_version", "TEXT", "sigrec's version"},
           {"recorder_args", "TEXT", "sigrec's own arguments (JSON array)"},
           {"command", "TEXT", "the command sigrec ran after `--` (space-joined)"},
           {"start_ns", "INTEGER", "when probes were attached"},
           {"end_ns", "INTEGER", "trailer stop time, else the last event seen"},
           {"clock_ticks_per_second", "INTEGER", "USER_HZ of the /proc start times"},
           {"signal_mask", "INTEGER", "recording options"},
           {"filter_pid", "INTEGER", "recording options"},
           {"filter_cgroup_id", "INTEGER", "recording options"},
           {"threads", "INTEGER", "recording options"},
           {"ring_buffer_bytes", "INTEGER", "recording options"},
           {"file_sequence", "INTEGER", "recording options"},
           {"snapshot_ns", "INTEGER", "the /proc snapshot at start"},
           {"snapshot_processes", "INTEGER", "the /proc snapshot at start"},
           {"snapshot_unreadable", "INTEGER", "the /proc snapshot at start"},
           {"trailer", "INTEGER NOT NULL DEFAULT 0",
            "1 if the file ended with a trailer (clean stop); 0 = recorder killed or crashed"},
           {"stop_reason", "TEXT", "from the trailer"},
           {"command_exit_status", "INTEGER", "from the trailer"},
           {"trailer_events", "INTEGER", "from the trailer"},
           {"trailer_lost", "INTEGER", "from the trailer"},
           {"user_dropped", "INTEGER", "from the trailer"},
           {"events", "INTEGER", "events imported"},
           {"lost", "INTEGER",
            "events the kernel lost (max of the loss windows' sum and the trailer's total)"},
           {"damaged_bytes", "INTEGER",
            "bytes of the file skipped as damaged or truncated (see `damage`)"},
           {"imported_at", "TEXT", "UTC time of the import"},
           {"trailer_batches", "INTEGER", "from the trailer: event batches written to the file", 2},
           {"kernel_features", "TEXT",
            "what the recording kernel offered and which fallback the programs used: a JSON "
            "object such as `{\"inflight_state\": \"task_storage\", \"exit_group_dead\": "
            "\"claim\"}` (docs/kernels.md)",
            2},
       }},
      {"processes",
       "One row per process instance (pid, start time) seen in the snapshot or any event.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"pid", "INTEGER NOT NULL", "host pid (tgid)"},
           {"start_ns", "INTEGER",
            "start time; exact when `start_exact` = 1, else /proc's tick-rounded value"},
           {"start_exact", "INTEGER",
            "1 when start_ns is exact (from an event), 0 when /proc's tick-rounded value"},
           {"ppid", "INTEGER",
            "parent at fork (or in the snapshot); falls back to the parent at exit"},
           {"parent_id", "INTEGER",
            "parent at fork (or in the snapshot); falls back to the parent at exit"},
           {"comm", "TEXT",
            "latest comm of the main thread (after the latest exec, or a later prctl)"},
           {"exe", "TEXT",
            "from the latest exec (argv joined with spaces), else the snapshot, else inherited "
            "from the parent at fork"},
           {"cmdline", "TEXT",
            "from the latest exec (argv joined with spaces), else the snapshot, else inherited "
            "from the parent at fork"},
           {"uid", "INTEGER", "uid of the process as first seen"},
           {"cgroup", "TEXT",
            "cgroup v2 path: the latest an event gave (fork, exec, a signal to it), else the "
            "snapshot's"},
           {"cgroup_id", "INTEGER", "cgroup id from events"},
           {"ns_pid", "INTEGER", "pid inside its own pid namespace and that namespace's inode"},
           {"pid_ns", "INTEGER", "pid inside its own pid namespace and that namespace's inode"},
           {"in_snapshot", "INTEGER", "1 if running when recording started"},
           {"fork_ns", "INTEGER",
            "when forked, how many execs, when it ended (null: still running at the end)"},
           {"exec_count", "INTEGER",
            "when forked, how many execs, when it ended (null: still running at the end)"},
           {"exit_ns", "INTEGER",
            "when forked, how many execs, when it ended (null: still running at the end)"},
           {"first_seen_ns", "INTEGER", "first and last event mentioning it"},
           {"last_seen_ns", "INTEGER", "first and last event mentioning it"},
           {"cmdline_truncated", "INTEGER",
            "1 if that command line was cut by the recorder (exec's args_truncated, or the "
            "snapshot's limit)",
            2},
           {"unit", "TEXT",
            "from `cgroup`: the innermost systemd `*.service` or `*.scope` (null where none)", 3},
           {"slice", "TEXT", "from `cgroup`: the innermost `*.slice`", 3},
           {"container_id", "TEXT",
            "from `cgroup`: the 64-hex id of a `docker-`, `cri-containerd-`, `crio-` or "
            "`libpod-` scope, or of a `/docker/<id>` or pod-level directory",
            3},
           {"pod_uid", "TEXT", "from `cgroup`: the Kubernetes pod's uid (`kubepods` paths)", 3},
       }},
      {"signals",
       "One row per generated signal (signal_generate), whatever its source.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"signo", "INTEGER",
            "signal and si_code (`SI_USER`, `SI_TKILL`, `SEGV_MAPERR`, `CLD_EXITED`, ...)"},
           {"signal_name", "TEXT",
            "signal and si_code (`SI_USER`, `SI_TKILL`, `SEGV_MAPERR`, `CLD_EXITED`, ...)"},
           {"code", "INTEGER",
            "signal and si_code (`SI_USER`, `SI_TKILL`, `SEGV_MAPERR`, `CLD_EXITED`, ...)"},
           {"code_name", "TEXT",
            "signal and si_code (`SI_USER`, `SI_TKILL`, `SEGV_MAPERR`, `CLD_EXITED`, ...)"},
           {"origin", "TEXT",
            "the kill-family syscall that sent it (`kill`, `tkill`, `tgkill`, `pidfd_send_signal`, "
            "`rt_sigqueueinfo`, `rt_tgsigqueueinfo`) — tagged in the kernel — or `kernel`"},
           {"sender_id", "INTEGER",
            "the acting task. It is the **sender** when origin is a syscall; for `kernel` it is "
            "only context (the faulting task, the allocating task for OOM, any task for a timer)"},
           {"sender_pid", "INTEGER",
            "the acting task. It is the **sender** when origin is a syscall; for `kernel` it is "
            "only context (the faulting task, the allocating task for OOM, any task for a timer)"},
           {"sender_tid", "INTEGER",
            "the acting task. It is the **sender** when origin is a syscall; for `kernel` it is "
            "only context (the faulting task, the allocating task for OOM, any task for a timer)"},
           {"sender_comm", "TEXT",
            "the acting task. It is the **sender** when origin is a syscall; for `kernel` it is "
            "only context (the faulting task, the allocating task for OOM, any task for a timer)"},
           {"sender_uid", "INTEGER",
            "the acting task. It is the **sender** when origin is a syscall; for `kernel` it is "
            "only context (the faulting task, the allocating task for OOM, any task for a timer)"},
           {"target_id", "INTEGER", "the target as the kernel saw it at that moment"},
           {"target_pid", "INTEGER", "the target as the kernel saw it at that moment"},
           {"target_tid", "INTEGER", "the target as the kernel saw it at that moment"},
           {"target_comm", "TEXT", "the target as the kernel saw it at that moment"},
           {"target_cgroup_id", "INTEGER", "the target as the kernel saw it at that moment"},
           {"group_directed", "INTEGER", "1 process-directed, 0 thread-directed"},
           {"result", "INTEGER",
            "0 `delivered`, 1 `ignored`, 2 `already_pending`, 3 `overflow`, 4 `lose_info`"},
           {"result_name", "TEXT",
            "0 `delivered`, 1 `ignored`, 2 `already_pending`, 3 `overflow`, 4 `lose_info`"},
           {"call_enter_ns", "INTEGER",
            "the `kill_calls` row of the syscall (same thread, same entry time)"},
           {"kill_call_id", "INTEGER",
            "the `kill_calls` row of the syscall (same thread, same entry time)"},
           {"info_kind", "TEXT", "`noinfo`, `priv`, `siginfo`"},
           {"info_pid", "INTEGER",
            "si_pid, si_uid, si_status (SIGCHLD), si_addr (faults) when info_kind = siginfo"},
           {"info_uid", "INTEGER",
            "si_pid, si_uid, si_status (SIGCHLD), si_addr (faults) when info_kind = siginfo"},
           {"info_status", "INTEGER",
            "si_pid, si_uid, si_status (SIGCHLD), si_addr (faults) when info_kind = siginfo"},
           {"info_addr", "INTEGER",
            "si_pid, si_uid, si_status (SIGCHLD), si_addr (faults) when info_kind = siginfo"},
           {"delivery_id", "INTEGER",
            "the matching `deliveries` row: `default`, `ignore` or `handler`"},
           {"delivered_ns", "INTEGER",
            "the matching `deliveries` row: `default`, `ignore` or `handler`"},
           {"disposition", "TEXT",
            "the matching `deliveries` row: `default`, `ignore` or `handler`"},
           {"cause", "TEXT",
            "why it was sent, decided from what the kernel gave at generation time: `syscall`, "
            "`fault`, `pipe`, `timer`, `rlimit`, `tty`, `child`, `parent_death`, "
            "`pidns_teardown`, `cgroup_kill`, `oom`, `seccomp`, `io` or `kernel` (the rules: "
            "docs/sigan.md, \"Causes\")",
            3},
           {"cause_pid", "INTEGER",
            "the process responsible: the sender, the writer of a pipe or of `cgroup.kill`, the "
            "dying parent or namespace init, the allocating task of an OOM kill, a timer's "
            "owner (null when none is known)",
            3},
           {"cause_tid", "INTEGER",
            "the thread responsible, where it matters (`parent_death`: the thread whose exit "
            "fired it)",
            3},
           {"cause_detail", "TEXT",
            "what else the cause says: the refused syscall (`getppid (110)`), the cgroup path, "
            "the limit (`RLIMIT_FSIZE`), the fault code and address, the kernel function",
            3},
           {"forged_siginfo", "INTEGER",
            "1 if the caller wrote a siginfo whose si_pid/si_uid are not its own "
            "(rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal); `info_pid`, `info_uid` "
            "hold the claim",
            3},
           {"actor_exiting", "INTEGER", "1 if the acting task was inside do_exit (PF_EXITING)", 3},
           {"actor_ns_init", "INTEGER", "1 if the acting task is pid 1 of its pid namespace", 3},
           {"target_pdeath", "INTEGER", "1 if the signal is the target's PR_SET_PDEATHSIG signal",
            3},
           {"actor_syscall", "INTEGER",
            "x86_64 number of the syscall the acting task was in; -1 none, null unknown (kernel "
            "before 5.15)",
            3},
           {"actor_ns_pid", "INTEGER", "the acting task's pid in its own pid namespace", 3},
           {"actor_cgroup_id", "INTEGER", "the acting task's cgroup v2 id and path", 3},
           {"actor_cgroup", "TEXT", "the acting task's cgroup v2 id and path", 3},
           {"target_cgroup", "TEXT", "the target's cgroup v2 path at that moment", 3},
           {"target_memory_cgroup", "TEXT",
            "SIGKILL only: the target's memory cgroup path, in whichever hierarchy holds the "
            "memory controller",
            3},
           {"kernel_stack", "TEXT",
            "for signals sent with no siginfo outside a kill-family call: the kernel functions "
            "from the tracepoint down, innermost first (JSON array)",
            3},
           {"info_syscall", "INTEGER", "SIGSYS from seccomp: si_syscall and si_arch", 3},
           {"info_arch", "INTEGER", "SIGSYS from seccomp: si_syscall and si_arch", 3},
       }},
      {"deliveries",
       "signal_deliver: a thread takes a signal.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"process_id", "INTEGER", "the receiving instance"},
           {"pid", "INTEGER", "receiving process (host pid)"},
           {"tid", "INTEGER", "receiving thread (host tid)"},
           {"comm", "TEXT", "comm of the receiving thread"},
           {"signo", "INTEGER", "signal number"},
           {"signal_name", "TEXT", "SIGTERM, ..."},
           {"code", "INTEGER", "si_code"},
           {"code_name", "TEXT", "si_code name"},
           {"disposition", "TEXT", "default, ignore or handler"},
           {"sa_flags", "INTEGER", "sigaction flags of the handler"},
           {"info_kind", "TEXT", "noinfo, priv, siginfo"},
           {"signal_id", "INTEGER", "the generation it matched (signals.id)"},
       }},
      {"kill_calls",
       "Every kill-family syscall, failed ones included.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"enter_ns", "INTEGER", "syscall entry time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"syscall", "TEXT",
            "kill, tkill, tgkill, pidfd_send_signal, rt_sigqueueinfo, rt_tgsigqueueinfo"},
           {"caller_id", "INTEGER", "calling instance"},
           {"caller_pid", "INTEGER", "calling process (host pid)"},
           {"caller_tid", "INTEGER", "calling thread (host tid)"},
           {"caller_comm", "TEXT", "comm of the calling thread"},
           {"caller_uid", "INTEGER", "uid of the caller"},
           {"arg0", "INTEGER", "first argument as passed (signed)"},
           {"arg1", "INTEGER", "second argument as passed"},
           {"arg2", "INTEGER", "third argument as passed"},
           {"arg3", "INTEGER", "fourth argument as passed"},
           {"signo", "INTEGER", "the signal argument (0 for a probe)"},
           {"signal_name", "TEXT", "its name"},
           {"target_pid", "INTEGER",
            "target pid from the arguments, in the caller's pid namespace"},
           {"target_tid", "INTEGER",
            "target tid from the arguments, in the caller's pid namespace"},
           {"target_id", "INTEGER",
            "the instance holding that pid at entry (null when none, ESRCH, or unknown)"},
           {"ret", "INTEGER", "0 or -errno"},
           {"errno_name", "TEXT", "EPERM, ESRCH, ..."},
           {"signals", "INTEGER", "signals the call generated"},
           {"target_host_pid", "INTEGER", "target_pid as a host pid", 2},
           {"target_host_tid", "INTEGER", "target_tid as a host tid", 2},
           {"returned", "INTEGER", "0 when the caller died inside the call (ret is then no answer)",
            2},
       }},
      {"forks",
       "sched_process_fork: new processes and threads.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"parent_id", "INTEGER", "forking instance"},
           {"parent_pid", "INTEGER", "forking process (host pid)"},
           {"parent_tid", "INTEGER", "forking thread (host tid)"},
           {"parent_comm", "TEXT", "comm of the forking thread"},
           {"child_id", "INTEGER", "the child instance (the parent itself for a thread)"},
           {"child_pid", "INTEGER", "child process (host pid)"},
           {"child_tid", "INTEGER", "child thread (host tid)"},
           {"child_start_ns", "INTEGER", "start of the child's process"},
           {"thread", "INTEGER", "1 = a new thread of the parent's process"},
           {"child_ns_pid", "INTEGER", "child pid in its own pid namespace"},
           {"child_ns_tid", "INTEGER", "child tid in its own pid namespace"},
           {"pid_ns", "INTEGER", "inode of that namespace"},
           {"child_cgroup_id", "INTEGER", "cgroup id of the child"},
           {"child_cgroup", "TEXT", "cgroup v2 path of the child", 3},
       }},
      {"execs",
       "Every exec of every process.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"process_id", "INTEGER", "the instance that exec'd"},
           {"pid", "INTEGER", "host pid"},
           {"tid", "INTEGER", "host tid after exec"},
           {"old_tid", "INTEGER", "tid before exec (a non-leader thread exec'd)"},
           {"uid", "INTEGER", "uid at exec"},
           {"comm", "TEXT", "comm after exec"},
           {"filename", "TEXT", "path passed to exec"},
           {"cmdline", "TEXT", "argv joined with spaces"},
           {"argv", "TEXT", "argv (JSON array)"},
           {"args_truncated", "INTEGER", "1 if argv was cut by the recorder"},
           {"filename_truncated", "INTEGER", "1 if filename was cut"},
           {"args_unreadable", "INTEGER", "1 if argv could not be read"},
           {"cgroup_id", "INTEGER", "cgroup id at exec"},
           {"cgroup", "TEXT", "cgroup v2 path at exec", 3},
       }},
      {"exits",
       "One row per process that ended (last thread).",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "tid = the last thread"},
           {"cpu", "INTEGER", "tid = the last thread"},
           {"process_id", "INTEGER", "tid = the last thread"},
           {"pid", "INTEGER", "tid = the last thread"},
           {"tid", "INTEGER", "tid = the last thread"},
           {"comm", "TEXT", "tid = the last thread"},
           {"exit_code", "INTEGER", "raw kernel `exit_code`"},
           {"reason", "TEXT",
            "`exit`, `signal` or `oom` (killed by SIGKILL after the OOM killer chose it)"},
           {"exit_status", "INTEGER", "status when reason = exit"},
           {"signo", "INTEGER", "fatal signal"},
           {"signal_name", "TEXT", "fatal signal"},
           {"core_dumped", "INTEGER", "fatal signal"},
           {"signal_id", "INTEGER",
            "the signal that caused the death: the latest generation of that signal for this "
            "process before the exit (a delivered one preferred)"},
           {"oom_id", "INTEGER", "the `oom_kills` row"},
           {"parent_pid", "INTEGER",
            "real parent at exit (shows reparenting to init or a subreaper)"},
           {"parent_id", "INTEGER",
            "real parent at exit (shows reparenting to init or a subreaper)"},
       }},
      {"thread_exits",
       "Exits of single threads (recorded with --threads).",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"process_id", "INTEGER", "the instance of the thread"},
           {"pid", "INTEGER", "host pid"},
           {"tid", "INTEGER", "the thread (host tid)"},
           {"comm", "TEXT", "comm of the thread"},
           {"exit_code", "INTEGER", "raw kernel exit_code"},
       }},
      {"oom_kills",
       "oom:mark_victim: processes the OOM killer chose.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"time_ns", "INTEGER NOT NULL", "event time"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"victim_pid", "INTEGER", "the process the OOM killer chose (host pid)"},
           {"victim_id", "INTEGER", "its instance"},
           {"victim_uid", "INTEGER", "its uid"},
           {"trigger_id", "INTEGER", "instance of the allocating task"},
           {"trigger_pid", "INTEGER", "allocating process"},
           {"trigger_tid", "INTEGER", "allocating thread"},
           {"trigger_comm", "TEXT", "its comm"},
           {"total_vm_kb", "INTEGER", "victim total VM"},
           {"anon_rss_kb", "INTEGER", "victim anonymous RSS"},
           {"file_rss_kb", "INTEGER", "victim file RSS"},
           {"shmem_rss_kb", "INTEGER", "victim shmem RSS"},
           {"pgtables_kb", "INTEGER", "victim page tables"},
           {"oom_score_adj", "INTEGER", "victim oom_score_adj"},
       }},
      {"losses",
       "Events the kernel could not hand over, per window.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"probe", "TEXT", "probe that lost events"},
           {"count", "INTEGER", "events lost"},
           {"from_ns", "INTEGER", "window start (exclusive)"},
           {"to_ns", "INTEGER", "window end (inclusive)"},
       }},
      {"probe_counters",
       "From the trailer: events emitted and lost per probe and CPU.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"probe", "TEXT", "probe"},
           {"cpu", "INTEGER", "CPU the event was recorded on"},
           {"emitted", "INTEGER", "events handed to the ring buffer"},
           {"lost", "INTEGER", "events lost"},
       }},
      {"damage",
       "Parts of the file that could not be read.",
       {
           {"id", "INTEGER PRIMARY KEY", "row id"},
           {"capture_id", "INTEGER NOT NULL", "captures.id"},
           {"offset", "INTEGER", "file offset of the damaged part"},
           {"bytes", "INTEGER", "bytes skipped"},
           {"what", "TEXT", "what was wrong"},
           {"truncation", "INTEGER", "1 = the file ends inside a frame"},
       }},
      {"sigan_meta",
       "Database facts: schema_version.",
       {
           {"key", "TEXT PRIMARY KEY", "schema_version, ..."},
           {"value", "TEXT", "its value"},
       }},
  };
  return kTables;
}

const Table& table(const std::string& name) {
  for (const Table& t : tables())
    if (name == t.name) return t;
  throw std::logic_error("no table " + name);
}

std::string createSql(const Table& t) {
  std::string sql = std::string("CREATE TABLE IF NOT EXISTS ") + t.name + " (";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += std::string(t.columns[i].name) + " " + t.columns[i].type;
  }
  return sql + ");";
}

std::string insertSql(const std::string& table, const std::string& columns) {
  const Table& t = store::table(table);
  std::string names, values;
  std::istringstream words(columns);
  for (std::string name; words >> name;) {
    bool known = false;
    for (const Column& c : t.columns) known = known || name == c.name;
    if (!known) throw std::logic_error(fmt::format("no column {}.{}", table, name));
    names += (names.empty() ? "" : ", ") + name;
    values += values.empty() ? "?" : ", ?";
  }
  return "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")";
}

bool perCapture(const Table& t) {
  for (const Column& c : t.columns)
    if (std::string(c.name) == "capture_id") return true;
  return false;
}

}  // namespace sigrec::analyze::store
