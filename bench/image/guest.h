/* The programs of the guest image. They are linked into one static
 * multi-call binary, /bin/bench-guest, and picked by the name they are run
 * under (argv[0]): /init and every /bin/<name> are symlinks to it. One copy
 * of the C library instead of one per program keeps the initramfs, and the
 * page cache it occupies in every VM, small. */
#ifndef BENCH_GUEST_H
#define BENCH_GUEST_H

int init_main(int argc, char **argv);
int ready_main(int argc, char **argv);
int mem_main(int argc, char **argv);
int cpu_main(int argc, char **argv);
int syscall_main(int argc, char **argv);
int tasks_main(int argc, char **argv);
int net_stream_main(int argc, char **argv);
int net_rr_main(int argc, char **argv);
int sink_main(int argc, char **argv);

#endif
