/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel drift, handled in one place: layouts that moved, and verifiers that
 * accept different code (docs/kernels.md lists the kernels each fix was
 * checked on). Every fix names the kernel version or commit it is about and,
 * for a verifier, the message it answers. The decisions that depend on the
 * running kernel are taken once, in user space (record/kernel_features.cc),
 * and reach the programs as the cfg_* constants of sigrec.bpf.c.
 */
#ifndef SIGREC_CORE_COMPAT_H
#define SIGREC_CORE_COMPAT_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/*
 * oom:mark_victim carried only the victim pid on older kernels (v6.1 among
 * them); later ones (about v6.8) added comm, the memory figures, uid and
 * oom_score_adj. Fields the running kernel lacks read as 0.
 */
#define SR_OOM_FIELD(ctx, field) (bpf_core_field_exists((ctx)->field) ? (ctx)->field : 0)

/*
 * tp_btf task arguments are never NULL, but v6.1's verifier does not know
 * it: clang specialises helpers such as fill_header() for a NULL task, and
 * the copy it makes dereferences a constant 0. Refused on 6.1 with
 *   ; parent = task->real_parent;
 *   R3 invalid mem access 'scalar'
 * Testing the argument first removes that copy (v6.18's verifier, which
 * knows the argument is non-NULL, then drops the test itself).
 */
#define SR_TP_TASK(task)          \
	do {                      \
		if (!(task))      \
			return 0; \
	} while (0)

/*
 * Entry LEVEL of pid->numbers[], a flexible array whose element size comes
 * from the kernel's BTF. v6.1's verifier loses the bounds of a product with
 * a register operand (bpf_core_type_size() is a relocated load), and refuses
 * the pointer arithmetic after it:
 *   math between ptr_ pointer and register with unbounded min value is not allowed
 * The mask restores a bound the verifier can see (32 levels of 16 bytes fit).
 */
static __always_inline struct upid *sr_upid_at(struct pid *pid, unsigned int level)
{
	struct upid *base = (struct upid *)__builtin_preserve_access_index(&pid->numbers);
	u64 off = ((u64)(level & 31) * bpf_core_type_size(struct upid)) & 1023;

	return (void *)base + off;
}

/* The namespace-local pid of a task: the last entry of pid->numbers[], whose
 * length is pid->level + 1. numbers[] is not bounded by BTF: read it with the
 * probe helper. */
static __always_inline void sr_ns_pid(struct task_struct *task, unsigned int *nr,
				      unsigned int *ns_inum)
{
	struct pid *pid = task->thread_pid;
	struct upid *up = sr_upid_at(pid, pid->level);

	*nr = BPF_CORE_READ(up, nr);
	*ns_inum = BPF_CORE_READ(up, ns, ns.inum);
}

/* PID's number in namespace NS (at depth LEVEL), or 0 when PID is not
 * visible there (it lives in a namespace above or beside NS). */
static __always_inline int sr_pid_nr_in(struct pid *pid, unsigned int level,
					struct pid_namespace *ns)
{
	struct upid *up;

	if (pid->level < level)
		return 0;
	up = sr_upid_at(pid, level);
	if (BPF_CORE_READ(up, ns) != ns)
		return 0;
	return BPF_CORE_READ(up, nr);
}

/* sr_ns_pid() for a task that is not a BTF pointer (bpf_get_current_task()
 * before v5.11 gives a plain address): every load is a probe read. */
static __always_inline void sr_ns_pid_probe(struct task_struct *task, unsigned int *nr,
					    unsigned int *ns_inum)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct upid *up = sr_upid_at(pid, BPF_CORE_READ(pid, level));

	*nr = BPF_CORE_READ(up, nr);
	*ns_inum = BPF_CORE_READ(up, ns, ns.inum);
}

/*
 * The syscall current is executing: orig_ax of its saved user registers.
 * bpf_task_pt_regs() came with v5.15; before it the registers sit at a
 * THREAD_SIZE offset from task->stack that kernel options move (KASAN, and
 * FRED's padding since v6.9), so older kernels go without. -1 when current
 * is in no syscall (an interrupt or fault entry).
 */
static __always_inline bool sr_current_syscall(int *nr)
{
	struct pt_regs *regs;

	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	*nr = (int)BPF_CORE_READ(regs, orig_ax);
	return true;
}

/*
 * The id of TASK's memory cgroup, in whichever hierarchy holds the memory
 * controller (v1 or v2: hybrid machines bind it to v1). css_set->subsys[]
 * is indexed by an enum whose values depend on the kernel's configuration,
 * so the index is relocated and the slot read with the probe helper (a BTF
 * pointer takes constant offsets only). 0 when the kernel has no memory
 * controller.
 */
static __always_inline u64 sr_memory_cgroup_id(struct task_struct *task)
{
	struct cgroup_subsys_state *css = NULL;
	unsigned int id;
	void *slots;

	if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return 0;
	id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	slots = (void *)BPF_CORE_READ(task, cgroups) +
		bpf_core_field_offset(struct css_set, subsys);
	if (bpf_probe_read_kernel(&css, sizeof(css), slots + (id & 15) * sizeof(css)) || !css)
		return 0;
	return BPF_CORE_READ(css, cgroup, kn, id);
}

/*
 * siginfo as signal_generate/deliver pass it: a pointer, or the constants
 * SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1). The argument's BTF type says
 * "pointer", and verifiers disagree on what that means:
 *  - v6.18 takes it as non-NULL and removes a `!info` branch, so every
 *    signal sent without siginfo (pdeathsig, cgroup.kill, SIGPIPE) came out
 *    as SEND_SIG_PRIV: compare with 1, never with 0;
 *  - v6.12 turns it into a scalar after `info > 1`, and refuses the load:
 *      ; *code = info->si_code;
 *      R4 invalid mem access 'scalar'
 *    so the struct is read with the probe helper, which takes either.
 * The empty asm hides the value from clang, which would otherwise rewrite
 * `== 1` under `<= 1` as `!= 0`.
 */
static __always_inline unsigned int sr_siginfo_kind(struct kernel_siginfo *info,
						    unsigned long *addr)
{
	unsigned long v = (unsigned long)info;

	asm volatile("" : "+r"(v));
	*addr = v;
	if (v > 1)
		return SR_INFO_STRUCT;
	asm volatile("" : "+r"(v));
	return v == 1 ? SR_INFO_PRIV : SR_INFO_NOINFO;
}

#endif /* SIGREC_CORE_COMPAT_H */
