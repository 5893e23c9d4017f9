// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard end-to-end test of device faults, on the debug kernel, while
 * threads keep making trapped accesses (and, on msix-guard, decode toggles):
 *
 *   msix_guard_devfaults remove BDF QEMU_ID
 *     The device goes away under an open fd: QEMU's monitor device_del
 *     (the host relays the "MSIXG QMP" line), an ACPI eject request the
 *     kernel turns into a removal.  vfio must ask for the device back (the
 *     request eventfd), accesses must keep completing meanwhile, the
 *     removal must finish once the fd is closed, and the device must then
 *     be gone, a new open failing cleanly.
 *
 *   msix_guard_devfaults aer STOCK_BDF STOCK_PORT GUARD_BDF GUARD_PORT
 *     The same uncorrectable non-fatal AER error injected through QEMU's
 *     monitor into the root ports (QEMU ids) above a device on stock
 *     vfio-pci and one on msix-guard: the kernel's recovery tells the
 *     drivers below (error_detected), whose error eventfd must fire alike,
 *     and both devices must work after it.  At the port, because QEMU 7.2
 *     sends no error message up from its endpoint models: their Device
 *     Control error-reporting enables are read-only zero.  And no
 *     correctable error: QEMU 7.2 sends none up from any function (its
 *     pcie_aer_msg_alldev() passes uncorrectable ones only), and no driver
 *     is told of one anyway.
 *
 * Kernel reports (KASAN, lockdep, WARN, hung tasks) are caught by the
 * host's console checker; leaks by the kmemleak scan of the flow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

struct accessor {
	struct dev *d;
	bool toggle_decode;
	pthread_t thread;
	bool stop;		/* set by the main thread, atomically */
	bool ended_ebadf;	/* the fd was closed under the thread */
	/* Written by the thread only; read after it is joined or for progress. */
	unsigned long done, errors, forwarded_all_ones;
	unsigned long long errnos;	/* bit n: errno n seen */
	unsigned long max_us;	/* slowest access, read while it runs */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void account(struct accessor *a, ssize_t n, size_t want, double t0)
{
	unsigned long us = (now() - t0) * 1e6;

	if (us > __atomic_load_n(&a->max_us, __ATOMIC_RELAXED))
		__atomic_store_n(&a->max_us, us, __ATOMIC_RELAXED);
	if (n < 0 && errno == EBADF) {	/* the fd was closed: the end */
		__atomic_store_n(&a->ended_ebadf, true, __ATOMIC_RELEASE);
		return;
	}
	__atomic_add_fetch(&a->done, 1, __ATOMIC_RELAXED);
	if (n == (ssize_t)want)
		return;
	a->errors++;
	if (n < 0 && errno < 64)
		a->errnos |= 1ull << errno;
}

/*
 * Trapped accesses in a loop: a table read (virtualized), a PBA read and,
 * where the table's page holds more, a write and a read of the register
 * after the table (forwarded).
 */
static void *access_loop(void *arg)
{
	struct accessor *a = arg;
	struct dev *d = a->d;
	uint64_t adj = d->msix.table.end;
	bool have_adj = adj % d->page != 0;
	unsigned long i;
	uint32_t v;
	ssize_t n;
	double t0;

	for (i = 0; !__atomic_load_n(&a->stop, __ATOMIC_RELAXED) &&
	     !__atomic_load_n(&a->ended_ebadf, __ATOMIC_ACQUIRE); i++) {
		t0 = now();
		n = bar_read(d, d->msix.table_bar, d->msix.table.start, &v, 4);
		account(a, n, 4, t0);

		t0 = now();
		n = bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4);
		account(a, n, 4, t0);
		if (n == 4 && v == 0xffffffff)
			a->forwarded_all_ones++;

		if (have_adj) {
			v = 0x5afe0000 | (i & 0xffff);
			t0 = now();
			account(a, bar_write(d, d->msix.table_bar, adj, &v, 4), 4, t0);
			t0 = now();
			n = bar_read(d, d->msix.table_bar, adj + 8, &v, 4);
			account(a, n, 4, t0);
		}
		if (a->toggle_decode && i % 16 == 15) {
			uint16_t cmd = cfg_read16(d, PCI_COMMAND);

			cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
			cfg_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
		}
	}
	return NULL;
}

static void start_accessor(struct accessor *a, struct dev *d, bool toggle)
{
	a->d = d;
	a->toggle_decode = toggle;
	if (pthread_create(&a->thread, NULL, access_loop, a))
		die("pthread_create");
}

static void stop_accessor(struct accessor *a)
{
	__atomic_store_n(&a->stop, true, __ATOMIC_RELAXED);
	pthread_join(a->thread, NULL);
}

/* Accesses completed over @secs: the thread is not stuck. */
static unsigned long progress(struct accessor *a, double secs)
{
	unsigned long before = __atomic_load_n(&a->done, __ATOMIC_RELAXED);

	usleep(secs * 1e6);
	return __atomic_load_n(&a->done, __ATOMIC_RELAXED) - before;
}

static void print_errnos(struct accessor *a, const char *when)
{
	int e;

	printf("MSIXG INFO %s %s: %lu accesses, %lu failed, errnos:", a->d->bdf,
	       when, a->done, a->errors);
	for (e = 0; e < 64; e++)
		if (a->errnos & 1ull << e)
			printf(" %s", strerrorname_np(e) ? strerrorname_np(e) : "?");
	printf("; PBA read all-ones %lu times, slowest access %.3f s\n",
	       a->forwarded_all_ones, a->max_us / 1e6);
}

/* An eventfd for one VFIO interrupt index (error or request). */
static int irq_eventfd(struct dev *d, unsigned int index)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;
	int32_t efd = eventfd(0, EFD_NONBLOCK);

	if (efd < 0)
		die("eventfd");
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(efd));
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set))
		die("VFIO_DEVICE_SET_IRQS");
	return efd;
}

/* Signals counted on @efd within @secs (0 if none). */
static uint64_t wait_eventfd(int efd, double secs)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, secs * 1000) == 1 && read(efd, &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

static bool gone_within(const char *bdf, double secs)
{
	char path[128];
	double end = now() + secs;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	while (now() < end) {
		if (access(path, F_OK))
			return true;
		usleep(50000);
	}
	return false;
}

static int do_remove(const char *bdf, const char *qemu_id)
{
	struct accessor a = { 0 };
	struct dev d = { 0 };
	char path[256], link[256];
	unsigned long moved;
	uint64_t req;
	char *group;
	ssize_t n;
	int efd, fd, tries;

	open_device(&d, bdf);
	read_config(&d);
	if (!d.msix.present)
		die("no MSI-X");
	efd = irq_eventfd(&d, VFIO_PCI_REQ_IRQ_INDEX);
	start_accessor(&a, &d, false);
	result(&d, progress(&a, 0.3) > 0, "remove-accesses-run", "no progress");

	printf("MSIXG QMP device_del %s\n", qemu_id);
	fflush(stdout);
	req = wait_eventfd(efd, 30);
	result(&d, req > 0,
	       "remove-request-signalled",
	       "vfio never asked for the device back");
	moved = progress(&a, 0.5);
	result(&d, moved > 0 && __atomic_load_n(&a.max_us, __ATOMIC_RELAXED) < 2000000,
	       "remove-accesses-complete-meanwhile",
	       "%lu accesses in 0.5 s, slowest %.3f s", moved,
	       __atomic_load_n(&a.max_us, __ATOMIC_RELAXED) / 1e6);

	/*
	 * Give the device back as a VMM would, with the thread still
	 * accessing: the accesses under way finish, the next ones fail.
	 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	close(d.fd);
	for (tries = 0; tries < 50 && !__atomic_load_n(&a.ended_ebadf, __ATOMIC_ACQUIRE); tries++)
		usleep(100000);
	stop_accessor(&a);
	print_errnos(&a, "remove");
	result(&d, a.ended_ebadf && !a.errors, "remove-accesses-end-with-an-error",
	       "%s, %lu failed before the close",
	       a.ended_ebadf ? "EBADF after the close" : "no EBADF within 5 s", a.errors);
	close(d.group);
	close(d.container);
	result(&d, gone_within(bdf, 20),
	       "remove-completes-after-close",
	       "the device is still there 20 s after the close");
	group = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/%s", group ? group + 1 : "?");
	fd = open(path, O_RDWR);
	result(&d, fd < 0 && errno == ENOENT,
	       "remove-reopen-fails-cleanly",
	       "open %s: %s", path, fd < 0 ? strerror(errno) : "succeeded");
	if (fd >= 0)
		close(fd);
	close(efd);
	return d.fail ? 1 : 0;
}

static void inject(const char *qemu_id, const char *err)
{
	printf("MSIXG QMP hmp pcie_aer_inject_error %s %s\n", qemu_id, err);
	fflush(stdout);
}

/*
 * QEMU's PCIe model passes an uncorrectable error message up only from a
 * function with SERR# enabled in its Command register, and Linux leaves it
 * off on root ports: set on the device's port through sysfs, as an
 * administrator would.
 */
static void enable_port_serr(struct dev *d)
{
	char path[256], link[256];
	uint16_t cmd;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", d->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink device");
	link[n] = 0;
	*strrchr(link, '/') = 0;		/* the port's directory */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 strrchr(link, '/') + 1);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, PCI_COMMAND) != 2)
		die(path);
	cmd |= PCI_COMMAND_SERR;
	if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2)
		die("port Command write");
	close(fd);
}

static int do_aer(char **argv)
{
	struct dev stock = { 0 }, guard = { 0 };
	struct accessor as = { 0 }, ag = { 0 };
	uint64_t ns, ng;
	int es, eg;
	uint32_t v;
	bool ok;

	open_device(&stock, argv[0]);
	read_config(&stock);
	open_device(&guard, argv[2]);
	read_config(&guard);
	if (!stock.msix.present || !guard.msix.present)
		die("no MSI-X");
	enable_port_serr(&stock);
	enable_port_serr(&guard);
	es = irq_eventfd(&stock, VFIO_PCI_ERR_IRQ_INDEX);
	eg = irq_eventfd(&guard, VFIO_PCI_ERR_IRQ_INDEX);
	start_accessor(&as, &stock, false);
	start_accessor(&ag, &guard, true);

	/* Uncorrectable, non-fatal: error_detected, then the eventfd. */
	inject(argv[1], "POISON_TLP");
	inject(argv[3], "POISON_TLP");
	ns = wait_eventfd(es, 15);
	ng = wait_eventfd(eg, 15);
	result(&guard, ns == ng && ng > 0, "aer-nonfatal-eventfd-as-stock",
	       "error eventfd: stock %llu, msix-guard %llu",
	       (unsigned long long)ns, (unsigned long long)ng);
	/* Let the recovery finish, with the accesses still going. */
	sleep(1);
	result(&guard, progress(&as, 0.3) > 0 && progress(&ag, 0.3) > 0,
	       "aer-accesses-continue", "an accessor is stuck");
	stop_accessor(&as);
	stop_accessor(&ag);
	print_errnos(&as, "aer stock");
	print_errnos(&ag, "aer msix-guard");
	/* Decode-off windows fail accesses with EIO on both drivers. */
	result(&guard, !(ag.errnos & ~(1ull << EIO)) && !as.errnos,
	       "aer-no-unexpected-errors", "see the errnos above");

	/* The devices answer: config space and the PBA (forwarded on msix-guard). */
	ok = cfg_read16(&stock, PCI_VENDOR_ID) == 0x8086 &&
	     cfg_read16(&guard, PCI_VENDOR_ID) == 0x8086;
	ok &= bar_read(&stock, stock.msix.pba_bar, stock.msix.pba.start, &v, 4) == 4 &&
	      v != 0xffffffff;
	ok &= bar_read(&guard, guard.msix.pba_bar, guard.msix.pba.start, &v, 4) == 4 &&
	      v != 0xffffffff;
	result(&guard, ok, "aer-devices-work-after-recovery",
	       "vendor IDs %#x %#x, last PBA read %#x", cfg_read16(&stock, PCI_VENDOR_ID),
	       cfg_read16(&guard, PCI_VENDOR_ID), v);
	close(es);
	close(eg);
	close_device(&stock);
	close_device(&guard);
	return guard.fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "remove"))
		return do_remove(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "aer"))
		return do_aer(argv + 2);
	fprintf(stderr, "usage: %s remove BDF QEMU_ID\n"
		"       %s aer STOCK_BDF STOCK_PORT GUARD_BDF GUARD_PORT\n", argv[0], argv[0]);
	return 2;
}
