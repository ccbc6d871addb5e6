/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one header shared by the BPF programs (bpf/sigrec.bpf.c) and user space
 * (record/). It includes nothing: plain C types with an explicit, padded
 * layout, so both compilers agree on every offset.
 *
 * Identity rule (docs/capture-format.md, "Process identity"): a process is (pid, start_ns), never
 * pid alone. Every pid the kernel side reports travels with the start time of its thread group
 * leader (task->group_leader->start_boottime, boot clock, ns).
 */
#ifndef SIGREC_BPF_EVENTS_H
#define SIGREC_BPF_EVENTS_H

#define SR_COMM_LEN 16
#define SR_FILENAME_MAX 256
/* Power of two: the BPF side bounds variable-length reads with a mask. */
#define SR_ARGS_MAX 4096
#define SR_SIFIELDS_LEN 16
/* Kernel frames kept of a signal sent without a siginfo: enough to reach
 * the function that decided to send it (it_real_fn, oom_kill_process, ...)
 * from the tracepoint, about ten frames down. */
#define SR_STACK_MAX 16

enum sr_event_kind {
	SR_EV_SIGNAL_GENERATE = 1,
	SR_EV_SIGNAL_DELIVER = 2,
	SR_EV_KILL_CALL = 3,
	SR_EV_FORK = 4,
	SR_EV_EXEC = 5,
	SR_EV_EXIT = 6,
	SR_EV_OOM_VICTIM = 7,
};

/* Loss and total accounting, one slot per probe (and per CPU in the map). */
enum sr_probe {
	SR_PROBE_SIGNAL_GENERATE = 0,
	SR_PROBE_SIGNAL_DELIVER = 1,
	SR_PROBE_KILL_CALL = 2,
	SR_PROBE_FORK = 3,
	SR_PROBE_EXEC = 4,
	SR_PROBE_EXIT = 5,
	SR_PROBE_OOM = 6,
	/* The per-thread "inside a kill-family call" map was full: that call
	 * and the syscall tag of its signals were lost. */
	SR_PROBE_INFLIGHT_MAP = 7,
	SR_PROBE_COUNT = 8,
};

/* Kill-family syscalls, numbered independently of the architecture. */
enum sr_syscall {
	SR_SYS_NONE = 0,
	SR_SYS_KILL = 1,
	SR_SYS_TKILL = 2,
	SR_SYS_TGKILL = 3,
	SR_SYS_PIDFD_SEND_SIGNAL = 4,
	SR_SYS_RT_SIGQUEUEINFO = 5,
	SR_SYS_RT_TGSIGQUEUEINFO = 6,
};

/* How kill-family calls are hooked (bpf/kill_calls.h): chosen by the
 * loader, a load-time constant of the programs. */
enum sr_calls_mechanism {
	SR_CALLS_TRACEPOINTS = 0,
	SR_CALLS_FEXIT = 1,
	SR_CALLS_NONE = 2,
};

/* How signal_generate/deliver received its siginfo: the kernel passes the
 * constants SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) instead of a pointer. */
enum sr_info_kind {
	SR_INFO_NOINFO = 0,
	SR_INFO_PRIV = 1,
	SR_INFO_STRUCT = 2,
};

enum sr_disposition {
	SR_DISP_DEFAULT = 0,
	SR_DISP_IGNORE = 1,
	SR_DISP_HANDLER = 2,
};

/* The acting task (current) of every event. */
struct sr_header {
	unsigned long long ts_ns;    /* bpf_ktime_get_boot_ns() */
	unsigned long long start_ns; /* acting process start (leader start_boottime) */
	unsigned int pid;	     /* tgid, init pid namespace */
	unsigned int tid;
	unsigned int uid;
	unsigned short cpu;
	unsigned short kind; /* enum sr_event_kind */
	char comm[SR_COMM_LEN];
};

/* A task other than current, read from its task_struct at event time. */
struct sr_task_ref {
	unsigned long long start_ns; /* process (leader) start_boottime */
	unsigned int pid;	     /* tgid */
	unsigned int tid;
};

/* What current was doing when it generated a signal: the facts that decide
 * a kernel-origin signal's cause (docs/sigan.md, "Causes"). */
enum sr_cause_flags {
	SR_CUR_EXITING = 1,	  /* current has PF_EXITING: do_exit runs */
	SR_CUR_NS_INIT = 2,	  /* current is pid 1 of its pid namespace */
	SR_TARGET_PDEATH = 4,	  /* the target's pdeath_signal is this signal */
	SR_CUR_SYSCALL_KNOWN = 8, /* cur_syscall was read (bpf_task_pt_regs, v5.15+) */
	/* The facts were read: a signal no kill-family call sent, or one of a
	 * call that passes its own siginfo (whose si_pid is checked against
	 * the caller's pids). Without it only cur_cgroup was. */
	SR_CUR_FACTS_READ = 16,
};

struct sr_signal_generate {
	struct sr_header h;
	struct sr_task_ref target;
	unsigned long long target_cgroup;
	/* Enter time of the kill-family call the acting thread is inside, 0 if
	 * none: with h.tid it names the kill_call record that sent the signal. */
	unsigned long long call_enter_ns;
	unsigned char sifields[SR_SIFIELDS_LEN]; /* raw union __sifields */
	char target_comm[SR_COMM_LEN];
	int sig;
	int code;
	int group;
	int result;		       /* TRACE_SIGNAL_DELIVERED, _IGNORED, _ALREADY_PENDING, ... */
	unsigned int call_nr;	       /* enum sr_syscall, SR_SYS_NONE outside a call */
	unsigned int info_kind;	       /* enum sr_info_kind */
	unsigned long long cur_cgroup; /* current's cgroup v2 id */
	unsigned long long
		target_mem_cgroup; /* the target's memory cgroup (v1 or v2), SIGKILL only */
	unsigned int cur_flags;	   /* enum sr_cause_flags */
	int cur_syscall;	   /* the syscall current is in (orig_ax), -1 none */
	unsigned int cur_ns_pid;   /* current's pid in its own pid namespace */
	unsigned int stack_len;	   /* frames in stack[]; 0: none taken */
	/* Kernel return addresses, innermost first, taken only for signals
	 * sent with no siginfo outside a kill-family call; the records of all
	 * other signals end before stack[] (their size says which it is). */
	unsigned long long stack[SR_STACK_MAX];
};

struct sr_signal_deliver {
	struct sr_header h; /* the receiving thread */
	unsigned long long sa_flags;
	unsigned char sifields[SR_SIFIELDS_LEN];
	int sig;
	int code;
	unsigned int disposition; /* enum sr_disposition */
	unsigned int info_kind;
};

enum sr_kill_flags {
	/* The caller exited inside the call (e.g. kill(getpid(), SIGKILL)):
	 * reported at its exit, with no return value. */
	SR_KILL_NO_RETURN = 1,
};

struct sr_kill_call {
	struct sr_header h; /* h.ts_ns = enter_ns: the call is stamped at entry */
	unsigned long long enter_ns;
	long long ret;	      /* 0 or -errno */
	long long args[4];    /* as passed, see docs/capture-format.md per call */
	unsigned int nr;      /* enum sr_syscall */
	unsigned int signals; /* signal_generate events seen inside the call */
	unsigned int flags;   /* enum sr_kill_flags */
	unsigned int pad;
};

enum sr_fork_flags {
	SR_FORK_THREAD = 1,
};

struct sr_fork {
	struct sr_header h; /* the parent thread */
	struct sr_task_ref child;
	unsigned long long child_cgroup;
	unsigned int child_ns_pid; /* pid and tid in the child's own pid namespace */
	unsigned int child_ns_tid;
	unsigned int pid_ns; /* inode number of that namespace */
	unsigned int flags;  /* enum sr_fork_flags */
};

enum sr_exec_flags {
	SR_EXEC_ARGS_TRUNCATED = 1,
	SR_EXEC_FILENAME_TRUNCATED = 2,
	SR_EXEC_ARGS_UNREADABLE = 4,
};

struct sr_exec {
	struct sr_header h; /* after exec: new comm */
	unsigned long long cgroup;
	unsigned int old_tid; /* differs from h.tid when a non-leader thread execs */
	unsigned int flags;   /* enum sr_exec_flags */
	unsigned short filename_len;
	unsigned short args_len; /* NUL-separated argv */
	unsigned int pad;
	/* filename (filename_len bytes) then argv (args_len bytes); only the used
	 * part is sent through the ring buffer. Sized twice the maxima so that
	 * the verifier can bound offsets that are masked to a power of two. */
	char data[2 * (SR_FILENAME_MAX + SR_ARGS_MAX)];
};

struct sr_exit {
	struct sr_header h;	   /* the exiting thread */
	struct sr_task_ref parent; /* real_parent at exit: shows reparenting */
	int exit_code;		   /* raw task->exit_code: status << 8, or signal | 0x80 core */
	unsigned int group_dead;   /* last thread of the process */
};

struct sr_oom_victim {
	struct sr_header h; /* the task whose allocation invoked the OOM killer */
	unsigned long long total_vm_kb;
	unsigned long long anon_rss_kb;
	unsigned long long file_rss_kb;
	unsigned long long shmem_rss_kb;
	unsigned long long pgtables_kb;
	unsigned int victim_pid;
	unsigned int victim_uid;
	int oom_score_adj;
	unsigned int pad;
};

/* Per-CPU loss accounting (BPF_MAP_TYPE_PERCPU_ARRAY, one entry). What was
 * handed over is counted by the reader, which sees every record. */
struct sr_counters {
	unsigned long long lost[SR_PROBE_COUNT];
	unsigned long long last_loss_ns[SR_PROBE_COUNT];
};

/* Both compilers must lay the records out alike, since user space decodes
 * the bytes the BPF side wrote: a field added without its padding, or a
 * type whose width differs between the BPF target and x86-64, fails the
 * build here, on both sides, instead of shifting every later field. */
#ifdef __cplusplus
#define SR_RECORD_SIZE(type, bytes) static_assert(sizeof(struct type) == (bytes), #type)
#else
#define SR_RECORD_SIZE(type, bytes) _Static_assert(sizeof(struct type) == (bytes), #type)
#endif
SR_RECORD_SIZE(sr_header, 48);
SR_RECORD_SIZE(sr_task_ref, 16);
SR_RECORD_SIZE(sr_signal_generate, 296);
SR_RECORD_SIZE(sr_signal_deliver, 88);
SR_RECORD_SIZE(sr_kill_call, 112);
SR_RECORD_SIZE(sr_fork, 88);
SR_RECORD_SIZE(sr_exec, 8776);
SR_RECORD_SIZE(sr_exit, 72);
SR_RECORD_SIZE(sr_oom_victim, 104);
SR_RECORD_SIZE(sr_counters, 128);
#undef SR_RECORD_SIZE

#endif /* SIGREC_BPF_EVENTS_H */
