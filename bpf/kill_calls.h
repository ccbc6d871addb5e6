/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kill-family syscalls, by one of three mechanisms the loader chooses once
 * (record/kernel_features.cc; docs/kernels.md, "Kill-family calls"):
 *
 *  - SR_CALLS_FEXIT: fexit programs on the syscall functions. They cost
 *    only the hooked calls; a syscall tracepoint, once enabled, sends every
 *    syscall of every task through the kernel's syscall-tracing slow path.
 *    A call's state is created by its first signal (the call is read from
 *    current's saved user registers at signal_generate), so that a call
 *    that sends nothing costs one record and no map write.
 *  - SR_CALLS_TRACEPOINTS: sys_enter/sys_exit tracepoints (kernels that
 *    refuse fentry/fexit, such as ones built without the trampoline).
 *  - SR_CALLS_NONE (--no-syscall-hooks): no syscall hook at all. A signal
 *    sent by a call is still tied to it from the registers, and the call is
 *    recorded with the signal, its return value unseen; calls that send
 *    nothing (failures, kill(pid, 0)) are not recorded.
 *
 * Included by sigrec.bpf.c after its common helpers.
 */
#ifndef SIGREC_KILL_CALLS_H
#define SIGREC_KILL_CALLS_H

const volatile __u32 cfg_kill_calls = SR_CALLS_TRACEPOINTS;

/*
 * The family, once: each call's architecture-independent number, its
 * x86-64 and i386 syscall numbers and entry points, its argument count and
 * which argument is the signal, the target pid and the user siginfo (-1:
 * none). NARGS matters: the kernel refuses to attach a tracepoint program
 * that reads past the end of a syscall's record (-EACCES), and kill() has
 * only two arguments. Columns: name, number, x86-64 number, i386 number,
 * i386 entry point, nargs, signal, target and siginfo argument.
 */
#define SR_KILL_FAMILY(X)                                                                          \
	X(kill, SR_SYS_KILL, 62, 37, __ia32_sys_kill, 2, 1, 0, -1)                                 \
	X(tkill, SR_SYS_TKILL, 200, 238, __ia32_sys_tkill, 2, 1, -1, -1)                           \
	X(tgkill, SR_SYS_TGKILL, 234, 270, __ia32_sys_tgkill, 3, 2, 0, -1)                         \
	X(pidfd_send_signal, SR_SYS_PIDFD_SEND_SIGNAL, 424, 424, __ia32_sys_pidfd_send_signal, 4,  \
	  1, -1, 2)                                                                                \
	X(rt_sigqueueinfo, SR_SYS_RT_SIGQUEUEINFO, 129, 178, __ia32_compat_sys_rt_sigqueueinfo, 3, \
	  1, 0, 2)                                                                                 \
	X(rt_tgsigqueueinfo, SR_SYS_RT_TGSIGQUEUEINFO, 297, 335,                                   \
	  __ia32_compat_sys_rt_tgsigqueueinfo, 4, 2, 0, 3)

/* A thread inside a kill-family call; enter_ns == 0 when it is not inside
 * one. With fexit, enter_ns is the time of the call's first signal. */
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

/* The calling thread's in-call state, or NULL when it is not inside a
 * kill-family call. */
static __always_inline struct inflight *current_call(void)
{
	struct inflight *call;

	if (cfg_kill_calls == SR_CALLS_NONE)
		return NULL;
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

/* Whether TARGET is the process or thread numbered TGID / TID (0: any) in
 * the pid namespace of the calling task, as a kill-family call names it. */
static __always_inline bool call_targets(struct task_struct *target, int tgid, int tid)
{
	struct task_struct *btf_cur = current_btf();
	struct task_struct *cur;
	struct pid *mine;
	unsigned int level;
	struct pid_namespace *ns;

	/* A caller in the initial pid namespace (level 0) names tasks by the
	 * global numbers that task->tgid and task->pid hold: two loads, where
	 * the walk below takes five probe reads, about a quarter of
	 * signal_generate's run time (docs/performance.md, instruction
	 * counts). */
	if (btf_cur && btf_cur->thread_pid->level == 0)
		return (!tgid || target->tgid == tgid) && (!tid || target->pid == tid);
	cur = (struct task_struct *)bpf_get_current_task();
	mine = BPF_CORE_READ(cur, thread_pid);
	level = BPF_CORE_READ(mine, level);
	ns = BPF_CORE_READ(sr_upid_at(mine, level), ns);

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

/* The si_code of the signal a call sends: fixed by the kernel for kill and
 * tkill/tgkill (and pidfd_send_signal without a siginfo), else the one in
 * the caller's siginfo (si_code sits at the same offset in the compat
 * layout). An unreadable siginfo fails the call (EFAULT): it sends nothing. */
static __always_inline int call_code(u32 nr, u64 uinfo_addr)
{
	const struct kernel_siginfo *uinfo = (const void *)uinfo_addr;
	int code = SR_SI_USER;

	if (nr == SR_SYS_TKILL || nr == SR_SYS_TGKILL)
		return SR_SI_TKILL;
	if (uinfo)
		bpf_probe_read_user(&code, sizeof(code), &uinfo->si_code);
	return code;
}

/* Whether a call with these arguments is recorded: signal 0 only probes for
 * existence and is kept unless a signal filter is set. */
static __always_inline bool want_call(long sig, s64 target)
{
	if (!(sig == 0 && cfg_signal_mask == ~0ULL) && !want_signal(sig))
		return false;
	return want_task((u32)(int)target, 0);
}

/* CALL's fields from its number and arguments (ARGS[0..3]). */
static __always_inline void describe_call(struct inflight *call, u32 nr, const s64 *args,
					  int sig_arg, int info_arg)
{
	call->nr = nr;
	call->sig = (int)args[sig_arg & 3];
	call->code = call_code(nr, info_arg < 0 ? 0 : args[info_arg & 3]);
	call->signals = 0;
	call->args[0] = args[0];
	call->args[1] = args[1];
	call->args[2] = args[2];
	call->args[3] = args[3];
}

static __always_inline void emit_call(const struct inflight *call, long ret, unsigned int flags)
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

/* --- by syscall tracepoints: enter remembers the call, exit records it. --- */

static __always_inline int call_enter(struct trace_event_raw_sys_enter *ctx, u32 nr, int nargs,
				      int sig_arg, int target_arg, int info_arg)
{
	s64 args[4] = {(s64)ctx->args[0], (s64)ctx->args[1], nargs > 2 ? (s64)ctx->args[2] : 0,
		       nargs > 3 ? (s64)ctx->args[3] : 0};
	struct inflight *call;

	if (!want_call((int)args[sig_arg & 3], target_arg >= 0 ? args[target_arg & 3] : 0))
		return 0;
	call = start_call();
	if (!call) {
		count_loss(SR_PROBE_INFLIGHT_MAP);
		return 0;
	}
	call->enter_ns = bpf_ktime_get_boot_ns();
	describe_call(call, nr, args, sig_arg, info_arg);
	return 0;
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

#define SR_TRACEPOINT_CALL(name, nr, nr64, nr32, entry32, nargs, sig_arg, target_arg, info_arg) \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                             \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                                 \
	{                                                                                       \
		return call_enter(ctx, nr, nargs, sig_arg, target_arg, info_arg);               \
	}                                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                              \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                                   \
	{                                                                                       \
		return call_exit(ctx);                                                          \
	}
SR_KILL_FAMILY(SR_TRACEPOINT_CALL)

/* --- from the saved user registers: fexit, and the no-hook mode. --- */

/* Argument I of a syscall made with the x86-64 (di, si, dx, r10) or the
 * i386 (bx, cx, dx, si) calling convention. i386 arguments are 32-bit and
 * sign-extended, as the compat entry points read them. */
static __always_inline s64 regs_arg(const struct pt_regs *regs, bool ia32, int i)
{
	if (ia32) {
		u64 v = i == 0 ? regs->bx : i == 1 ? regs->cx : i == 2 ? regs->dx : regs->si;

		return (s64)(int)v;
	}
	return (s64)(i == 0 ? regs->di : i == 1 ? regs->si : i == 2 ? regs->dx : regs->r10);
}

static __always_inline void regs_args(const struct pt_regs *regs, bool ia32, int nargs, s64 *args)
{
	args[0] = regs_arg(regs, ia32, 0);
	args[1] = regs_arg(regs, ia32, 1);
	args[2] = nargs > 2 ? regs_arg(regs, ia32, 2) : 0;
	args[3] = nargs > 3 ? regs_arg(regs, ia32, 3) : 0;
}

/* fexit: the call returned RET. Its state exists if it sent a signal. */
static __always_inline int call_returned(const struct pt_regs *regs, bool ia32, long ret, u32 nr,
					 int nargs, int sig_arg, int target_arg, int info_arg)
{
	struct inflight *call = current_call();
	struct inflight quiet;
	s64 args[4];

	if (call) {
		emit_call(call, ret, 0);
		end_call(call);
		return 0;
	}
	regs_args(regs, ia32, nargs, args);
	if (!want_call((int)args[sig_arg & 3], target_arg >= 0 ? args[target_arg & 3] : 0))
		return 0;
	describe_call(&quiet, nr, args, sig_arg, info_arg);
	quiet.enter_ns = bpf_ktime_get_boot_ns();
	emit_call(&quiet, ret, 0);
	return 0;
}

#define SR_FEXIT_CALL(name, nr, nr64, nr32, entry32, nargs, sig_arg, target_arg, info_arg)        \
	SEC("fexit/__x64_sys_" #name)                                                             \
	int BPF_PROG(fexit_##name, const struct pt_regs *regs, long ret)                          \
	{                                                                                         \
		return call_returned(regs, false, ret, nr, nargs, sig_arg, target_arg, info_arg); \
	}                                                                                         \
	SEC("fexit/" #entry32)                                                                    \
	int BPF_PROG(fexit_ia32_##name, const struct pt_regs *regs, long ret)                     \
	{                                                                                         \
		return call_returned(regs, true, ret, nr, nargs, sig_arg, target_arg, info_arg);  \
	}
SR_KILL_FAMILY(SR_FEXIT_CALL)

/* x86's thread_info.status bit for "a 32-bit syscall is active". */
#define SR_TS_COMPAT 0x0002
/* i386 programs attached: the loader clears it when the kernel has no
 * IA32 emulation, so that no state is made for a call whose exit is not
 * hooked. */
const volatile bool cfg_ia32_calls = false;

/* One case of the switch in call_from_regs(), for either ABI's number. */
#define SR_CALL_CASE(nr, sysno, nargs, sig_arg, target_arg, info_arg) \
	case sysno:                                                   \
		regs_args(regs, ia32, nargs, args);                   \
		describe_call(call, nr, args, sig_arg, info_arg);     \
		return want_call(call->sig, target_arg >= 0 ? args[target_arg & 3] : 0);
#define SR_CALL_CASE64(name, nr, nr64, nr32, entry32, nargs, sig_arg, target_arg, info_arg) \
	SR_CALL_CASE(nr, nr64, nargs, sig_arg, target_arg, info_arg)
#define SR_CALL_CASE32(name, nr, nr64, nr32, entry32, nargs, sig_arg, target_arg, info_arg) \
	SR_CALL_CASE(nr, nr32, nargs, sig_arg, target_arg, info_arg)

/* The recorded kill-family call current is inside, read from its saved
 * user registers (orig_ax holds the syscall number for the whole call),
 * into CALL. False when current is in no such call, or in one the filters
 * leave out. */
static __always_inline bool call_from_regs(struct inflight *call)
{
	struct task_struct *task;
	struct pt_regs *regs;
	bool ia32;
	s64 args[4];

	/* Kernels before v5.15 have no bpf_task_pt_regs(): the loader then
	 * keeps the tracepoints, and this is never reached. */
	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return false;
	task = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	ia32 = task->thread_info.status & SR_TS_COMPAT;

	if (!ia32) {
		switch (regs->orig_ax) {
			SR_KILL_FAMILY(SR_CALL_CASE64)
		}
	} else if (cfg_ia32_calls) {
		switch (regs->orig_ax) {
			SR_KILL_FAMILY(SR_CALL_CASE32)
		}
	}
	return false;
}

/*
 * The kill-family call that sent the signal being generated, or NULL. With
 * fexit and without hooks the call is found in the registers at its first
 * signal: with fexit its state is kept for the next signals and the exit;
 * without hooks the call is recorded now, its return value unseen, and each
 * of its signals (kill() of a process group sends several) is one call.
 */
static __always_inline const struct inflight *signal_call(struct inflight *scratch, int sig,
							  unsigned int info_kind, int code,
							  struct task_struct *target)
{
	struct inflight *call = current_call();

	if (call) {
		if (!call_sent_signal(call, sig, info_kind, code, target))
			return NULL;
		call->signals++;
		return call;
	}
	if (cfg_kill_calls == SR_CALLS_TRACEPOINTS || !call_from_regs(scratch) ||
	    !call_sent_signal(scratch, sig, info_kind, code, target))
		return NULL;
	scratch->enter_ns = bpf_ktime_get_boot_ns();
	scratch->signals = 1;
	if (cfg_kill_calls == SR_CALLS_NONE) {
		/* ret 0: the capture's kill_calls=none says it is unseen. */
		emit_call(scratch, 0, 0);
		return scratch;
	}
	call = start_call();
	if (!call) {
		count_loss(SR_PROBE_INFLIGHT_MAP);
		return NULL;
	}
	*call = *scratch;
	return call;
}

#endif /* SIGREC_KILL_CALLS_H */
