/* 8250/16550A UART on COM1 (0x3f8, IRQ 4), just enough for Linux's
 * console=ttyS0: transmit only, FIFO reported so the driver sends 16
 * bytes per THRE interrupt, loopback for its probe. Register map: TI
 * PC16550D datasheet, section 8. Output goes to --console. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device_table.h"
#include "vm.h"

#define SERIAL_COM1_BASE 0x3f8u
#define SERIAL_PORTS	 8u
#define SERIAL_OUT_BUF	 512u

/* Register offsets (DLAB selects the divisor latch at 0 and 1). */
enum {
	UART_RX_TX = 0, /* RBR / THR, DLL when DLAB */
	UART_IER = 1,	/* DLM when DLAB */
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define UART_IER_THRI	 0x02u
#define UART_IIR_NO_INT	 0x01u
#define UART_IIR_THRI	 0x02u
#define UART_IIR_FIFO_ON 0xc0u /* bits 7:6 set: FIFOs enabled (16550A) */
#define UART_FCR_ENABLE	 0x01u
#define UART_LCR_DLAB	 0x80u
#define UART_MCR_LOOP	 0x10u
#define UART_LSR_THRE	 0x20u
#define UART_LSR_TEMT	 0x40u
/* MSR: carrier, data set ready, clear to send: a terminal is attached. */
#define UART_MSR_CONNECTED 0xb0u

struct serial {
	struct vm *vm;
	pthread_mutex_t lock;
	int out_fd; /* -1: console none */
	bool own_fd;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thri_pending; /* THR empty interrupt waiting to be read in IIR */
	bool irq_level;
	uint8_t buf[SERIAL_OUT_BUF];
	size_t len;
};

static void serial_flush(struct serial *s)
{
	/* A console that is gone or stalled loses output; the guest goes on. */
	if (s->out_fd >= 0)
		vm_write_all(s->vm, s->out_fd, s->buf, s->len);
	s->len = 0;
}

/* Line buffering: one write() per line, not per byte. */
static void serial_put(struct serial *s, uint8_t c)
{
	if (s->out_fd < 0)
		return;
	s->buf[s->len++] = c;
	if (c == '\n' || s->len == sizeof(s->buf))
		serial_flush(s);
}

static void serial_update_irq(struct serial *s)
{
	bool level = (s->ier & UART_IER_THRI) && s->thri_pending;

	if (level != s->irq_level) {
		s->irq_level = level;
		vm_irq_line(s->vm, VM_IRQ_COM1, level);
	}
}

static uint8_t serial_iir(struct serial *s)
{
	uint8_t fifo = (s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO_ON : 0;

	if ((s->ier & UART_IER_THRI) && s->thri_pending) {
		/* Reading IIR with THRE as the source clears it (8.6.3). */
		s->thri_pending = false;
		return fifo | UART_IIR_THRI;
	}
	return fifo | UART_IIR_NO_INT;
}

static void serial_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	struct serial *s = opaque;
	uint8_t v = 0;

	pthread_mutex_lock(&s->lock);
	switch (off) {
	case UART_RX_TX:
		v = (s->lcr & UART_LCR_DLAB) ? s->dll : 0; /* no input */
		break;
	case UART_IER:
		v = (s->lcr & UART_LCR_DLAB) ? s->dlm : s->ier;
		break;
	case UART_IIR_FCR:
		v = serial_iir(s);
		break;
	case UART_LCR:
		v = s->lcr;
		break;
	case UART_MCR:
		v = s->mcr;
		break;
	case UART_LSR:
		/* Transmission is instant: holding register and shifter empty. */
		v = UART_LSR_THRE | UART_LSR_TEMT;
		break;
	case UART_MSR:
		if (s->mcr & UART_MCR_LOOP)
			/* Loopback (8.6.8): CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2. */
			v = (uint8_t)(((s->mcr & 0x02) << 3) | ((s->mcr & 0x01) << 5) |
				      ((s->mcr & 0x04) << 4) | ((s->mcr & 0x08) << 4));
		else
			v = UART_MSR_CONNECTED;
		break;
	case UART_SCR:
		v = s->scr;
		break;
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	memset(data, 0, len);
	*(uint8_t *)data = v;
}

static void serial_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct serial *s = opaque;
	uint8_t v = *(const uint8_t *)data;

	(void)len;
	pthread_mutex_lock(&s->lock);
	switch (off) {
	case UART_RX_TX:
		if (s->lcr & UART_LCR_DLAB) {
			s->dll = v;
			break;
		}
		if (!(s->mcr & UART_MCR_LOOP))
			serial_put(s, v);
		s->thri_pending = true; /* sent at once: THR empty again */
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling THRI while THR is empty raises it (8.6.4). */
		if ((v & UART_IER_THRI) && !(s->ier & UART_IER_THRI))
			s->thri_pending = true;
		s->ier = v & 0x0f;
		break;
	case UART_IIR_FCR:
		s->fcr = v;
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:
		break; /* LSR, MSR: read-only */
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

static const struct bus_ops serial_ops = {.read = serial_read, .write = serial_write};

static bool console_ready(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
}

void serial_teardown(struct vm *vm, void *priv)
{
	struct serial *s = priv;

	(void)vm;
	if (!s)
		return;
	/* What is left of a line goes out only if the console takes it now:
	 * the vCPUs are gone, so nothing would kick this thread out of a
	 * write blocked on a stalled reader (isovm would never exit). */
	if (s->len && s->out_fd >= 0 && console_ready(s->out_fd))
		serial_flush(s);
	if (s->own_fd)
		close(s->out_fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int serial_setup(struct vm *vm, void **priv, struct iso_err *err)
{
	const char *console = vm_config(vm)->console;
	struct serial *s = calloc(1, sizeof(*s));

	if (!s)
		return iso_err_set(err, -ENOMEM, "serial: allocate");
	*priv = s;
	s->vm = vm;
	s->out_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (!strcmp(console, "stdout")) {
		s->out_fd = STDOUT_FILENO;
	} else if (strcmp(console, "none") != 0) {
		s->out_fd = open(console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s->out_fd < 0)
			return iso_err_set(err, -errno, "console %s", console);
		s->own_fd = true;
	}
	return vm_bus_register(vm, VM_BUS_PIO, SERIAL_COM1_BASE, SERIAL_PORTS, &serial_ops, s,
			       "com1", err);
}
