// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard parity test: the same sequence of VFIO operations on two
 * identical devices, one bound to stock vfio-pci and one to msix-guard.
 *
 *   msix_guard_parity STOCK_BDF GUARD_BDF SEED NOPS
 *
 * A fixed list of edge cases, then NOPS random operations drawn from SEED:
 * reads and writes of every region index (invalid ones too) at offsets
 * around the BAR ends, the MSI-X structures and page boundaries, sizes 0-9
 * and large, every alignment, from good, NULL and half-unmapped buffers;
 * decode toggles, low-power entry and exit, resets, ioeventfd registration,
 * region and IRQ info, config reads and mmaps.
 *
 * Each operation runs on the stock device, then on the msix-guard one, each
 * bracketed by isa-debugcon marks (0xfd before, 0xfe after) so the host can
 * cut QEMU's trace of what reached each device per operation.  Every
 * operation prints one line:
 *
 *   MSIXG POP <n> <operation> A <ret> <errno> <hash> B <ret> <errno> <hash>
 *
 * (hash: of the bytes read, or of what an info ioctl returned); the host
 * (check_parity.py) compares the two sides and the two traces and sorts
 * every difference into a documented class or a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

#define MARK_BEGIN	0xfd
#define MARK_END	0xfe
#define BUF_SIZE	(3 * 4096)

enum op_kind { OP_READ, OP_WRITE, OP_CONFIG_READ, OP_DECODE, OP_REGION_INFO,
	       OP_IRQ_INFO, OP_MMAP, OP_IOEVENTFD, OP_LOW_POWER, OP_RESET,
	       NR_OP_KINDS };

static const char *const op_names[NR_OP_KINDS] = {
	"read", "write", "config-read", "decode", "region-info", "irq-info",
	"mmap", "ioeventfd", "low-power", "reset",
};

enum buf_kind { BUF_GOOD, BUF_NULL, BUF_HALF };

struct op {
	enum op_kind kind;
	unsigned int index;	/* region, or IRQ index */
	uint64_t off;
	uint64_t len;
	enum buf_kind buf;
	uint64_t arg;		/* data seed; on/off for decode and low power */
};

struct outcome {
	long long ret;
	int err;
	uint64_t hash;
};

/* Two pages of good memory followed by an inaccessible one. */
static uint8_t *buffer;

static struct op mk(enum op_kind kind, unsigned int index, uint64_t off,
		    uint64_t len, enum buf_kind buf, uint64_t arg)
{
	return (struct op){ .kind = kind, .index = index, .off = off,
			    .len = len, .buf = buf, .arg = arg };
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The user buffer of an access of @len bytes, as @kind says. */
static uint8_t *user_buf(enum buf_kind kind, uint64_t len)
{
	switch (kind) {
	case BUF_NULL:
		return NULL;
	case BUF_HALF:
		/* The first half readable, the rest in the PROT_NONE page. */
		return buffer + 2 * 4096 - (len > 2 * 4096 ? 4096 : len / 2);
	default:
		return buffer;
	}
}

static void fill(uint8_t *p, uint64_t len, uint64_t seed)
{
	uint64_t i, s = seed | 1;

	for (i = 0; i < len; i++)
		p[i] = rnd(&s);
}

static void run_op(struct dev *d, const struct op *op, struct outcome *o)
{
	uint64_t len = op->len > 2 * 4096 ? 2 * 4096 : op->len;
	uint8_t *p = user_buf(op->buf, len);
	uint16_t cmd;
	int efd;

	memset(o, 0, sizeof(*o));
	o->hash = 0xcbf29ce484222325ULL;
	errno = 0;
	switch (op->kind) {
	case OP_READ:
		if (op->buf == BUF_GOOD)
			memset(p, 0xa5, len);
		o->ret = pread(d->fd, p, len, region_off(op->index) + op->off);
		if (o->ret > 0 && op->buf != BUF_NULL)
			o->hash = fnv(o->hash, p, o->ret);
		break;
	case OP_WRITE:
		if (op->buf == BUF_GOOD)
			fill(p, len, op->arg);
		else if (op->buf == BUF_HALF)
			fill(p, len / 2, op->arg);
		o->ret = pwrite(d->fd, p, len, region_off(op->index) + op->off);
		break;
	case OP_CONFIG_READ:
		o->ret = pread(d->fd, buffer, len,
			       region_off(VFIO_PCI_CONFIG_REGION_INDEX) + op->off);
		/*
		 * The BARs hold each device's own addresses, the interrupt
		 * line its slot's routing.
		 */
		for (uint64_t i = 0; o->ret > 0 && i < (uint64_t)o->ret; i++)
			if ((op->off + i >= PCI_BASE_ADDRESS_0 &&
			     op->off + i < PCI_CARDBUS_CIS) ||
			    op->off + i == PCI_INTERRUPT_LINE)
				buffer[i] = 0;
		if (o->ret > 0)
			o->hash = fnv(o->hash, buffer, o->ret);
		break;
	case OP_DECODE:
		cmd = cfg_read16(d, PCI_COMMAND);
		cmd = op->arg ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
		o->ret = cfg_write16(d, PCI_COMMAND, cmd);
		break;
	case OP_REGION_INFO: {
		/* With its capability chain, in a buffer as large as it asks. */
		struct vfio_region_info *info = (void *)buffer;

		memset(buffer, 0, 2 * 4096);
		info->argsz = 2 * 4096;
		info->index = op->index;
		o->ret = ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info);
		if (!o->ret)
			o->hash = fnv(o->hash, info, info->argsz < 2 * 4096 ?
				      info->argsz : 2 * 4096);
		break;
	}
	case OP_IRQ_INFO: {
		struct vfio_irq_info info = { .argsz = sizeof(info),
					      .index = op->index };

		o->ret = ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
		if (!o->ret)
			o->hash = fnv(o->hash, &info, sizeof(info));
		break;
	}
	case OP_MMAP: {
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       d->fd, region_off(op->index) + op->off);

		o->ret = m == MAP_FAILED ? -1 : 0;
		if (m != MAP_FAILED)
			munmap(m, len);
		break;
	}
	case OP_IOEVENTFD: {
		struct vfio_device_ioeventfd ie = {
			.argsz = sizeof(ie), .flags = op->len,
			.offset = region_off(op->index) + op->off,
			.data = op->arg,
		};

		efd = eventfd(0, EFD_CLOEXEC);
		ie.fd = efd;
		o->ret = ioctl(d->fd, VFIO_DEVICE_IOEVENTFD, &ie);
		o->err = o->ret ? errno : 0;
		if (!o->ret) {
			ie.fd = -1;
			ioctl(d->fd, VFIO_DEVICE_IOEVENTFD, &ie);
		}
		close(efd);
		return;
	}
	case OP_LOW_POWER: {
		struct vfio_device_feature f = {
			.argsz = sizeof(f),
			.flags = VFIO_DEVICE_FEATURE_SET |
				 (op->arg ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
					    VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
		};

		o->ret = ioctl(d->fd, VFIO_DEVICE_FEATURE, &f);
		break;
	}
	case OP_RESET:
		o->ret = ioctl(d->fd, VFIO_DEVICE_RESET);
		break;
	default:
		break;
	}
	o->err = o->ret < 0 ? errno : 0;
}

/* Offsets worth trying in BAR @bar, which holds the MSI-X layout of @d. */
static uint64_t interesting(struct dev *d, unsigned int bar, uint64_t *s)
{
	uint64_t size = d->bar_size[bar] ? d->bar_size[bar] : 0x4000;
	uint64_t base[] = {
		0, size, d->page, size - d->page,
		d->msix.table.start, d->msix.table.end,
		d->msix.pba.start, d->msix.pba.end,
		d->msix.table.start - d->msix.table.start % d->page,
		d->msix.pba.start - d->msix.pba.start % d->page,
		d->msix.table.end - d->msix.table.end % d->page + d->page,
	};
	uint64_t r = rnd(s), v;

	if (!(r % 5))
		return rnd(s) % (size + 64);
	v = base[r % ARRAY_SIZE(base)] + rnd(s) % 25;
	return v >= 12 ? v - 12 : v;
}

static uint64_t pick_len(uint64_t *s)
{
	static const uint64_t big[] = { 12, 16, 31, 64, 100, 4096, 8192, 1ULL << 32 };
	uint64_t r = rnd(s);

	return r % 4 ? r % 10 : big[(r >> 8) % ARRAY_SIZE(big)];
}

static void random_op(struct dev *d, uint64_t *s, struct op *op)
{
	unsigned int bar = d->msix.table_bar;
	uint64_t r = rnd(s);

	memset(op, 0, sizeof(*op));
	op->arg = rnd(s);
	switch (r % 32) {
	case 0 ... 12:
		op->kind = OP_READ;
		break;
	case 13 ... 20:
		op->kind = OP_WRITE;
		break;
	case 21 ... 22:
		op->kind = OP_CONFIG_READ;
		op->off = rnd(s) % 260;
		op->len = rnd(s) % 9;
		return;
	case 23 ... 24:
		op->kind = OP_DECODE;
		op->arg = rnd(s) % 3 != 0;	/* mostly back on */
		return;
	case 25:
		op->kind = OP_REGION_INFO;
		op->index = rnd(s) % 12;
		return;
	case 26:
		op->kind = OP_IRQ_INFO;
		op->index = rnd(s) % 7;
		return;
	case 27 ... 28:
		op->kind = OP_MMAP;
		op->index = rnd(s) % 4 ? bar : rnd(s) % 10;
		op->off = interesting(d, bar, s) & ~(d->page - 1);
		op->len = d->page * (1 + rnd(s) % 3);
		return;
	case 29:
		op->kind = OP_IOEVENTFD;
		op->index = bar;
		op->off = interesting(d, bar, s);
		op->len = 1 << (rnd(s) % 4);	/* flags = size */
		return;
	case 30:
		op->kind = OP_LOW_POWER;
		op->arg = rnd(s) % 2;
		return;
	default:
		op->kind = OP_RESET;
		return;
	}
	/* Reads and writes: mostly the MSI-X BAR, sometimes any index. */
	op->index = rnd(s) % 8 ? bar : rnd(s) % 12;
	op->off = interesting(d, bar, s);
	if (!(rnd(s) % 40))
		op->off = (1ULL << 40) - 1 - rnd(s) % 16;
	op->len = pick_len(s);
	op->buf = rnd(s) % 10 ? BUF_GOOD : rnd(s) % 2 ? BUF_NULL : BUF_HALF;
	/* Writes stay near the withheld pages: no random device commands. */
	if (op->kind == OP_WRITE) {
		uint64_t lo = d->msix.table.start - d->msix.table.start % d->page;

		op->index = bar;
		if (op->off + 64 < lo)
			op->off = lo - rnd(s) % 64;
	}
}

/* Edge cases every run has, before the random ones. */
static unsigned int edge_ops(struct dev *d, struct op *ops)
{
	unsigned int bar = d->msix.table_bar, n = 0, i;
	uint64_t size = d->bar_size[bar], t = d->msix.table.start;
	uint64_t p = d->msix.pba.start;
	static const uint64_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 17 };

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		ops[n++] = mk(OP_READ, bar, size - 16, lens[i] + 16 - 9, 0, 0);
		ops[n++] = mk(OP_READ, bar, size, lens[i], 0, 0);
		ops[n++] = mk(OP_READ, bar, t - 4, lens[i], 0, 0);
		ops[n++] = mk(OP_READ, d->msix.pba_bar, p + 1, lens[i], 0, 0);
	}
	ops[n++] = mk(OP_READ, bar, size - 0x10, 17, 0, 0);
	ops[n++] = mk(OP_READ, bar, size + 0x1000, 0, 0, 0);
	ops[n++] = mk(OP_WRITE, bar, t, 4, BUF_NULL, 0);
	ops[n++] = mk(OP_READ, bar, t - 0x10, 64, BUF_HALF, 0);
	ops[n++] = mk(OP_READ, bar, t + 0xe0, 64, BUF_NULL, 0);
	ops[n++] = mk(OP_WRITE, bar, t - 0x20, 64, BUF_HALF, 7);
	ops[n++] = mk(OP_WRITE, bar, p, 8, BUF_GOOD, 9);
	ops[n++] = mk(OP_IOEVENTFD, d->msix.pba_bar, p, 8, 0, 1);
	ops[n++] = mk(OP_IOEVENTFD, bar, t, 4, 0, 1);
	ops[n++] = mk(OP_DECODE, 0, 0, 0, 0, 0);
	ops[n++] = mk(OP_READ, bar, t, 4, 0, 0);
	ops[n++] = mk(OP_WRITE, bar, t, 4, BUF_GOOD, 3);
	ops[n++] = mk(OP_WRITE, bar, t, 4, BUF_HALF, 3);
	ops[n++] = mk(OP_READ, d->msix.pba_bar, p, 4, 0, 0);
	ops[n++] = mk(OP_DECODE, 0, 0, 0, 0, 1);
	/* PCI_COMMAND rewritten with the value it has. */
	ops[n++] = mk(OP_DECODE, 0, 0, 0, 0, 1);
	ops[n++] = mk(OP_LOW_POWER, 0, 0, 0, 0, 1);
	ops[n++] = mk(OP_READ, d->msix.pba_bar, p, 4, 0, 0);
	ops[n++] = mk(OP_READ, bar, d->msix.table.end, 4, 0, 0);
	ops[n++] = mk(OP_READ, bar, 0, 4, 0, 0);
	ops[n++] = mk(OP_LOW_POWER, 0, 0, 0, 0, 0);
	for (i = 0; i < 12; i++)
		ops[n++] = mk(OP_REGION_INFO, i, 0, 0, 0, 0);
	for (i = 0; i < 7; i++)
		ops[n++] = mk(OP_IRQ_INFO, i, 0, 0, 0, 0);
	ops[n++] = mk(OP_RESET, 0, 0, 0, 0, 0);
	return n;
}

static void print_op(unsigned int n, const struct op *op)
{
	printf("MSIXG POP %u %s %u %#llx %llu %d %#llx", n, op_names[op->kind],
	       op->index, (unsigned long long)op->off,
	       (unsigned long long)op->len, op->buf,
	       (unsigned long long)op->arg);
}

int main(int argc, char **argv)
{
	struct dev d[2] = { 0 };
	struct op *ops;
	struct outcome o[2];
	uint64_t seed;
	unsigned int n, nops, i, j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5) {
		fprintf(stderr, "usage: %s STOCK_BDF GUARD_BDF SEED NOPS\n", argv[0]);
		return 2;
	}
	buffer = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED || mprotect(buffer + 2 * 4096, 4096, PROT_NONE))
		die("buffer");
	for (i = 0; i < 2; i++) {
		open_device(&d[i], argv[1 + i]);
		read_config(&d[i]);
		if (!d[i].msix.present)
			die("device without MSI-X");
	}
	seed = strtoull(argv[3], NULL, 0) | 1;
	nops = strtoul(argv[4], NULL, 0);
	ops = calloc(nops + 128, sizeof(*ops));
	if (!ops)
		die("calloc");
	n = edge_ops(&d[0], ops);
	for (i = 0; i < nops; i++)
		random_op(&d[0], &seed, &ops[n++]);

	for (j = 0; j < 2; j++) {
		printf("MSIXG MSIX %s %u %#llx %#llx %u %#llx %#llx\n", d[j].bdf,
		       d[j].msix.table_bar,
		       (unsigned long long)d[j].msix.table.start,
		       (unsigned long long)d[j].msix.table.end,
		       d[j].msix.pba_bar,
		       (unsigned long long)d[j].msix.pba.start,
		       (unsigned long long)d[j].msix.pba.end);
		for (i = 0; i < 6; i++)
			printf("MSIXG BAR %s %u %#llx %#llx\n", d[j].bdf, i,
			       (unsigned long long)d[j].bar_phys[i],
			       (unsigned long long)d[j].bar_size[i]);
	}
	printf("MSIXG PARITY %s %s ops %u page %#llx\n", d[0].bdf, d[1].bdf, n,
	       (unsigned long long)d[0].page);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			debugcon_mark(MARK_BEGIN);
			run_op(&d[j], &ops[i], &o[j]);
			debugcon_mark(MARK_END);
		}
		print_op(i, &ops[i]);
		for (j = 0; j < 2; j++)
			printf(" %c %lld %d %#llx", 'A' + j, o[j].ret, o[j].err,
			       (unsigned long long)o[j].hash);
		printf("\n");
	}
	/* Leave both as found: decode on, out of low power. */
	for (j = 0; j < 2; j++) {
		struct op on = { OP_DECODE, 0, 0, 0, 0, 1 };
		struct op awake = { OP_LOW_POWER, 0, 0, 0, 0, 0 };

		run_op(&d[j], &awake, &o[j]);
		run_op(&d[j], &on, &o[j]);
		close_device(&d[j]);
	}
	printf("MSIXG PARITY END %u\n", n);
	return 0;
}
