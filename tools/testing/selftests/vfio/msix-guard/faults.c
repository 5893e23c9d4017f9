// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard end-to-end test under injected allocation failures, on the
 * debug kernel (CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC).
 *
 *   msix_guard_faults BDF   device on msix-guard: for each of opening the
 *                           device, its first trapped access (which maps a
 *                           page) and region info of its MSI-X BAR, make
 *                           the 1st, 2nd, ... allocation of this task fail
 *                           (/proc/thread-self/fail-nth) until the
 *                           operation makes no more: each failure must give
 *                           a clean error, each attempt starts from where
 *                           the last failed one left the device, and the
 *                           last, which no failure reaches, must work.
 *
 * Kernel reports (KASAN, lockdep, WARN) are caught by the host's console
 * checker; leaks by the kmemleak scan of the flow that runs this.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_dev.h"

#define MAX_NTH	400

/* Make the @nth fault-injection point this thread passes fail; 0: none. */
static void fail_nth(int fd, unsigned int nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", nth);

	if (pwrite(fd, buf, n, 0) != n)
		die("fail-nth");
}

/* Non-zero while the armed failure has not happened yet. */
static unsigned int fail_nth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("fail-nth");
	return atoi(buf);
}

/* Errors an allocation failure may surface as. */
static bool clean_error(int err)
{
	return err == ENOMEM || err == ENOSPC || err == EIO || err == EBUSY ||
	       err == EINVAL || err == EAGAIN;
}

enum op { OPEN, FIRST_ACCESS, REGION_INFO, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"open", "first-trapped-access", "region-info",
};

/* Before each attempt: the state the operation starts from. */
static void prepare(struct dev *d, enum op op)
{
	if (op == REGION_INFO && d->fd >= 0)
		return;
	/* Closed for OPEN (so it is the first open); else freshly opened. */
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (op == OPEN)
		return;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->fd < 0)
		die("reopen");
}

/* One attempt at @op; 0 or an errno. */
static int attempt(struct dev *d, enum op op)
{
	struct vfio_region_info *info;
	uint32_t v;
	int fd;

	switch (op) {
	case OPEN:
		fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case FIRST_ACCESS:
		return bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4) == 4 ?
		       0 : errno;
	default:
		info = calloc(1, 4096);
		if (!info)
			die("calloc");
		info->argsz = 4096;
		info->index = d->msix.table_bar;
		fd = ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info) ? errno : 0;
		free(info);
		return fd;
	}
}

static void inject(struct dev *d, int nthfd, enum op op)
{
	unsigned int nth, failed = 0, bad = 0;
	char name[64];
	int err;

	for (nth = 1; nth <= MAX_NTH; nth++) {
		prepare(d, op);
		fail_nth(nthfd, nth);
		err = attempt(d, op);
		if (fail_nth_left(nthfd)) {
			/*
			 * The operation passed fewer than nth points: nothing
			 * failed this time, and after every failure before it
			 * the operation works again.
			 */
			fail_nth(nthfd, 0);
			break;
		}
		failed++;
		if (err && !clean_error(err)) {
			bad++;
			printf("MSIXG INFO %s %s: allocation %u failed: errno %d\n",
			       d->bdf, op_names[op], nth, err);
		}
	}
	snprintf(name, sizeof(name), "faults-%s-clean-errors", op_names[op]);
	result(d, failed && !bad && nth <= MAX_NTH, name,
	       "%u injected, %u unclean, %s", failed, bad,
	       nth > MAX_NTH ? "never ran out of points" : "ran out");
	snprintf(name, sizeof(name), "faults-%s-works-after-them", op_names[op]);
	result(d, nth <= MAX_NTH && !err, name, "errno %d", err);
	printf("MSIXG INFO %s %s: %u allocation points failed in turn\n",
	       d->bdf, op_names[op], failed);
}

static bool acpica_function(const char *name)
{
	static const char *const prefixes[] = {
		"acpi_ds_", "acpi_ev_", "acpi_ex_", "acpi_hw_", "acpi_ns_",
		"acpi_ps_", "acpi_rs_", "acpi_tb_", "acpi_ut_",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static void write_attr(const char *attr, const char *file,
		       unsigned long long v)
{
	char path[128];
	FILE *w;

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", attr, file);
	w = fopen(path, "w");
	if (!w || fprintf(w, "0x%llx", v) < 0 || fclose(w))
		die(path);
}

static int cmp_addr(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

static void exclude_acpica(struct dev *d)
{
	static unsigned long long addrs[8192];
	unsigned long long lo = 0, hi = 0, end = ~0ULL, addr;
	unsigned int n = 0, i, start, best = 0;
	char line[512], name[256], type;
	FILE *f = fopen("/proc/kallsyms", "r");
	bool inside = false;

	if (!f)
		die("/proc/kallsyms");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    (type == 't' || type == 'T') && acpica_function(name) &&
		    n < ARRAY_SIZE(addrs))
			addrs[n++] = addr;
	/*
	 * ACPICA's run-time code is one block; its __init functions sit
	 * elsewhere.  The block: the largest run of its functions with no
	 * gap over 256 KiB.
	 */
	qsort(addrs, n, sizeof(addrs[0]), cmp_addr);
	for (i = 0, start = 0; i < n; i++) {
		if (i + 1 < n && addrs[i + 1] - addrs[i] <= 0x40000)
			continue;
		if (i + 1 - start > best) {
			best = i + 1 - start;
			lo = addrs[start];
			hi = addrs[i];
		}
		start = i + 1;
	}
	/* The block ends where the next function after its last starts. */
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    (type == 't' || type == 'T') && addr > hi && addr < end)
			end = addr;
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    addr >= lo && addr < end &&
		    (!strncmp(name, "msixg_", 6) || !strncmp(name, "vfio_", 5)))
			inside = true;
	fclose(f);
	printf("MSIXG INFO %s ACPICA block %llx-%llx, %u of %u functions\n",
	       d->bdf, lo, end, best, n);
	result(d, best && end != ~0ULL && !inside, "faults-acpica-excluded",
	       "ACPICA block %llx-%llx%s", lo, end,
	       inside ? " holds vfio or msix-guard code" : " not found");
	write_attr("failslab", "reject-start", lo);
	write_attr("failslab", "reject-end", end);
	write_attr("fail_page_alloc", "reject-start", lo);
	write_attr("fail_page_alloc", "reject-end", end);
}

int main(int argc, char **argv)
{
	struct dev d = { 0 };
	int nthfd, op;

	open_msix_device(&d, argc, argv);
	exclude_acpica(&d);
	nthfd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nthfd < 0)
		die("/proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");
	for (op = 0; op < NR_OPS; op++)
		inject(&d, nthfd, op);
	close(nthfd);
	prepare(&d, REGION_INFO);
	close_device(&d);
	return d.fail ? 1 : 0;
}
