/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types the BPF programs read, and only the fields they read.
 * Everything under preserve_access_index is relocated by libbpf against the
 * running kernel's BTF at load time (CO-RE), so field offsets here do not need
 * to match any particular kernel, and the build never depends on the build
 * machine's kernel. Anonymous unions/structs of the real layout are flattened:
 * libbpf matches members through them by name.
 */
#ifndef SIGREC_VMLINUX_MIN_H
#define SIGREC_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef int pid_t;
typedef unsigned int uid_t;

/* UAPI constants (stable ABI values from linux/bpf.h). */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};
enum { BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2 };
enum { BPF_F_NO_PREALLOC = 1 };
enum { BPF_LOCAL_STORAGE_GET_F_CREATE = 1 };
enum { BPF_RB_NO_WAKEUP = 1, BPF_RB_FORCE_WAKEUP = 2 };
enum { BPF_RB_AVAIL_DATA = 0 };

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct {
	int counter;
} atomic_t;

struct ns_common {
	unsigned int inum;
};

struct pid_namespace {
	struct ns_common ns;
};

struct upid {
	int nr;
	struct pid_namespace *ns;
};

struct pid {
	unsigned int level;
	struct upid numbers[1]; /* flexible in the kernel: index with bpf_core_type_size */
};

struct kernfs_node {
	u64 id;
};

struct cgroup {
	struct kernfs_node *kn;
};

struct cgroup_subsys_state {
	struct cgroup *cgroup;
};

struct css_set {
	struct cgroup_subsys_state *subsys[1]; /* CGROUP_SUBSYS_COUNT in the kernel */
	struct cgroup *dfl_cgrp;
};

/* Values relocated against the running kernel (bpf_core_enum_value). */
enum cgroup_subsys_id {
	memory_cgrp_id = 4,
};

struct signal_struct {
	atomic_t live;
};

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
};

/* x86's thread_info, the first member of task_struct. */
struct thread_info {
	u32 status;
};

struct task_struct {
	struct thread_info thread_info;
	unsigned int flags;
	int pdeath_signal;
	int pid;
	int tgid;
	u64 start_boottime;
	char comm[16];
	int exit_code;
	struct task_struct *group_leader;
	struct task_struct *real_parent;
	struct signal_struct *signal;
	struct mm_struct *mm;
	struct pid *thread_pid;
	struct css_set *cgroups;
};

union __sifields {
	struct {
		int _pid;
		unsigned int _uid;
	} _kill;

	struct {
		int _pid;
		unsigned int _uid;
		int _status;
	} _sigchld;
};

struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	union __sifields _sifields;
};

struct sigaction {
	void *sa_handler;
	unsigned long sa_flags;
};

struct k_sigaction {
	struct sigaction sa;
};

/* Relocated against the running kernel's BTF (bpf_core_enum_value_exists):
 * whether it has the helper. */
enum bpf_func_id {
	BPF_FUNC_task_pt_regs = 175,
};

/* x86-64's saved user registers (the kill-family calls read their
 * arguments from them: docs/kernels.md, "Kill-family calls"). */
struct pt_regs {
	unsigned long r10;
	unsigned long bx;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
};

struct linux_binprm {
	const char *filename;
};

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct trace_event_raw_mark_victim {
	struct trace_entry ent;
	int pid;
	unsigned long total_vm;
	unsigned long anon_rss;
	unsigned long file_rss;
	unsigned long shmem_rss;
	uid_t uid;
	unsigned long pgtables;
	short oom_score_adj;
};

#pragma clang attribute pop

/*
 * Tracepoint records are read as the program's context, where the verifier
 * forbids the pointer arithmetic a CO-RE relocation of an indexed access
 * produces. The syscall tracepoints' layout is a stable ABI, so it is fixed
 * here: 8 bytes of common fields, the syscall number, then six 8-byte
 * arguments (or the return value), as events/syscalls/<name>/format shows.
 */
struct trace_event_raw_sys_enter {
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	long id;
	unsigned long args[6];
};

struct trace_event_raw_sys_exit {
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	long id;
	long ret;
};

#endif /* SIGREC_VMLINUX_MIN_H */
