// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard under a real VMM.  Debian's QEMU gets an nvme and a
 * megasas-gen2 with -device vfio-pci, whatever VFIO driver has them, and
 * this program plays the guest's driver through QEMU's qtest protocol: QEMU
 * starts with -S, so no guest CPU runs, and every config, port and MMIO
 * access below is one QEMU performs for its guest.  Guest RAM is a file
 * both share, so queues, DMA buffers and the MSI messages QEMU delivers are
 * plain memory here.
 *
 * It checks, and prints as MSIXG PASS/FAIL lines: QEMU mapped exactly the
 * areas the region info allows (its /proc/PID/maps); QEMU's MSI-X table
 * emulation turns the vectors the guest unmasks into interrupts that reach
 * guest memory, one per nvme completion; an 8 MiB pattern written through
 * the nvme and read back is intact; the megasas' registers next to its
 * MSI-X table are reached.  The host checks the rest from the traces of
 * both QEMUs and the nvme's backing file (check_vmm.py).
 *
 * Usage: msix_guard_vmm QEMU NVME_BDF MEGASAS_BDF SEED FIRST_LBA TAG
 *   SEED, FIRST_LBA: the pattern and where it goes (see pattern_block())
 *   TAG: one byte that tells this run's values apart in the traces
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

#define RAM_SIZE	(64u << 20)
#define RAM_PATH	"/tmp/msixg-l2-ram"
#define SOCK_PATH	"/tmp/msixg-qtest.sock"
#define L2_TRACE	"/tmp/msixg-l2.trace"

/* Guest-physical layout (RAM starts at 0; the low 1 MiB is left alone). */
#define ASQ_GPA		0x100000
#define ACQ_GPA		0x101000
#define IOSQ_GPA	0x102000
#define IOCQ_GPA	0x103000
#define IDENT_GPA	0x104000
#define PRPL_GPA	0x105000
#define MSI_GPA		0x106000	/* vector n writes its data at +16 * n */
#define DATA_GPA	0x200000
#define QDEPTH		64
#define XFER		(256u << 10)	/* per command; QEMU's nvme MDTS is 512 KiB */
#define PATTERN_BYTES	(8u << 20)
#define LBA_SIZE	512u
#define MMIO_BASE	0xc0000000u	/* below the IOAPIC, above MMCONFIG */
#define IO_BASE		0xc000u

struct qtest {
	int fd;
	FILE *in;
	pid_t pid;
	char line[4096];
};

static uint8_t *ram;
static struct qtest qt;
static struct dev nvme_dev, mega_dev;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One qtest command; returns what follows "OK" (asynchronous lines skipped). */
static __printf(1, 2) const char *qcmd(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf) - 1) {
		errno = E2BIG;
		die("qtest command");
	}
	buf[n++] = '\n';
	if (write(qt.fd, buf, n) != n)
		die("qtest write");
	do {
		if (!fgets(qt.line, sizeof(qt.line), qt.in)) {
			errno = EPIPE;
			die("qtest: QEMU went away");
		}
	} while (!strncmp(qt.line, "IRQ", 3));
	if (strncmp(qt.line, "OK", 2)) {
		printf("MSIXG FATAL qtest '%.*s' answered %s", n - 1, buf, qt.line);
		exit(2);
	}
	return qt.line + 2;
}

static uint32_t qread(unsigned int size, uint64_t addr)
{
	static const char *const op[] = { [1] = "readb", [2] = "readw", [4] = "readl" };

	return strtoull(qcmd("%s %#llx", op[size], (unsigned long long)addr), NULL, 0);
}

static void qwrite(unsigned int size, uint64_t addr, uint32_t v)
{
	static const char *const op[] = { [1] = "writeb", [2] = "writew", [4] = "writel" };

	qcmd("%s %#llx %#x", op[size], (unsigned long long)addr, v);
}

/* Config space through ports 0xcf8/0xcfc, as a guest without MMCONFIG. */
static uint32_t cfg_addr(unsigned int slot, unsigned int reg)
{
	return 0x80000000u | slot << 11 | (reg & 0xfc);
}

static uint32_t cfg_rd(unsigned int slot, unsigned int reg, unsigned int size)
{
	static const char *const op[] = { [1] = "inb", [2] = "inw", [4] = "inl" };

	qcmd("outl 0xcf8 %#x", cfg_addr(slot, reg));
	return strtoul(qcmd("%s %#x", op[size], 0xcfc + (reg & 3)), NULL, 0);
}

static void cfg_wr(unsigned int slot, unsigned int reg, unsigned int size,
		   uint32_t v)
{
	static const char *const op[] = { [1] = "outb", [2] = "outw", [4] = "outl" };

	qcmd("outl 0xcf8 %#x", cfg_addr(slot, reg));
	qcmd("%s %#x %#x", op[size], 0xcfc + (reg & 3), v);
}

static unsigned int find_slot(uint32_t id)
{
	unsigned int slot;

	for (slot = 0; slot < 32; slot++)
		if (cfg_rd(slot, PCI_VENDOR_ID, 4) == id)
			return slot;
	printf("MSIXG FATAL QEMU shows no device %04x:%04x\n", id & 0xffff, id >> 16);
	exit(2);
}

/* Size and place every BAR as firmware would; guest addresses into @gpa. */
static void assign_bars(unsigned int slot, uint64_t gpa[6])
{
	static uint64_t mem = MMIO_BASE, io = IO_BASE;
	unsigned int i, reg;
	uint32_t orig, sz;
	uint64_t size;

	for (i = 0; i < 6; i++) {
		gpa[i] = 0;
		reg = PCI_BASE_ADDRESS_0 + 4 * i;
		orig = cfg_rd(slot, reg, 4);
		cfg_wr(slot, reg, 4, 0xffffffff);
		sz = cfg_rd(slot, reg, 4);
		if (!sz)
			continue;
		if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
			size = (uint32_t)~(sz & PCI_BASE_ADDRESS_IO_MASK) + 1;
			size &= 0xffff;
			io = (io + size - 1) & ~(size - 1);
			gpa[i] = io;
			cfg_wr(slot, reg, 4, io);
			io += size;
			continue;
		}
		size = (uint32_t)~(sz & PCI_BASE_ADDRESS_MEM_MASK) + 1;
		mem = (mem + size - 1) & ~(size - 1);
		gpa[i] = mem;
		cfg_wr(slot, reg, 4, mem);
		mem += size;
		if (orig & PCI_BASE_ADDRESS_MEM_TYPE_64) {
			cfg_wr(slot, reg + 4, 4, 0);
			i++;
		}
	}
	cfg_wr(slot, PCI_COMMAND, 2,
	       PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static unsigned int find_pci_cap(unsigned int slot, unsigned int id)
{
	unsigned int pos = cfg_rd(slot, PCI_CAPABILITY_LIST, 1) & ~3u, n = 0;

	while (pos && n++ < 48) {
		if (cfg_rd(slot, pos, 1) == id)
			return pos;
		pos = cfg_rd(slot, pos + 1, 1) & ~3u;
	}
	return 0;
}

/*
 * The pattern: each 512-byte block starts with its LBA and the run's seed,
 * and the rest is an xorshift64 stream seeded from both, so a block that
 * landed elsewhere, came back stale or was torn shows.
 */
static void pattern_block(uint8_t *p, uint64_t seed, uint64_t lba)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ lba ^ 0x6d73697867756172ull;
	unsigned int i;

	memcpy(p, &lba, 8);
	memcpy(p + 8, &seed, 8);
	for (i = 16; i < LBA_SIZE; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

/* --- the nvme driver ---------------------------------------------------- */

struct nvme_sqe {
	uint8_t opc, flags;
	uint16_t cid;
	uint32_t nsid, cdw2, cdw3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t result, rsvd;
	uint16_t sq_head, sq_id, cid, status;
};

struct nvme_q {
	unsigned int qid, vector, tail, head, phase;
	uint64_t sq_gpa, cq_gpa;
};

struct nvme {
	uint64_t bar0;
	unsigned int dstrd;
	uint32_t msi_data[2];
	unsigned int irqs, missed_irqs;
	struct nvme_q admin, io;
};

static struct nvme nv;

static void *gpa(uint64_t a)
{
	return ram + a;
}

static uint32_t msi_word(unsigned int vector)
{
	return __atomic_load_n((uint32_t *)gpa(MSI_GPA + 16 * vector), __ATOMIC_ACQUIRE);
}

static uint16_t cqe_status(struct nvme_cqe *cqe)
{
	return __atomic_load_n(&cqe->status, __ATOMIC_ACQUIRE);
}

/*
 * Submit one command and wait for it: first its interrupt (QEMU writes
 * the vector's message into guest memory), then its completion entry.
 * Returns the status field, or -1 if no completion came.
 */
static int nvme_cmd(struct nvme_q *q, struct nvme_sqe *sqe)
{
	struct nvme_cqe *cqe;
	uint32_t *msi = gpa(MSI_GPA + 16 * q->vector);
	double deadline;
	int status;

	sqe->cid = q->tail;
	*msi = 0;
	memcpy(gpa(q->sq_gpa + 64 * q->tail), sqe, sizeof(*sqe));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->tail = (q->tail + 1) % QDEPTH;
	qwrite(4, nv.bar0 + 0x1000 + (2 * q->qid) * (4 << nv.dstrd), q->tail);

	/* Once an interrupt went missing, the rest fail fast. */
	deadline = now() + (nv.missed_irqs ? 1 : 20);
	while (msi_word(q->vector) != nv.msi_data[q->vector] && now() < deadline)
		usleep(200);
	deadline = now() + 20;
	if (msi_word(q->vector) == nv.msi_data[q->vector])
		nv.irqs++;
	else
		nv.missed_irqs++;

	/* The device writes the entry, its phase bit last. */
	cqe = gpa(q->cq_gpa + 16 * q->head);
	while ((cqe_status(cqe) & 1) != q->phase && now() < deadline)
		usleep(200);
	if ((cqe_status(cqe) & 1) != q->phase)
		return -1;
	status = cqe_status(cqe) >> 1;
	if (cqe->cid != sqe->cid)
		status = -2;
	q->head = (q->head + 1) % QDEPTH;
	if (!q->head)
		q->phase ^= 1;
	qwrite(4, nv.bar0 + 0x1000 + (2 * q->qid + 1) * (4 << nv.dstrd), q->head);
	return status;
}

static bool wait_ready(bool ready)
{
	double deadline = now() + 10;

	while (now() < deadline) {
		if (!!(qread(4, nv.bar0 + 0x1c) & 1) == ready)	/* CSTS.RDY */
			return true;
		usleep(1000);
	}
	return false;
}

/* One vector: its message in QEMU's emulated table, unmasked. */
static void msix_entry(uint64_t table, unsigned int vector, uint32_t data)
{
	qwrite(4, table + 16 * vector + 0, MSI_GPA + 16 * vector);
	qwrite(4, table + 16 * vector + 4, 0);
	qwrite(4, table + 16 * vector + 8, data);
	qwrite(4, table + 16 * vector + 12, 0);
}

static int nvme_rw(uint8_t opc, uint64_t lba, unsigned int nlb)
{
	struct nvme_sqe sqe = { .opc = opc, .nsid = 1 };
	uint64_t *prpl = gpa(PRPL_GPA);
	unsigned int i, pages = nlb * LBA_SIZE / 4096;

	for (i = 1; i < pages; i++)
		prpl[i - 1] = DATA_GPA + 4096ull * i;
	sqe.prp1 = DATA_GPA;
	sqe.prp2 = pages == 2 ? DATA_GPA + 4096 : PRPL_GPA;
	sqe.cdw10 = lba;
	sqe.cdw11 = lba >> 32;
	sqe.cdw12 = nlb - 1;
	return nvme_cmd(&nv.io, &sqe);
}

static void run_nvme(unsigned int slot, uint64_t seed, uint64_t lba0,
		     unsigned int tag, double *io_secs)
{
	struct dev *d = &nvme_dev;
	struct nvme_sqe sqe;
	uint64_t bars[6], cap, table, lba;
	unsigned int pos, i, bad = 0, nlb = XFER / LBA_SIZE;
	uint32_t tbl;
	int st, fails = 0;
	double t0;
	char sn[21];

	assign_bars(slot, bars);
	nv.bar0 = bars[0];
	pos = find_pci_cap(slot, PCI_CAP_ID_MSIX);
	tbl = cfg_rd(slot, pos + PCI_MSIX_TABLE, 4);
	table = bars[tbl & PCI_MSIX_TABLE_BIR] + (tbl & PCI_MSIX_TABLE_OFFSET);
	for (i = 0; i < 2; i++) {
		nv.msi_data[i] = 0x4d530000u | tag << 8 | i;
		msix_entry(table, i, nv.msi_data[i]);
	}
	/* QEMU turns this into VFIO_DEVICE_SET_IRQS for vectors 0 and 1. */
	cfg_wr(slot, pos + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	result(d, cfg_rd(slot, pos + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE,
	       "vmm-msix-enabled", "MSI-X enable bit did not stick");

	cap = qread(4, nv.bar0) | (uint64_t)qread(4, nv.bar0 + 4) << 32;
	nv.dstrd = (cap >> 32) & 0xf;
	qwrite(4, nv.bar0 + 0x14, 0);			/* CC.EN = 0 */
	if (!wait_ready(false))
		die("nvme: CSTS.RDY stays set");
	memset(gpa(ASQ_GPA), 0, 0x4000);
	nv.admin = (struct nvme_q){ .qid = 0, .vector = 0, .phase = 1,
				    .sq_gpa = ASQ_GPA, .cq_gpa = ACQ_GPA };
	nv.io = (struct nvme_q){ .qid = 1, .vector = 1, .phase = 1,
				 .sq_gpa = IOSQ_GPA, .cq_gpa = IOCQ_GPA };
	qwrite(4, nv.bar0 + 0x24, (QDEPTH - 1) << 16 | (QDEPTH - 1));	/* AQA */
	qwrite(4, nv.bar0 + 0x28, ASQ_GPA);
	qwrite(4, nv.bar0 + 0x2c, 0);
	qwrite(4, nv.bar0 + 0x30, ACQ_GPA);
	qwrite(4, nv.bar0 + 0x34, 0);
	/* IOCQES 16 bytes, IOSQES 64 bytes, 4K pages, enabled. */
	qwrite(4, nv.bar0 + 0x14, 4 << 20 | 6 << 16 | 1);
	result(d, wait_ready(true), "vmm-nvme-ready", "CSTS.RDY never set");

	sqe = (struct nvme_sqe){ .opc = 0x06, .prp1 = IDENT_GPA, .cdw10 = 1 };
	st = nvme_cmd(&nv.admin, &sqe);
	memcpy(sn, gpa(IDENT_GPA + 4), 20);
	sn[20] = 0;
	result(d, st == 0 && !strncmp(sn, "msixg ", 6), "vmm-nvme-identify",
	       "status %d, serial '%s'", st, sn);

	sqe = (struct nvme_sqe){ .opc = 0x05, .prp1 = IOCQ_GPA, .cdw10 = (QDEPTH - 1) << 16 | 1,
				 .cdw11 = 1 << 16 | 3 };	/* vector 1, IEN, PC */
	st = nvme_cmd(&nv.admin, &sqe);
	sqe = (struct nvme_sqe){ .opc = 0x01, .prp1 = IOSQ_GPA, .cdw10 = (QDEPTH - 1) << 16 | 1,
				 .cdw11 = 1 << 16 | 1 };	/* CQ 1, PC */
	st |= nvme_cmd(&nv.admin, &sqe);
	result(d, st == 0, "vmm-nvme-io-queues", "create queue status %d", st);

	t0 = now();
	for (lba = lba0; lba < lba0 + PATTERN_BYTES / LBA_SIZE; lba += nlb) {
		for (i = 0; i < nlb; i++)
			pattern_block(gpa(DATA_GPA + LBA_SIZE * i), seed, lba + i);
		st = nvme_rw(0x01, lba, nlb);
		fails += st != 0;
	}
	for (lba = lba0; lba < lba0 + PATTERN_BYTES / LBA_SIZE; lba += nlb) {
		uint8_t want[LBA_SIZE];

		memset(gpa(DATA_GPA), 0xa5, XFER);
		st = nvme_rw(0x02, lba, nlb);
		fails += st != 0;
		for (i = 0; i < nlb; i++) {
			pattern_block(want, seed, lba + i);
			bad += !!memcmp(want, gpa(DATA_GPA + LBA_SIZE * i), LBA_SIZE);
		}
	}
	*io_secs = now() - t0;
	result(d, !fails, "vmm-nvme-io", "%d commands failed", fails);
	result(d, !bad, "vmm-nvme-pattern-read-back",
	       "%u of %u blocks differ", bad, PATTERN_BYTES / LBA_SIZE);
	result(d, !nv.missed_irqs && nv.irqs == 3 + 2 * PATTERN_BYTES / XFER,
	       "vmm-msix-interrupts",
	       "%u interrupts reached guest memory, %u commands saw none",
	       nv.irqs, nv.missed_irqs);
	printf("MSIXG VMM-IRQS %s %u\n", d->bdf, nv.irqs);
	cfg_wr(slot, PCI_COMMAND, 2, 0);
}

/*
 * The megasas: a write and a read of a register next to its MSI-X table
 * (same page, past the last entry) and a read of its PBA, through QEMU.
 * The host finds them in the device model's trace (check_vmm.py); QEMU's
 * own table must keep the guest's message to itself.
 */
static void run_megasas(unsigned int slot, unsigned int tag)
{
	struct dev *d = &mega_dev;
	uint64_t bars[6], table, pba;
	unsigned int pos, nvec;
	uint32_t t, p, v = 0x60dc0000u | tag << 8 | 0xa5, got;

	assign_bars(slot, bars);
	pos = find_pci_cap(slot, PCI_CAP_ID_MSIX);
	nvec = (cfg_rd(slot, pos + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE) + 1;
	t = cfg_rd(slot, pos + PCI_MSIX_TABLE, 4);
	p = cfg_rd(slot, pos + PCI_MSIX_PBA, 4);
	table = bars[t & PCI_MSIX_TABLE_BIR] + (t & PCI_MSIX_TABLE_OFFSET);
	pba = bars[p & PCI_MSIX_PBA_BIR] + (p & PCI_MSIX_PBA_OFFSET);

	qwrite(4, table, 0x4d534700u | tag);		/* QEMU's emulated table */
	got = qread(4, table);
	result(d, got == (0x4d534700u | tag), "vmm-table-emulated",
	       "entry 0 reads %#x", got);
	qwrite(4, table + 16 * nvec, v);		/* adjacent: the device's */
	qread(4, table + 16 * nvec + 8);
	got = qread(4, pba);
	result(d, got == 0, "vmm-pba-read", "PBA reads %#x with no vector fired", got);
	/* BAR, adjacent register written, its value, adjacent read, PBA read */
	printf("MSIXG VMM-ADJ %s %u %#x %#x %#x %#x\n", d->bdf, t & PCI_MSIX_TABLE_BIR,
	       (t & PCI_MSIX_TABLE_OFFSET) + 16 * nvec, v,
	       (t & PCI_MSIX_TABLE_OFFSET) + 16 * nvec + 8, p & PCI_MSIX_PBA_OFFSET);
	cfg_wr(slot, PCI_COMMAND, 2, 0);
}

/* --- QEMU -------------------------------------------------------------- */

static void start_qemu(const char *qemu, const char *nvme, const char *mega)
{
	char dev1[128], dev2[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	int ls, fd;

	fd = open(RAM_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, RAM_SIZE))
		die(RAM_PATH);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ram == MAP_FAILED)
		die("mmap guest RAM");
	close(fd);

	unlink(SOCK_PATH);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SOCK_PATH);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (void *)&sa, sizeof(sa)) || listen(ls, 1))
		die("qtest socket");

	snprintf(dev1, sizeof(dev1), "vfio-pci,host=%s,rombar=0,addr=04.0", nvme);
	snprintf(dev2, sizeof(dev2), "vfio-pci,host=%s,rombar=0,addr=05.0", mega);
	qt.pid = fork();
	if (!qt.pid) {
		/* No QEMU outlives a test that died: it would hold the devices. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(qemu, qemu, "-machine", "q35,memory-backend=ram", "-m", "64M",
		      "-object", "memory-backend-file,id=ram,size=64M,mem-path="
		      RAM_PATH ",share=on",
		      "-S", "-nodefaults", "-display", "none", "-serial", "none",
		      "-monitor", "none", "-qtest", "unix:" SOCK_PATH,
		      "-qtest-log", "/dev/null",
		      "-device", dev1, "-device", dev2,
		      "-trace", "vfio_region_*", "-trace", "vfio_msix_*",
		      "-D", L2_TRACE, NULL);
		_exit(127);
	}
	pfd = (struct pollfd){ .fd = ls, .events = POLLIN };
	if (poll(&pfd, 1, 120000) != 1) {
		errno = ETIMEDOUT;
		die("QEMU never connected");
	}
	qt.fd = accept(ls, NULL, NULL);
	if (qt.fd < 0)
		die("accept");
	close(ls);
	qt.in = fdopen(dup(qt.fd), "r");
}

static int stop_qemu(void)
{
	int status;

	kill(qt.pid, SIGTERM);
	if (waitpid(qt.pid, &status, 0) != qt.pid)
		die("waitpid");
	qt.pid = 0;
	return status;
}

/* On any exit, die() included: QEMU goes first, its fds with it. */
static void kill_qemu(void)
{
	if (qt.pid > 0) {
		kill(qt.pid, SIGKILL);
		waitpid(qt.pid, NULL, 0);
	}
}

/*
 * QEMU's mappings of VFIO device fds: every one must be an area the
 * device's region info allows, and together they must be all of them.
 * The areas are worked out from config space and the driver in charge:
 * stock vfio-pci lets every memory BAR map whole, msix-guard everything but
 * the pages holding the MSI-X table or PBA.  The two devices' BARs differ
 * in index or size, so one list serves both.
 */
static void check_maps(struct dev *devs[], unsigned int ndev)
{
	struct { uint64_t off, len; bool seen; } want[32];
	unsigned int nwant = 0, i, j, bar, n, extra = 0, missing = 0;
	char path[64], line[512], drv[256], link[256];
	FILE *f;

	for (i = 0; i < ndev; i++) {
		struct dev *d = devs[i];
		struct span areas[MAX_AREAS];
		bool guard;
		ssize_t len;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", d->bdf);
		len = readlink(path, link, sizeof(link) - 1);
		link[len > 0 ? len : 0] = 0;
		snprintf(drv, sizeof(drv), "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : "");
		guard = !strcmp(drv, "msix-guard-vfio-pci");
		for (bar = 0; bar < 6; bar++) {
			uint32_t lo;

			memcpy(&lo, &d->cfg[PCI_BASE_ADDRESS_0 + 4 * bar], 4);
			if (!d->bar_size[bar] || (lo & PCI_BASE_ADDRESS_SPACE_IO) ||
			    d->bar_size[bar] < d->page)
				continue;
			if (guard) {
				n = expected_areas(d, bar, d->bar_size[bar], areas);
			} else {
				areas[0] = (struct span){ 0, d->bar_size[bar] };
				n = 1;
			}
			if (nwant + n > ARRAY_SIZE(want)) {
				errno = ENOSPC;
				die("more mappable areas than expected");
			}
			for (j = 0; j < n; j++)
				want[nwant++] = (typeof(want[0])){
					region_off(bar) + areas[j].start,
					areas[j].end - areas[j].start, false };
		}
	}

	snprintf(path, sizeof(path), "/proc/%d/maps", qt.pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;

		if (!strstr(line, "vfio-device") ||
		    sscanf(line, "%llx-%llx %*s %llx", &s, &e, &off) != 3)
			continue;
		printf("MSIXG VMM-MAP %#llx %#llx\n", off, e - s);
		for (j = 0; j < nwant; j++)
			if (!want[j].seen && want[j].off == off && want[j].len == e - s)
				break;
		if (j < nwant)
			want[j].seen = true;
		else
			extra++;
	}
	fclose(f);
	for (j = 0; j < nwant; j++)
		missing += !want[j].seen;
	result(devs[0], !extra && !missing, "vmm-qemu-maps-exactly-the-areas",
	       "%u mappings not allowed, %u allowed areas not mapped", extra, missing);
}

int main(int argc, char **argv)
{
	struct dev *devs[] = { &nvme_dev, &mega_dev };
	unsigned int tag, nslot, mslot;
	uint64_t seed, lba0;
	double t0, t1, io = 0;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 7) {
		fprintf(stderr, "usage: %s QEMU NVME_BDF MEGASAS_BDF SEED FIRST_LBA TAG\n",
			argv[0]);
		return 2;
	}
	seed = strtoull(argv[4], NULL, 0);
	lba0 = strtoull(argv[5], NULL, 0);
	tag = strtoul(argv[6], NULL, 0) & 0xff;
	read_config_sysfs(&nvme_dev, argv[2]);
	read_config_sysfs(&mega_dev, argv[3]);

	t0 = now();
	atexit(kill_qemu);
	start_qemu(argv[1], argv[2], argv[3]);
	nslot = find_slot(0x00101b36);	/* the first command waits for realize */
	mslot = find_slot(0x00791000);
	t1 = now();
	check_maps(devs, 2);
	run_megasas(mslot, tag);
	run_nvme(nslot, seed, lba0, tag, &io);
	status = stop_qemu();
	result(&nvme_dev, WIFEXITED(status) && !WEXITSTATUS(status),
	       "vmm-qemu-exit", "QEMU ended with status %#x", status);
	printf("MSIXG VMM-TIME startup %.2f io %.2f total %.2f\n",
	       t1 - t0, io, now() - t0);
	printf("MSIXG VMM-DONE %u passed, %u failed\n",
	       nvme_dev.pass + mega_dev.pass, nvme_dev.fail + mega_dev.fail);
	return nvme_dev.fail + mega_dev.fail ? 1 : 0;
}
