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

/* Pid and cgroup filters keep a signal, delivery or kill call if the acting
 * process or the target matches. They never drop fork, exec and exit: a
 * sender is any process, and who-killed names it by its command line and
 * ancestry, which only its exec and fork give (they are a small share of
 * a recording; signals are the storms). */
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
	 * offsets the kernel's BTF gives. Both with the probe helper: a
	 * plain load of info->si_code (75 instructions cheaper per run) is
	 * refused by Debian's 6.12 once INFO has been compared with 1 above,
	 *   r2 = *(u32 *)(r7 +8)  R7 invalid mem access 'scalar'
	 * (6.1 and 6.18 take it). */
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

#include "kill_calls.h"

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
	u32 flags = SR_CUR_FACTS_READ;

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
	e->target_mem_cgroup = sig == 9 ? sr_memory_cgroup_id(task) : 0;
}

/* A signal that kill(), tkill() or tgkill() sent has that call for its
 * cause: the facts that tell other causes apart are not read (a third of
 * the program's run time, six probe reads; docs/performance.md). The
 * sigqueueinfo calls and pidfd_send_signal keep them: the caller writes
 * their siginfo, whose si_pid sigan compares with the caller's pids. */
static __always_inline bool needs_cause_facts(const struct inflight *call)
{
	return !call || call->nr == SR_SYS_RT_SIGQUEUEINFO ||
	       call->nr == SR_SYS_RT_TGSIGQUEUEINFO || call->nr == SR_SYS_PIDFD_SEND_SIGNAL;
}

/* Records without a kernel stack end before stack[]. */
#define SR_GENERATE_SHORT __builtin_offsetof(struct sr_signal_generate, stack)

struct generate_args {
	struct task_struct *task;
	const struct inflight *call;
	u64 target_cgroup;
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
	e->target_cgroup = a->target_cgroup;
	__builtin_memcpy(e->target_comm, task->comm, sizeof(e->target_comm));
	e->call_enter_ns = a->call ? a->call->enter_ns : 0;
	e->call_nr = a->call ? a->call->nr : SR_SYS_NONE;
	e->sig = a->sig;
	e->group = a->group;
	e->result = a->result;
	e->cur_cgroup = bpf_get_current_cgroup_id();
	if (needs_cause_facts(a->call)) {
		read_cause_facts(e, task, a->sig);
	} else {
		e->cur_flags = 0;
		e->cur_syscall = -1;
		e->cur_ns_pid = 0;
		e->target_mem_cgroup = 0;
	}
	e->stack_len = 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct generate_args a = {.task = task, .sig = sig, .group = group, .result = result};
	struct sr_signal_generate *e;
	struct inflight scratch;
	long frames;

	SR_TP_TASK(task);
	if (!want_signal(sig))
		return 0;
	a.target_cgroup = task->cgroups->dfl_cgrp->kn->id;
	if (!want_task(task->tgid, a.target_cgroup))
		return 0;
	read_siginfo(info, &a.code, &a.info_kind, a.fields);

	/* Tag the signal with the kill-family call that sent it, in the
	 * kernel, so that the analyzer never guesses its origin. */
	a.call = signal_call(&scratch, sig, a.info_kind, a.code, task);

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
	if (thread && !cfg_threads)
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
	if (!e)
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
	if (!group_dead && !cfg_threads)
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
