/* clone3 whose child shares the monitor's memory until it execs. */
#ifndef ISOCTR_CTR_CLONE_H
#define ISOCTR_CTR_CLONE_H

#include <linux/sched.h>

/* clone3 with `ca` (whose flags hold CLONE_VM | CLONE_VFORK), the child
 * running fn(arg) on the stack ca->stack/ca->stack_size and exiting with
 * its return value. Only the parent returns: the child's pid once the
 * child has called execve or exited, or a negative errno; -ENOSYS where
 * this architecture has no such entry (the caller then forks). The C
 * library has no clone3 wrapper, and a child on a stack of its own
 * cannot return from a plain syscall(). */
long ctr_clone3_vm(struct clone_args *ca, int (*fn)(void *), void *arg);

#endif
