/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel layout drift, handled in one place (DESIGN §3, "Portability").
 */
#ifndef SIGREC_CORE_COMPAT_H
#define SIGREC_CORE_COMPAT_H

#include <bpf/bpf_core_read.h>

/*
 * oom:mark_victim carried only the victim pid on older kernels (v6.1 among
 * them); later ones (about v6.8) added comm, the memory figures, uid and
 * oom_score_adj. Fields the running kernel lacks read as 0.
 */
#define SR_OOM_FIELD(ctx, field) (bpf_core_field_exists((ctx)->field) ? (ctx)->field : 0)

/*
 * The namespace-local pid of a task: the last entry of pid->numbers[], whose
 * length is pid->level + 1. numbers[] is a flexible array, so its element
 * size is taken from the kernel's BTF, not from our header.
 */
static __always_inline void sr_ns_pid(struct task_struct *task, unsigned int *nr,
				      unsigned int *ns_inum)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct upid *base = (struct upid *)__builtin_preserve_access_index(&pid->numbers);
	struct upid *up = (void *)base + (u64)(level & 31) * bpf_core_type_size(struct upid);

	/* numbers[] is not bounded by BTF: read it with the probe helper. */
	*nr = BPF_CORE_READ(up, nr);
	*ns_inum = BPF_CORE_READ(up, ns, ns.inum);
}

#endif /* SIGREC_CORE_COMPAT_H */
