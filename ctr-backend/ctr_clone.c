/* clone3 with a child on a stack of its own (ctr_clone.h). */
#include "ctr_clone.h"

#include <errno.h>
#include <sys/syscall.h>

long ctr_clone3_vm(struct clone_args *ca, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__)
	/* fn and arg ride in callee-saved registers, which the child gets
	 * copies of; its stack pointer is ca->stack + ca->stack_size, 16-byte
	 * aligned, as a call expects. */
	register long ret __asm__("rax") = SYS_clone3;
	register struct clone_args *args __asm__("rdi") = ca;
	register unsigned long size __asm__("rsi") = sizeof(*ca);
	register int (*entry)(void *) __asm__("r12") = fn;
	register void *entry_arg __asm__("r13") = arg;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t" /* outermost frame */
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[exit], %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "+r"(ret)
			 : "r"(args), "r"(size), "r"(entry), "r"(entry_arg), [exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	return ret;
#else
	(void)ca;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#endif
}
