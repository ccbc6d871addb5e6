// SPDX-License-Identifier: GPL-2.0
/*
 * sigrec's kernel side: every signal generated and delivered, every
 * kill-family syscall, fork, exec, exit and OOM victim, as compact binary
 * records in one ring buffer (docs/sigrec.md, "What is recorded"). No text, no per-event wakeup.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"
#include "core_compat.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, written by the loader into .rodata before load: the verifier then
 * sees them as constants and drops the branches they disable. */
const volatile __u64 cfg_signal_mask = ~0ULL; /* bit (n-1) = record signal n */
const volatile __u32 cfg_filter_pid = 0;
const volatile __u64 cfg_filter_cgroup = 0;
const volatile bool cfg_threads = false;
const volatile bool cfg_exit_has_group_dead = false;
const volatile bool cfg_task_storage = false;
const volatile bool cfg_current_task_btf = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by the loader */
} events SEC(".maps");

/* A thread inside a kill-family syscall, from enter to exit; enter_ns == 0
 * when it is not inside one. */
struct inflight {
	u64 enter_ns;
	s64 args[4];
	u32 nr;
	u32 signals;
	s32 sig;
	s32 code; /* the si_code the call's signal carries */
};

/* Where that state lives. Task storage (v5.11+) is a slot in the task
 * itself: no hash, no bucket lock, freed with the task; the slot stays
 * between calls and is only marked idle. Older kernels use a plain hash,
 * not LRU: an eviction would silently drop a tag, a full map is counted.
 * The loader creates only the one it uses (cfg_task_storage). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inflight);
} inflight_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sr_counters);
} counters SEC(".maps");

/* Processes whose exit was reported, on kernels whose exit tracepoint has
 * no group_dead (see exit_ends_process()). */
struct exit_key {
	u64 start_ns;
	u32 tgid;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct exit_key);
	__type(value, u8);
} exit_claims SEC(".maps");

/* exec records are too large for the BPF stack; built here, then copied to
 * the ring buffer at their used size. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sr_exec);
} exec_scratch SEC(".maps");

static __always_inline struct sr_counters *my_counters(void)
{
	u32 zero = 0;
	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline void count_loss(int probe)
{
	struct sr_counters *c = my_counters();

	if (c && probe >= 0 && probe < SR_PROBE_COUNT) {
		c->lost[probe]++;
		c->last_loss_ns[probe] = bpf_ktime_get_boot_ns();
	}
}

/* The calling thread's in-call state, or NULL when it is not inside a
 * kill-family call. */
static __always_inline struct inflight *current_call(void)
{
	struct inflight *call;

	if (cfg_task_storage) {
		call = bpf_task_storage_get(&inflight_task, bpf_get_current_task_btf(), 0, 0);
	} else {
		u32 tid = (u32)bpf_get_current_pid_tgid();

		call = bpf_map_lookup_elem(&inflight, &tid);
	}
	return call && call->enter_ns ? call : NULL;
}

/* A slot for a call starting now: created on the thread's first call. */
static __always_inline struct inflight *start_call(void)
{
	static const struct inflight idle = {};
	u32 tid;

	if (cfg_task_storage)
		return bpf_task_storage_get(&inflight_task, bpf_get_current_task_btf(), 0,
					    BPF_LOCAL_STORAGE_GET_F_CREATE);
	tid = (u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&inflight, &tid, &idle, BPF_ANY))
		return NULL;
	return bpf_map_lookup_elem(&inflight, &tid);
}

static __always_inline void end_call(struct inflight *call)
{
	u32 tid;

	call->enter_ns = 0;
	if (cfg_task_storage)
		return;
	tid = (u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(&inflight, &tid);
}

/* Never wake the reader: it drains on its own timer, sooner when busy.
 * Per-event wakeups are what make the peers slow. What was handed over is
 * counted by the reader; only what could not be is counted here. */
#define SR_SUBMIT_FLAGS BPF_RB_NO_WAKEUP

static __always_inline void *reserve(u64 size, int probe)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e)
		count_loss(probe);
	return e;
}

static __always_inline void submit(void *e)
{
	bpf_ringbuf_submit(e, SR_SUBMIT_FLAGS);
}

/* Start time of a task's process. TASK is a BTF pointer (a tp_btf argument
 * or bpf_get_current_task_btf()): plain loads, no probe-read helper calls. */
static __always_inline u64 process_start(struct task_struct *task)
{
	return task->group_leader->start_boottime;
}

/* current as a BTF pointer, or NULL before v5.11 (no
 * bpf_get_current_task_btf()): callers then use probe-read helpers. */
static __always_inline struct task_struct *current_btf(void)
{
	return cfg_current_task_btf ? bpf_get_current_task_btf() : NULL;
}

static __always_inline void fill_ids(struct sr_header *h, int kind, u64 ts)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();

	h->ts_ns = ts;
	h->pid = pid_tgid >> 32;
	h->tid = (u32)pid_tgid;
	h->uid = (u32)bpf_get_current_uid_gid();
	h->cpu = bpf_get_smp_processor_id();
	h->kind = kind;
}

/* TASK: current's task_struct as a BTF pointer, never NULL (a tracepoint
 * argument that is current, checked with SR_TP_TASK). */
static __always_inline void fill_header(struct sr_header *h, int kind, struct task_struct *task)
{
	fill_ids(h, kind, bpf_ktime_get_boot_ns());
	h->start_ns = process_start(task);
	__builtin_memcpy(h->comm, task->comm, sizeof(h->comm));
}

/* The header of an event whose acting task is only known as current. TS:
 * the event time, taken by the caller when it is not now. */
static __always_inline void fill_header_current_at(struct sr_header *h, int kind, u64 ts)
{
	struct task_struct *task = current_btf();

	fill_ids(h, kind, ts);
	if (task) {
		h->start_ns = process_start(task);
		__builtin_memcpy(h->comm, task->comm, sizeof(h->comm));
	} else {
		struct task_struct *cur = (struct task_struct *)bpf_get_current_task();

		h->start_ns = BPF_CORE_READ(cur, group_leader, start_boottime);
		bpf_get_current_comm(h->comm, sizeof(h->comm));
	}
}

static __always_inline void fill_header_current(struct sr_header *h, int kind)
{
	fill_header_current_at(h, kind, bpf_ktime_get_boot_ns());
}

static __always_inline bool want_signal(long sig)
{
	if (cfg_signal_mask == ~0ULL)
		return true;
	return sig >= 1 && sig <= 64 && (cfg_signal_mask & (1ULL << (sig - 1)));
}

/* Pid and cgroup filters keep an event if the acting process or, for
 * signals and kill calls, the target matches. */
static __always_inline bool want_task(u32 other_pid, u64 other_cgroup)
{
	if (cfg_filter_pid) {
		u32 pid = bpf_get_current_pid_tgid() >> 32;

		if (pid != cfg_filter_pid && other_pid != cfg_filter_pid)
			return false;
	}
	if (cfg_filter_cgroup) {
		if (bpf_get_current_cgroup_id() != cfg_filter_cgroup &&
		    other_cgroup != cfg_filter_cgroup)
			return false;
	}
	return true;
}

#define SR_SI_USER 0
#define SR_SI_KERNEL 0x80
#define SR_SI_TKILL (-6)

/* signal_generate/deliver get SEND_SIG_NOINFO (0) or SEND_SIG_PRIV (1) in
 * place of a siginfo pointer; the tracepoint reports them as SI_USER and
 * SI_KERNEL, and so do we. Of a real siginfo, si_code and the first 16
 * bytes of the union: pid/uid (or a fault address across both), SIGCHLD's
 * status, SIGSYS's syscall and arch; the encoder decodes them per signal. */
static __always_inline void read_siginfo(struct kernel_siginfo *info, int *code, unsigned int *kind,
					 u32 *fields)
{
	unsigned long addr;

	__builtin_memset(fields, 0, SR_SIFIELDS_LEN);
	*kind = sr_siginfo_kind(info, &addr);
	if (*kind != SR_INFO_STRUCT) {
		*code = *kind == SR_INFO_PRIV ? SR_SI_KERNEL : SR_SI_USER;
		return;
	}
	/* The union is 8-byte aligned on 64-bit kernels (it holds pointers):
	 * it starts at 16, not right after si_code at 12. Read at the
	 * offsets the kernel's BTF gives. */
	if (bpf_probe_read_kernel(code, sizeof(*code),
				  (void *)addr +
					  bpf_core_field_offset(struct kernel_siginfo, si_code))) {
		*code = SR_SI_KERNEL;
		return;
	}
	bpf_probe_read_kernel(fields, SR_SIFIELDS_LEN,
			      (void *)addr +
				      bpf_core_field_offset(struct kernel_siginfo, _sifields));
}

/* Whether TARGET is the process or thread numbered TGID / TID (0: any) in
 * the pid namespace of the calling task, as a kill-family call names it. */
static __always_inline bool call_targets(struct task_struct *target, int tgid, int tid)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	struct pid *mine = BPF_CORE_READ(cur, thread_pid);
	unsigned int level = BPF_CORE_READ(mine, level);
	struct pid_namespace *ns = BPF_CORE_READ(sr_upid_at(mine, level), ns);

	if (tgid && sr_pid_nr_in(target->group_leader->thread_pid, level, ns) != tgid)
		return false;
	return !tid || sr_pid_nr_in(target->thread_pid, level, ns) == tid;
}

/*
 * Whether the signal being generated is the one the kill-family call CALL
 * sends. The kernel builds a call's signal from its arguments: the call's
 * signo, a siginfo with the si_code it sets (SI_USER for kill, SI_TKILL for
 * [t]tgkill, the caller's own for the sigqueueinfo calls), to a target the
 * arguments name in the caller's pid namespace. Anything else generated
 * while the thread is inside the call is not the call's: a timer's or a
 * driver's signal from an interrupt that borrowed the caller as current
 * (SI_TIMER, SEND_SIG_PRIV, another signo or target). Untagged, it is a
 * kernel signal, as it is. (A check of the preempt count for interrupt
 * context would need a per-CPU kernel symbol that kernels built without
 * CONFIG_KALLSYMS_ALL, this machine's among them, do not resolve; the
 * siginfo test needs nothing, and interrupts never send a struct siginfo
 * with SI_USER or SI_TKILL.)
 */
static __always_inline bool call_sent_signal(const struct inflight *call, int sig,
					     unsigned int info_kind, int code,
					     struct task_struct *target)
{
	int a0 = (int)call->args[0], a1 = (int)call->args[1];

	if (call->sig != sig || info_kind != SR_INFO_STRUCT || call->code != code)
		return false;
	switch (call->nr) {
	case SR_SYS_KILL:
		/* pid <= 0 names a process group or every process; a pid
		 * that is a thread's id names that thread's process. */
		return a0 <= 0 || call_targets(target, a0, 0) || call_targets(target, 0, a0);
	case SR_SYS_TKILL:
		return call_targets(target, 0, a0);
	case SR_SYS_TGKILL:
	case SR_SYS_RT_TGSIGQUEUEINFO:
		return call_targets(target, a0, a1);
	case SR_SYS_RT_SIGQUEUEINFO:
		return call_targets(target, a0, 0);
	default: /* pidfd_send_signal: the descriptor names the target */
		return true;
	}
}

#define SR_PF_EXITING 0x00000004

/*
 * The facts that decide the cause of a signal no kill-family call sent
 * (docs/sigan.md, "Causes"): whether current is exiting (pdeathsig and a
 * pid namespace's teardown are sent from do_exit), is its namespace's
 * init, and sends the target's pdeath_signal; the syscall it is in; and,
 * for SIGKILL, the target's memory cgroup (the OOM killer's scope). Read
 * with probe helpers: current is not a BTF pointer before v5.11.
 */
static __always_inline void read_cause_facts(struct sr_signal_generate *e, struct task_struct *task,
					     int sig)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	unsigned int ns_pid, ns;
	u32 flags = 0;

	if (BPF_CORE_READ(cur, flags) & SR_PF_EXITING)
		flags |= SR_CUR_EXITING;
	sr_ns_pid_probe(cur, &ns_pid, &ns);
	if (ns_pid == 1)
		flags |= SR_CUR_NS_INIT;
	if (task->pdeath_signal == sig)
		flags |= SR_TARGET_PDEATH;
	e->cur_syscall = -1;
	if (cfg_current_task_btf && sr_current_syscall(&e->cur_syscall))
		flags |= SR_CUR_SYSCALL_KNOWN;
	e->cur_flags = flags;
	e->cur_ns_pid = ns_pid;
	e->cur_cgroup = bpf_get_current_cgroup_id();
	e->target_mem_cgroup = sig == 9 ? sr_memory_cgroup_id(task) : 0;
}

/* Records without a kernel stack end before stack[]. */
#define SR_GENERATE_SHORT __builtin_offsetof(struct sr_signal_generate, stack)

struct generate_args {
	struct task_struct *task;
	struct inflight *call;
	u32 fields[SR_SIFIELDS_LEN / 4];
	unsigned int info_kind;
	int sig, code, group, result;
};

static __always_inline void fill_generate(struct sr_signal_generate *e,
					  const struct generate_args *a)
{
	struct task_struct *task = a->task;

	e->code = a->code;
	e->info_kind = a->info_kind;
	__builtin_memcpy(e->sifields, a->fields, sizeof(e->sifields));
	fill_header_current(&e->h, SR_EV_SIGNAL_GENERATE);
	e->target.pid = task->tgid;
	e->target.tid = task->pid;
	e->target.start_ns = process_start(task);
	e->target_cgroup = task->cgroups->dfl_cgrp->kn->id;
	__builtin_memcpy(e->target_comm, task->comm, sizeof(e->target_comm));
	e->call_enter_ns = a->call ? a->call->enter_ns : 0;
	e->call_nr = a->call ? a->call->nr : SR_SYS_NONE;
	e->sig = a->sig;
	e->group = a->group;
	e->result = a->result;
	read_cause_facts(e, task, a->sig);
	e->stack_len = 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct generate_args a = {.task = task, .sig = sig, .group = group, .result = result};
	struct sr_signal_generate *e;
	long frames;

	SR_TP_TASK(task);
	if (!want_signal(sig))
		return 0;
	if (!want_task(task->tgid, task->cgroups->dfl_cgrp->kn->id))
		return 0;
	read_siginfo(info, &a.code, &a.info_kind, a.fields);

	/* Tag the signal with the kill-family call that sent it, in the
	 * kernel, so that the analyzer never guesses its origin. */
	a.call = current_call();
	if (a.call && !call_sent_signal(a.call, sig, a.info_kind, a.code, task))
		a.call = NULL;

	if (a.call || a.info_kind == SR_INFO_STRUCT) {
		e = reserve(SR_GENERATE_SHORT, SR_PROBE_SIGNAL_GENERATE);
		if (!e)
			return 0;
		fill_generate(e, &a);
	} else {
		/* No siginfo and no call: the kernel's own signal, whose
		 * sender only the kernel path that raised it names. */
		e = reserve(sizeof(*e), SR_PROBE_SIGNAL_GENERATE);
		if (!e)
			return 0;
		fill_generate(e, &a);
		frames = bpf_get_stack(ctx, e->stack, sizeof(e->stack), 0);
		e->stack_len = frames > 0 ? (u64)frames / 8 : 0;
	}
	if (a.call)
		a.call->signals++;
	submit(e);
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(on_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct sr_signal_deliver *e;
	unsigned long handler;

	if (!want_signal(sig) || !want_task(0, 0))
		return 0;
	e = reserve(sizeof(*e), SR_PROBE_SIGNAL_DELIVER);
	if (!e)
		return 0;
	fill_header_current(&e->h, SR_EV_SIGNAL_DELIVER);
	handler = (unsigned long)ka->sa.sa_handler;
	e->disposition = handler == 0	? SR_DISP_DEFAULT
			 : handler == 1 ? SR_DISP_IGNORE
					: SR_DISP_HANDLER;
	e->sa_flags = ka->sa.sa_flags;
	e->sig = sig;
	read_siginfo(info, &e->code, &e->info_kind, (u32 *)e->sifields);
	submit(e);
	return 0;
}

/* --- kill-family syscalls: enter remembers the call, exit records it. --- */

/* NARGS matters: the kernel refuses to attach a program that reads past
 * the end of a syscall's record (-EACCES), and kill() has only two args. */
/* The si_code of the signal a call sends: fixed by the kernel for kill and
 * tkill/tgkill (and pidfd_send_signal without a siginfo), else the one in
 * the caller's siginfo, read now. An unreadable siginfo fails the call
 * (EFAULT): it sends nothing. */
static __always_inline int call_code(u32 nr, struct trace_event_raw_sys_enter *ctx, int info_arg)
{
	const struct kernel_siginfo *uinfo;
	int code = SR_SI_USER;

	if (nr == SR_SYS_TKILL || nr == SR_SYS_TGKILL)
		return SR_SI_TKILL;
	if (info_arg < 0)
		return SR_SI_USER;
	uinfo = (const void *)ctx->args[info_arg & 3];
	if (uinfo)
		bpf_probe_read_user(&code, sizeof(code), &uinfo->si_code);
	return code;
}

static __always_inline int call_enter(struct trace_event_raw_sys_enter *ctx, u32 nr, int nargs,
				      int sig_arg, int target_arg, int info_arg)
{
	struct inflight *call;
	long sig = (int)ctx->args[sig_arg];

	/* Signal 0 only probes for existence: kept unless a signal filter is set. */
	if (!(sig == 0 && cfg_signal_mask == ~0ULL) && !want_signal(sig))
		return 0;
	if (!want_task(target_arg >= 0 ? (u32)(int)ctx->args[target_arg] : 0, 0))
		return 0;
	call = start_call();
	if (!call) {
		count_loss(SR_PROBE_INFLIGHT_MAP);
		return 0;
	}
	call->enter_ns = bpf_ktime_get_boot_ns();
	call->nr = nr;
	call->sig = sig;
	call->code = call_code(nr, ctx, info_arg);
	call->signals = 0;
	call->args[0] = ctx->args[0];
	call->args[1] = ctx->args[1];
	call->args[2] = nargs > 2 ? ctx->args[2] : 0;
	call->args[3] = nargs > 3 ? ctx->args[3] : 0;
	return 0;
}

static __always_inline void emit_call(struct inflight *call, long ret, unsigned int flags)
{
	struct sr_kill_call *e = reserve(sizeof(*e), SR_PROBE_KILL_CALL);

	if (!e)
		return;
	/* Stamped with the call's entry: a second clock read at exit costs as
	 * much as the rest of the record on some VMs, and the entry is what
	 * orders the call before the signals it made. */
	fill_header_current_at(&e->h, SR_EV_KILL_CALL, call->enter_ns);
	e->enter_ns = call->enter_ns;
	e->ret = ret;
	e->args[0] = call->args[0];
	e->args[1] = call->args[1];
	e->args[2] = call->args[2];
	e->args[3] = call->args[3];
	e->nr = call->nr;
	e->signals = call->signals;
	e->flags = flags;
	e->pad = 0;
	submit(e);
}

static __always_inline int call_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct inflight *call = current_call();

	if (!call)
		return 0;
	emit_call(call, ctx->ret, 0);
	end_call(call);
	return 0;
}

#define KILL_FAMILY(name, nr, nargs, sig_arg, target_arg, info_arg)               \
	SEC("tracepoint/syscalls/sys_enter_" #name)                               \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                   \
	{                                                                         \
		return call_enter(ctx, nr, nargs, sig_arg, target_arg, info_arg); \
	}                                                                         \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                     \
	{                                                                         \
		return call_exit(ctx);                                            \
	}

/*          syscall            number                    nargs sig target siginfo */
KILL_FAMILY(kill, SR_SYS_KILL, 2, 1, 0, -1)
KILL_FAMILY(tkill, SR_SYS_TKILL, 2, 1, -1, -1)
KILL_FAMILY(tgkill, SR_SYS_TGKILL, 3, 2, 0, -1)
KILL_FAMILY(pidfd_send_signal, SR_SYS_PIDFD_SEND_SIGNAL, 4, 1, -1, 2)
KILL_FAMILY(rt_sigqueueinfo, SR_SYS_RT_SIGQUEUEINFO, 3, 1, 0, 2)
KILL_FAMILY(rt_tgsigqueueinfo, SR_SYS_RT_TGSIGQUEUEINFO, 4, 2, 0, 3)

/* --- process lifecycle --- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sr_fork *e;
	u32 child_pid = child->tgid;
	u32 child_tid = child->pid;
	bool thread = child_pid != child_tid;

	SR_TP_TASK(parent);
	SR_TP_TASK(child);
	if ((thread && !cfg_threads) || !want_task(0, 0))
		return 0;
	e = reserve(sizeof(*e), SR_PROBE_FORK);
	if (!e)
		return 0;
	fill_header(&e->h, SR_EV_FORK, parent);
	e->child.pid = child_pid;
	e->child.tid = child_tid;
	e->child.start_ns = process_start(child);
	e->child_cgroup = child->cgroups->dfl_cgrp->kn->id;
	sr_ns_pid(child, &e->child_ns_tid, &e->pid_ns);
	e->child_ns_pid = e->child_ns_tid;
	if (thread) {
		unsigned int ns;

		sr_ns_pid(child->group_leader, &e->child_ns_pid, &ns);
	}
	e->flags = thread ? SR_FORK_THREAD : 0;
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	u32 zero = 0;
	struct sr_exec *e = bpf_map_lookup_elem(&exec_scratch, &zero);
	struct mm_struct *mm;
	unsigned long start, end;
	long name_len, args_len;

	SR_TP_TASK(task);
	if (!e || !want_task(0, 0))
		return 0;
	fill_header(&e->h, SR_EV_EXEC, task);
	e->cgroup = bpf_get_current_cgroup_id();
	e->old_tid = old_pid;
	e->flags = 0;
	e->pad = 0;

	name_len = bpf_probe_read_kernel_str(e->data, SR_FILENAME_MAX, bprm->filename);
	if (name_len < 0)
		name_len = 0;
	if (name_len >= SR_FILENAME_MAX) {
		name_len = SR_FILENAME_MAX;
		e->flags |= SR_EXEC_FILENAME_TRUNCATED;
	}

	/* argv as laid out by execve in the new mm: read now, in the kernel,
	 * so that a process that lives a millisecond keeps its command line. */
	mm = task->mm;
	start = mm->arg_start;
	end = mm->arg_end;
	args_len = end > start ? end - start : 0;
	if (args_len > SR_ARGS_MAX) {
		args_len = SR_ARGS_MAX;
		e->flags |= SR_EXEC_ARGS_TRUNCATED;
	}
	if (args_len > 0) {
		if (bpf_probe_read_user(e->data + (name_len & (SR_FILENAME_MAX * 2 - 1)),
					args_len & (SR_ARGS_MAX * 2 - 1), (void *)start)) {
			args_len = 0;
			e->flags |= SR_EXEC_ARGS_UNREADABLE;
		}
	}
	e->filename_len = name_len;
	e->args_len = args_len;

	if (bpf_ringbuf_output(&events, e,
			       __builtin_offsetof(struct sr_exec, data) +
				       (name_len & (SR_FILENAME_MAX * 2 - 1)) +
				       (args_len & (SR_ARGS_MAX * 2 - 1)),
			       SR_SUBMIT_FLAGS))
		count_loss(SR_PROBE_EXEC);
	return 0;
}

/*
 * Whether TASK's exit ends its process. The exit tracepoint's group_dead
 * argument is recent (v6.1 and v6.12 lack it). Without it, the count it
 * comes from, signal->live, is decremented by each exiting thread well
 * before the tracepoint, so threads dying together (a fault in a non-leader,
 * exit_group) all read 0. The first of them to claim the process in
 * exit_claims reports it: one exit per process. The key holds the start
 * time, so a reused pid never meets an old claim; LRU, because a claim only
 * matters while the last threads exit, microseconds apart.
 */
static __always_inline bool exit_ends_process(u64 *ctx, struct task_struct *task)
{
	struct exit_key key = {};
	u8 claimed = 1;

	if (cfg_exit_has_group_dead)
		return (bool)ctx[1];
	if (task->signal->live.counter != 0)
		return false;
	key.tgid = task->tgid;
	key.start_ns = process_start(task);
	return bpf_map_update_elem(&exit_claims, &key, &claimed, BPF_NOEXIST) == 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	struct inflight *call = current_call();
	struct task_struct *parent;
	struct sr_exit *e;
	bool group_dead;

	SR_TP_TASK(task);
	/* A thread that dies inside a kill-family call (kill of itself) never
	 * reaches sys_exit: report the call now and free its slot. */
	if (call) {
		emit_call(call, 0, SR_KILL_NO_RETURN);
		end_call(call);
	}

	group_dead = exit_ends_process(ctx, task);
	if ((!group_dead && !cfg_threads) || !want_task(0, 0))
		return 0;

	e = reserve(sizeof(*e), SR_PROBE_EXIT);
	if (!e)
		return 0;
	fill_header(&e->h, SR_EV_EXIT, task);
	parent = task->real_parent;
	e->parent.pid = parent->tgid;
	e->parent.tid = parent->pid;
	e->parent.start_ns = process_start(parent);
	e->exit_code = task->exit_code;
	e->group_dead = group_dead;
	submit(e);
	return 0;
}

/* A classic tracepoint: its raw form changed argument types between
 * kernels (pid, then task_struct*), the tracefs record did not. */
SEC("tracepoint/oom/mark_victim")
int on_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct sr_oom_victim *e = reserve(sizeof(*e), SR_PROBE_OOM);

	if (!e)
		return 0;
	fill_header_current(&e->h, SR_EV_OOM_VICTIM);
	e->victim_pid = ctx->pid;
	e->total_vm_kb = SR_OOM_FIELD(ctx, total_vm);
	e->anon_rss_kb = SR_OOM_FIELD(ctx, anon_rss);
	e->file_rss_kb = SR_OOM_FIELD(ctx, file_rss);
	e->shmem_rss_kb = SR_OOM_FIELD(ctx, shmem_rss);
	e->pgtables_kb = SR_OOM_FIELD(ctx, pgtables);
	e->victim_uid = SR_OOM_FIELD(ctx, uid);
	e->oom_score_adj = SR_OOM_FIELD(ctx, oom_score_adj);
	e->pad = 0;
	submit(e);
	return 0;
}
