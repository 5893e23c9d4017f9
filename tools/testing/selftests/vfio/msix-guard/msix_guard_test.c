// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard end-to-end test: runs inside a QEMU guest and drives the VFIO
 * device fd of an emulated PCI device.
 *
 *   msix_guard_test snapshot BDF FILE    device on stock vfio-pci: record
 *                                        what must not change (and, in
 *                                        FILE.dmabuf, its DMA-buf answers)
 *   msix_guard_test check BDF FILE FLAGS device on msix-guard: check it,
 *                                        compare with the snapshot; FLAGS
 *                                        bit 0: exercise registers adjacent
 *                                        to the MSI-X structures, bit 1: the
 *                                        device supports VFIO_DEVICE_RESET
 *   msix_guard_test control BDF          device on stock vfio-pci: write a
 *                                        marker into the MSI-X table through
 *                                        an mmap, which stock vfio-pci allows,
 *                                        to prove the host's trace oracle sees
 *                                        table writes
 *   msix_guard_test hold BDF SECS        keep the fd open and accessing while
 *                                        the device is unbound
 *   msix_guard_test stress BDF SECS FLAGS  random trapped accesses from
 *                                        three threads while decode toggles,
 *                                        the device resets (FLAGS bit 1) and
 *                                        the fd is closed and re-opened
 *   msix_guard_test bench STOCK GUARD N  time trapped accesses on a device
 *                                        on vfio-pci against one on
 *                                        msix-guard, N interleaved rounds
 *   msix_guard_test info BDF             print region info (for the demo)
 *   msix_guard_test demo BDF             show a few trapped accesses
 *
 * What the guest can judge by itself is printed as "MSIXG PASS/FAIL" lines.
 * Accesses that must (or must not) reach the device are printed as
 * "MSIXG IO" and "MSIXG MARKER" lines; the host matches them against QEMU's
 * trace of what reached the device model.  The expected layout is computed
 * here from config space, independently of the driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_dev.h"

/* A value the compiler cannot see through: for deliberately bad arguments. */
static uintptr_t opaque(uintptr_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

/* One 32-bit load or store through an mmap of a BAR, as the device sees it. */
static uint32_t mmio_read32(const void *p)
{
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
}

static void mmio_write32(void *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

static void print_region(struct dev *d, unsigned int index, FILE *out)
{
	struct vfio_region_info *info = region_info(d, index);
	struct vfio_region_info_cap_sparse_mmap *sparse;
	unsigned int i;

	fprintf(out, "region %u size %#llx flags %#x", index,
		(unsigned long long)info->size, info->flags);
	if (find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE))
		fprintf(out, " MSIX_MAPPABLE");
	sparse = (void *)find_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (sparse) {
		fprintf(out, " sparse");
		for (i = 0; i < sparse->nr_areas; i++)
			fprintf(out, " %#llx+%#llx",
				(unsigned long long)sparse->areas[i].offset,
				(unsigned long long)sparse->areas[i].size);
	}
	fprintf(out, "\n");
	free(info);
}

/*
 * What stock vfio-pci must keep doing: region info of every region that is
 * not an MSI-X BAR, config space, and the first bytes of each such BAR.
 */
static void snapshot(struct dev *d, FILE *out)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int i, j;

	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &info))
		die("VFIO_DEVICE_GET_INFO");
	fprintf(out, "device flags %#x regions %u irqs %u\n", info.flags,
		info.num_regions, info.num_irqs);
	for (i = 0; i < info.num_regions; i++) {
		if (i < 6 && d->msix.present &&
		    (i == d->msix.table_bar || i == d->msix.pba_bar))
			continue;
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue;
		print_region(d, i, out);
	}
	fprintf(out, "config");
	for (j = 0; j < sizeof(d->cfg); j++)
		fprintf(out, "%s%02x", j % 32 ? "" : "\n", d->cfg[j]);
	fprintf(out, "\n");
	for (i = 0; i < 6; i++) {
		struct vfio_region_info *ri;
		uint32_t w;

		if (d->msix.present &&
		    (i == d->msix.table_bar || i == d->msix.pba_bar))
			continue;
		ri = region_info(d, i);
		if (ri->size >= 4 && bar_read(d, i, 0, &w, 4) == 4)
			fprintf(out, "bar%u[0] %08x\n", i, w);
		free(ri);
	}
}

static void check_snapshot(struct dev *d, const char *file)
{
	char *want = NULL, *got = NULL;
	size_t wlen = 0, glen = 0;
	FILE *f = fopen(file, "r"), *m = open_memstream(&got, &glen);
	int c;

	if (!f || !m)
		die("snapshot file");
	snapshot(d, m);
	fclose(m);
	m = open_memstream(&want, &wlen);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	result(d, wlen == glen && !memcmp(want, got, wlen),
	       "stock-behaviour-unchanged", "\n--- vfio-pci\n%s--- msix-guard\n%s",
	       want, got);
	free(want);
	free(got);
}

static void check_region_info(struct dev *d, unsigned int bar)
{
	struct vfio_region_info *info = region_info(d, bar);
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct span areas[MAX_AREAS];
	unsigned int n, i;
	bool ok;

	n = expected_areas(d, bar, info->size, areas);
	printf("MSIXG REGION %s %u size %#llx flags %#x expected-areas %u\n",
	       d->bdf, bar, (unsigned long long)info->size, info->flags, n);

	result(d, !find_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE),
	       "no-msix-mappable", "BAR%u still reports MSIX_MAPPABLE", bar);
	result(d, !!(info->flags & VFIO_REGION_INFO_FLAG_MMAP) == !!n,
	       "mmap-flag", "BAR%u flags %#x with %u mappable areas", bar,
	       info->flags, n);

	sparse = (void *)find_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (!n) {
		result(d, !sparse, "sparse-list",
		       "BAR%u has nothing mappable but lists areas", bar);
		free(info);
		return;
	}
	ok = sparse && sparse->nr_areas == n;
	for (i = 0; ok && i < n; i++)
		ok = sparse->areas[i].offset == areas[i].start &&
		     sparse->areas[i].size == areas[i].end - areas[i].start;
	result(d, ok, "sparse-list", "BAR%u: sparse list differs (driver %u areas, want %u)",
	       bar, sparse ? sparse->nr_areas : 0, n);
	free(info);
}

static void check_mmap(struct dev *d, unsigned int bar, uint64_t size)
{
	struct span areas[MAX_AREAS];
	unsigned int n, i, bad = 0, good = 0, mismatch = 0;
	uint64_t page, off;
	void *p;

	for (page = 0; page < size; page += d->page) {
		bool withheld = page_withheld(d, bar, page);

		errno = 0;
		p = mmap(NULL, d->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 d->fd, region_off(bar) + page);
		if (withheld) {
			if (p != MAP_FAILED || errno != EINVAL) {
				printf("MSIXG INFO %s mmap of withheld BAR%u page %#llx: %s\n",
				       d->bdf, bar, (unsigned long long)page,
				       p == MAP_FAILED ? strerror(errno) : "succeeded");
				bad++;
			}
		} else if (p == MAP_FAILED) {
			printf("MSIXG INFO %s mmap of BAR%u page %#llx failed: %s\n",
			       d->bdf, bar, (unsigned long long)page, strerror(errno));
			bad++;
		}
		if (p != MAP_FAILED)
			munmap(p, d->page);
	}
	result(d, !bad, "mmap-per-page", "BAR%u: %u pages mapped wrongly", bar, bad);

	/* The whole BAR and anything straddling a withheld page: refused. */
	errno = 0;
	p = mmap(NULL, size < d->page ? d->page : size, PROT_READ, MAP_SHARED,
		 d->fd, region_off(bar));
	result(d, p == MAP_FAILED && errno == EINVAL, "mmap-whole-bar-refused",
	       "whole BAR%u mmap: %s", bar, p == MAP_FAILED ? strerror(errno) : "succeeded");
	if (p != MAP_FAILED)
		munmap(p, size);

	/* Each listed area maps whole and reads what a trapped read reads. */
	n = expected_areas(d, bar, size, areas);
	for (i = 0; i < n; i++) {
		uint64_t len = areas[i].end - areas[i].start;

		if (len % d->page)
			len += d->page - len % d->page;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, d->fd,
			 region_off(bar) + areas[i].start);
		if (p == MAP_FAILED) {
			printf("MSIXG INFO %s area %#llx mmap: %s\n", d->bdf,
			       (unsigned long long)areas[i].start, strerror(errno));
			bad++;
			continue;
		}
		good++;
		for (off = 0; off < len && off < areas[i].end - areas[i].start;
		     off += d->page) {
			unsigned int w;

			for (w = 0; w < 16; w += 4) {
				uint64_t at = areas[i].start + off + w;
				uint32_t m1 = 0, m2 = 0, r = 0;
				int tries;

				/*
				 * Registers may change by themselves (counters):
				 * a trapped read between two mmap reads must
				 * match one of them, in one of a few tries.
				 */
				for (tries = 0; tries < 5; tries++) {
					m1 = mmio_read32((char *)p + off + w);
					if (bar_read(d, bar, at, &r, 4) != 4)
						break;
					m2 = mmio_read32((char *)p + off + w);
					if (r == m1 || r == m2)
						break;
				}
				if (tries == 5 || (r != m1 && r != m2)) {
					printf("MSIXG INFO %s BAR%u %#llx: ", d->bdf, bar,
					       (unsigned long long)at);
					printf("mmap %08x/%08x, read %08x\n", m1, m2, r);
					mismatch++;
				}
			}
		}
		munmap(p, len);
		/* One more page than the area reaches into a withheld page. */
		if (areas[i].end < size) {
			errno = 0;
			p = mmap(NULL, len + d->page, PROT_READ, MAP_SHARED, d->fd,
				 region_off(bar) + areas[i].start);
			if (p != MAP_FAILED || errno != EINVAL)
				bad++;
			if (p != MAP_FAILED)
				munmap(p, len + d->page);
		}
	}
	result(d, !bad && good == n, "mmap-areas",
	       "BAR%u: %u of %u areas mapped, %u refusals wrong",
	       bar, good, n, bad);
	result(d, !mismatch, "mmap-matches-read", "BAR%u: %u words differ", bar, mismatch);
}

/* Does the byte at @off of @bar reach the device through msix-guard? */
static bool forwarded(struct dev *d, unsigned int bar, uint64_t off)
{
	struct span t, p;

	bar_spans(d, bar, &t, &p);
	return page_withheld(d, bar, off - off % d->page) &&
	       !(off >= t.start && off < t.end);
}

static void check_table(struct dev *d)
{
	unsigned int bar = d->msix.table_bar;
	uint64_t len = d->msix.table.end - d->msix.table.start, i;
	uint8_t *buf = malloc(len);
	uint64_t marker8 = 0x4d5347584d534758ull;	/* "XGSMXGSM" */
	uint32_t marker4 = 0x4d534758, w = 0;
	uint8_t marker16[16];
	bool ones = true, ok;

	memset(buf, 0, len);
	result(d, bar_read(d, bar, d->msix.table.start, buf, len) == (ssize_t)len,
	       "table-read", "read of the whole table failed");
	for (i = 0; i < len; i++)
		ones &= buf[i] == 0xff;
	result(d, ones, "table-reads-all-ones", "table bytes not all-ones");

	/* Markers into the table: must never reach the device. */
	printf("MSIXG MARKER %s %#x\n", d->bdf, marker4);
	printf("MSIXG MARKER %s %#llx\n", d->bdf, (unsigned long long)marker8);
	memset(marker16, 0x5a, sizeof(marker16));
	printf("MSIXG MARKER %s %#x\n", d->bdf, 0x5a5a5a5a);
	ok = bar_write(d, bar, d->msix.table.start + 8, &marker4, 4) == 4 &&
	     bar_write(d, bar, d->msix.table.start + 16, &marker8, 8) == 8 &&
	     bar_write(d, bar, d->msix.table.start + 32, marker16, 16) == 16 &&
	     bar_write(d, bar, d->msix.table.start + 12, &marker4, 4) == 4;
	result(d, ok, "table-write-accepted", "table writes did not report success");
	ok = bar_read(d, bar, d->msix.table.start + 8, &w, 4) == 4 && w == 0xffffffff;
	result(d, ok, "table-write-dropped", "entry 0 data reads %08x", w);
	free(buf);
}

static void check_pba(struct dev *d)
{
	unsigned int bar = d->msix.pba_bar;
	uint64_t off = d->msix.pba.start;
	uint8_t b4[4], b8[8];
	uint32_t junk = 0xdeadbeef;

	result(d, bar_read(d, bar, off, b4, 4) == 4, "pba-read-4", "failed");
	print_io(d, 'r', bar, off, b4, 4);
	result(d, bar_read(d, bar, off, b8, 8) == 8, "pba-read-8", "failed");
	print_io(d, 'r', bar, off, b8, 8);
	/* Dropped: the host checks that no write reached the PBA. */
	printf("MSIXG MARKER %s %#x\n", d->bdf, junk);
	result(d, bar_write(d, bar, off, &junk, 4) == 4, "pba-write-accepted",
	       "failed");
}

/* Registers sharing pages with the table and PBA: every size and alignment. */
static void check_adjacent(struct dev *d)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	struct span t = d->msix.table, p = d->msix.pba;
	uint64_t offs[8];
	unsigned int n = 0, i, j, k, bar = d->msix.table_bar;
	uint64_t seed = 0x0123456789abcdefull;
	bool ok;

	/* Right after the table, late in the table page, around the PBA. */
	offs[n++] = t.end;
	offs[n++] = (t.end | (d->page - 1)) - 15;
	if (d->msix.pba_bar == bar) {
		if (p.start % d->page >= 16)
			offs[n++] = p.start - 16;
		if ((p.end % d->page) && (p.end % d->page) <= d->page - 16)
			offs[n++] = p.end;
	}

	for (i = 0; i < n; i++) {
		for (j = 0; j < 4; j++) {
			for (k = 0; k < 4; k++) {
				/* Aligned, then misaligned by 1, 2 and 3. */
				uint64_t off = offs[i] + k;
				uint8_t buf[8];
				ssize_t r;

				if (off + sizes[j] > offs[i] + 16)
					continue;
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				memcpy(buf, &seed, 8);
				r = bar_write(d, bar, off, buf, sizes[j]);
				if (r != sizes[j]) {
					result(d, false, "adjacent-write", "%#llx/%u: %zd %s",
					       (unsigned long long)off, sizes[j], r,
					       strerror(errno));
					continue;
				}
				print_io(d, 'w', bar, off, buf, sizes[j]);
				r = bar_read(d, bar, off, buf, sizes[j]);
				if (r != sizes[j]) {
					result(d, false, "adjacent-read", "%#llx/%u: %zd %s",
					       (unsigned long long)off, sizes[j], r,
					       strerror(errno));
					continue;
				}
				print_io(d, 'r', bar, off, buf, sizes[j]);
			}
		}
	}

	/* A write from a bad buffer forwards nothing (the trace shows it). */
	errno = 0;
	result(d, bar_write(d, bar, t.end, (void *)opaque(0), 8) < 0 && errno == EFAULT,
	       "adjacent-write-from-null", "%s", strerror(errno));
	errno = 0;
	ok = bar_write(d, bar, t.end + 1, (void *)opaque(8), 2) < 0 && errno == EFAULT;
	result(d, ok, "adjacent-write-from-bad-pointer", "%s", strerror(errno));

	/* One access straddling the end of the table: ones, then the device. */
	{
		uint8_t buf[16];
		bool ones = true;

		memset(buf, 0, sizeof(buf));
		result(d, bar_read(d, bar, t.end - 8, buf, 16) == 16,
		       "straddle-read", "failed");
		for (i = 0; i < 8; i++)
			ones &= buf[i] == 0xff;
		result(d, ones, "straddle-table-part", "table part not all-ones");
		print_io(d, 'r', bar, t.end, buf + 8, 8);
	}
	result(d, true, "adjacent-done", "ok");
}

/* mmap with odd offsets and lengths: refused where they touch MSI-X. */
static void check_odd_mmaps(struct dev *d, unsigned int bar, uint64_t size)
{
	uint64_t tpage = d->msix.table.start - d->msix.table.start % d->page;
	void *p;

	errno = 0;
	p = mmap(NULL, d->page, PROT_READ, MAP_SHARED, d->fd,
		 region_off(bar) + tpage + d->page / 2);
	result(d, p == MAP_FAILED && errno == EINVAL, "mmap-unaligned-offset",
	       "%s", p == MAP_FAILED ? strerror(errno) : "mapped");
	errno = 0;
	p = mmap(NULL, 1, PROT_READ, MAP_SHARED, d->fd, region_off(bar) + tpage);
	result(d, p == MAP_FAILED && errno == EINVAL, "mmap-one-byte-of-table-page",
	       "%s", p == MAP_FAILED ? strerror(errno) : "mapped");
	errno = 0;
	p = mmap(NULL, d->page, PROT_READ, MAP_SHARED, d->fd,
		 region_off(bar) + ((size + d->page - 1) & ~(d->page - 1)));
	result(d, p == MAP_FAILED && errno == EINVAL, "mmap-past-bar-end",
	       "%s", p == MAP_FAILED ? strerror(errno) : "mapped");
	errno = 0;
	p = mmap(NULL, 0, PROT_READ, MAP_SHARED, d->fd, region_off(bar));
	result(d, p == MAP_FAILED && errno == EINVAL, "mmap-zero-length",
	       "%s", p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, d->page);
}

/* @backed: the device model backs the adjacent bytes (FLAGS bit 0). */
static void check_ranges(struct dev *d, unsigned int bar, uint64_t size,
			 bool backed)
{
	uint8_t buf[16];
	ssize_t r;

	errno = 0;
	r = bar_read(d, bar, size, buf, 4);
	result(d, r < 0 && errno == EINVAL, "read-past-end", "%zd %s", r, strerror(errno));
	/* As stock vfio-pci: cut short at the end of the BAR. */
	errno = 0;
	r = bar_read(d, bar, size - 4, buf, 8);
	result(d, r == 4, "read-across-end-short", "%zd %s", r, strerror(errno));
	if (r == 4 && backed && forwarded(d, bar, size - 4))
		print_io(d, 'r', bar, size - 4, buf, 4);
	r = bar_read(d, bar, d->msix.table.start, buf, 0);
	result(d, r == 0, "read-count-0", "%zd", r);
	errno = 0;
	r = bar_read(d, bar, size + d->page, buf, 0);
	result(d, r == 0, "read-count-0-past-end", "%zd %s", r, strerror(errno));

	/* Bad input: each with its error, never a crash or a device access. */
	errno = 0;
	r = bar_read(d, bar, (1ull << 40) - 4, buf, 4);
	result(d, r < 0 && errno == EINVAL, "read-at-end-of-index", "%zd %s", r,
	       strerror(errno));
	errno = 0;
	r = pread(d->fd, buf, 4, 0x7ffffffffffffff0ll);
	result(d, r < 0 && errno == EINVAL, "read-offset-near-max", "%zd %s", r,
	       strerror(errno));
	errno = 0;
	r = bar_read(d, bar, d->msix.table.start, buf, opaque(SSIZE_MAX));
	result(d, r < 0 && (errno == EINVAL || errno == EFAULT), "read-huge-count",
	       "%zd %s", r, strerror(errno));
	errno = 0;
	r = bar_read(d, bar, d->msix.table.start, (void *)opaque(0), 4);
	result(d, r < 0 && errno == EFAULT, "read-into-null", "%zd %s", r,
	       strerror(errno));
	/* As stock vfio-pci: table writes are dropped without reading the buffer. */
	errno = 0;
	r = bar_write(d, bar, d->msix.table.start, (void *)opaque(8), 4);
	result(d, r == 4, "table-write-from-bad-pointer-dropped", "%zd %s", r,
	       strerror(errno));
	check_odd_mmaps(d, bar, size);
}

/* A trapped 4-byte PBA read; prints it for the host when it succeeds. */
static ssize_t pba_read(struct dev *d, uint32_t *v)
{
	ssize_t r = bar_read(d, d->msix.pba_bar, d->msix.pba.start, v, 4);

	if (r == 4)
		print_io(d, 'r', d->msix.pba_bar, d->msix.pba.start, (uint8_t *)v, 4);
	return r;
}

/*
 * Decode off and on.  The host must know when decode was off to check that
 * nothing reached the device then.  vfio-pci virtualizes the toggle, so
 * each decode-off window is bracketed by a byte written to QEMU's
 * isa-debugcon port: QEMU's trace records it in order with every MMIO.
 * The byte is (PCI slot << 2) | edge, edge 1 = off begins, 2 = off ends.
 */
static void window(struct dev *d, const char *edge)
{
	unsigned char mark;

	mark = (strtoul(d->bdf + 8, NULL, 16) << 2) | (strcmp(edge, "off-begin") ? 2 : 1);
	debugcon_mark(mark);
	printf("MSIXG WINDOW %s %s\n", d->bdf, edge);
}

/*
 * The marks bracket only time when decode is surely off: "off-begin" once
 * the write turning it off has returned, "off-end" before the write turning
 * it on.  Accesses racing the toggles themselves fall outside.
 */
static int decode(struct dev *d, uint16_t cmd, bool on)
{
	int ret;

	if (on) {
		window(d, "off-end");
		return cfg_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	}
	ret = cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	window(d, "off-begin");
	return ret;
}

/*
 * Decode off and on, reset, close and re-open.  While decode is off every
 * trapped access must fail with EIO and reach nothing.
 */
static void lifecycle(struct dev *d, bool can_reset)
{
	unsigned int tbar = d->msix.table_bar;
	uint16_t cmd = cfg_read16(d, PCI_COMMAND);
	uint64_t adj = d->msix.table.end;
	uint32_t v = 0x11223344;
	uint8_t buf[8];
	ssize_t r1, r2, r3, r4;

	result(d, cmd & PCI_COMMAND_MEMORY, "decode-initially-on", "cmd %04x", cmd);
	result(d, !decode(d, cmd, false), "decode-off-write", "%s", strerror(errno));
	errno = 0;
	r1 = bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4);
	result(d, r1 < 0 && errno == EIO, "decode-off-pba-read-eio", "%zd %s", r1,
	       strerror(errno));
	errno = 0;
	r2 = bar_write(d, tbar, adj, &v, 4);
	result(d, r2 < 0 && errno == EIO, "decode-off-adjacent-write-eio", "%zd %s",
	       r2, strerror(errno));
	/* The table needs no device: served as stock vfio-pci serves it. */
	errno = 0;
	memset(buf, 0, sizeof(buf));
	r3 = bar_read(d, tbar, d->msix.table.start, buf, 8);
	result(d, r3 == 8 && !memcmp(buf, "\xff\xff\xff\xff\xff\xff\xff\xff", 8),
	       "decode-off-table-read-all-ones", "%zd %s", r3, strerror(errno));
	if (d->msix.table.start >= 4) {
		errno = 0;
		r4 = bar_read(d, tbar, d->msix.table.start - 4, buf, 8);
		result(d, r4 < 0 && errno == EIO, "decode-off-straddling-read-eio",
		       "%zd %s", r4, strerror(errno));
	}
	result(d, !decode(d, cmd, true), "decode-on-write", "%s", strerror(errno));
	result(d, pba_read(d, &v) == 4, "decode-on-pba-read", "%s", strerror(errno));

	/* Toggle a few times quickly; accesses follow every state. */
	for (int i = 0; i < 5; i++) {
		decode(d, cmd, false);
		errno = 0;
		r1 = bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4);
		decode(d, cmd, true);
		r2 = pba_read(d, &v);
		if (r1 >= 0 || r2 != 4)
			break;
		if (i == 4)
			result(d, true, "decode-toggles", "ok");
	}
	if (r1 >= 0 || r2 != 4)
		result(d, false, "decode-toggles", "off %zd, on %zd", r1, r2);

	if (can_reset) {
		result(d, !ioctl(d->fd, VFIO_DEVICE_RESET), "reset", "%s", strerror(errno));
		result(d, pba_read(d, &v) == 4, "reset-then-pba-read", "%s", strerror(errno));
		if (adj % d->page) {
			result(d, bar_read(d, tbar, adj, buf, 4) == 4, "reset-then-adjacent-read",
			       "%s", strerror(errno));
		}
		result(d, cfg_read16(d, PCI_COMMAND) & PCI_COMMAND_MEMORY,
		       "reset-keeps-decode", "cmd %04x", cfg_read16(d, PCI_COMMAND));
	}

	close(d->fd);
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	result(d, d->fd >= 0, "reopen", "%s", strerror(errno));
	if (d->fd < 0)
		die("reopen");
	/* Open may leave decode off (vfio-pci core clears it at enable). */
	cmd = cfg_read16(d, PCI_COMMAND);
	if (!(cmd & PCI_COMMAND_MEMORY))
		cfg_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	result(d, pba_read(d, &v) == 4, "reopen-then-pba-read", "%s", strerror(errno));
	memset(buf, 0, sizeof(buf));
	r1 = bar_read(d, tbar, d->msix.table.start, buf, 4);
	result(d, r1 == 4 && !memcmp(buf, "\xff\xff\xff\xff", 4),
	       "reopen-then-table-read", "%zd", r1);
}

/* What the host needs to match the trace: the MSI-X layout and the BARs. */
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF on one range of a BAR (PROBE only when @len
 * is 0): 0 when the export worked (the dma-buf fd is closed at once) or
 * -errno.
 */
static int dmabuf_export(struct dev *d, unsigned int bar, uint64_t off,
			 uint64_t len)
{
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_feature_dma_buf *db = (void *)f->data;
	int ret;

	f->argsz = sizeof(*f) + sizeof(*db) + sizeof(db->dma_ranges[0]);
	f->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF |
		   (len ? 0 : VFIO_DEVICE_FEATURE_PROBE);
	db->region_index = bar;
	db->open_flags = O_RDWR | O_CLOEXEC;
	db->nr_ranges = 1;
	db->dma_ranges[0].offset = off;
	db->dma_ranges[0].length = len;
	ret = ioctl(d->fd, VFIO_DEVICE_FEATURE, f);
	if (ret < 0)
		return -errno;
	if (len)
		close(ret);
	return 0;
}

/* The DMA-buf ranges tried on each MSI-X BAR, and whether they reach a withheld page. */
struct dmabuf_case {
	const char *name;
	uint64_t off, len;
	bool withheld;
};

static unsigned int dmabuf_cases(struct dev *d, unsigned int bar,
				 struct dmabuf_case *c)
{
	uint64_t size = d->bar_size[bar], page, first = UINT64_MAX;
	uint64_t full = (size + d->page - 1) / d->page * d->page;
	struct span areas[MAX_AREAS];
	unsigned int n = 0;

	for (page = 0; page < size && first == UINT64_MAX; page += d->page)
		if (page_withheld(d, bar, page))
			first = page;
	c[n++] = (struct dmabuf_case){ "probe", 0, 0, false };
	c[n++] = (struct dmabuf_case){ "withheld-page", first, d->page, true };
	c[n++] = (struct dmabuf_case){ "whole-bar", 0, full, true };
	if (expected_areas(d, bar, size, areas))
		c[n++] = (struct dmabuf_case){ "mappable-page", areas[0].start,
					       d->page, false };
	if (first)
		c[n++] = (struct dmabuf_case){ "straddling", first - d->page,
					       2 * d->page, true };
	return n;
}

/* Results on stock vfio-pci, one line per case, for check_dmabuf(). */
static void snapshot_dmabuf(struct dev *d, FILE *out)
{
	unsigned int bars[2] = { d->msix.table_bar, d->msix.pba_bar }, i, j, n;
	struct dmabuf_case c[8];

	for (i = 0; i < 2 && d->msix.present; i++) {
		if (i == 1 && bars[1] == bars[0])
			break;
		n = dmabuf_cases(d, bars[i], c);
		for (j = 0; j < n; j++)
			fprintf(out, "%u %s %d\n", bars[i], c[j].name,
				dmabuf_export(d, bars[i], c[j].off, c[j].len));
	}
}

/*
 * DMA-buf export (kernels with VFIO_DEVICE_FEATURE_DMA_BUF): a range that
 * reaches a withheld page is refused with EINVAL wherever stock vfio-pci
 * offers the feature at all; every other request gets stock's answer.
 */
static void check_dmabuf(struct dev *d, const char *file)
{
	char name[64];
	unsigned int bar, i, n;
	struct dmabuf_case c[8];
	int stock, got;
	FILE *f = fopen(file, "r");

	if (!f) {
		result(d, false, "dmabuf-stock-results", "no %s", file);
		return;
	}
	while (fscanf(f, "%u %63s %d", &bar, name, &stock) == 3) {
		n = dmabuf_cases(d, bar, c);
		for (i = 0; i < n && strcmp(c[i].name, name); i++)
			;
		if (i == n) {
			result(d, false, "dmabuf-case", "unknown case %s", name);
			continue;
		}
		got = dmabuf_export(d, bar, c[i].off, c[i].len);
		printf("MSIXG DMABUF %s BAR%u %s stock %d msix-guard %d\n",
		       d->bdf, bar, name, stock, got);
		if (c[i].withheld && stock != -ENOTTY && stock != -EOPNOTSUPP)
			result(d, got == -EINVAL, "dmabuf-withheld-refused",
			       "BAR%u %s: %d (stock %d), want %d", bar, name,
			       got, stock, -EINVAL);
		else
			result(d, got == stock, "dmabuf-as-stock",
			       "BAR%u %s: %d, stock %d", bar, name, got, stock);
	}
	fclose(f);
}

static void print_layout(struct dev *d)
{
	unsigned int i;

	printf("MSIXG MSIX %s %u %#llx %#llx %u %#llx %#llx\n", d->bdf,
	       d->msix.table_bar, (unsigned long long)d->msix.table.start,
	       (unsigned long long)d->msix.table.end, d->msix.pba_bar,
	       (unsigned long long)d->msix.pba.start,
	       (unsigned long long)d->msix.pba.end);
	for (i = 0; i < 6; i++)
		printf("MSIXG BAR %s %u %#llx %#llx\n", d->bdf, i,
		       (unsigned long long)d->bar_phys[i],
		       (unsigned long long)d->bar_size[i]);
}

/* @flags: 1 = exercise adjacent registers, 2 = the device can reset. */
static void check(struct dev *d, const char *snap, unsigned int adjacent)
{
	unsigned int bars[2] = { d->msix.table_bar, d->msix.pba_bar }, i;
	char dmabuf_file[PATH_MAX];

	if (!d->msix.present) {
		result(d, false, "msix-present", "device has no MSI-X capability");
		return;
	}
	print_layout(d);

	for (i = 0; i < 2; i++) {
		struct vfio_region_info *info;

		if (i == 1 && bars[1] == bars[0])
			break;
		info = region_info(d, bars[i]);
		/* For the host to compare across kernels. */
		printf("MSIXG RINFO %s ", d->bdf);
		print_region(d, bars[i], stdout);
		check_region_info(d, bars[i]);
		check_mmap(d, bars[i], info->size);
		check_ranges(d, bars[i], info->size, adjacent & 1);
		free(info);
	}
	check_table(d);
	check_pba(d);
	if (adjacent & 1)
		check_adjacent(d);
	check_snapshot(d, snap);
	snprintf(dmabuf_file, sizeof(dmabuf_file), "%s.dmabuf", snap);
	check_dmabuf(d, dmabuf_file);
	lifecycle(d, adjacent & 2);
}

/* Keep the fd open and busy for @secs while the shell unbinds the device. */
static void hold(struct dev *d, int secs)
{
	time_t end = time(NULL) + secs;
	unsigned long ok = 0, failed = 0;
	uint32_t v;

	printf("MSIXG HOLDING %s\n", d->bdf);
	while (time(NULL) < end) {
		if (bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4) == 4)
			ok++;
		else
			failed++;
		usleep(1000);
	}
	result(d, ok && !failed, "accesses-while-unbind-waits",
	       "%lu ok, %lu failed", ok, failed);
}

/* Negative control, on stock vfio-pci only. */
static void control(struct dev *d)
{
	uint64_t page = d->msix.table.start - d->msix.table.start % d->page;
	uint32_t marker = 0x434f4e54;	/* "TNOC" */
	uint32_t *entry;
	void *p;

	p = mmap(NULL, d->page, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 region_off(d->msix.table_bar) + page);
	result(d, p != MAP_FAILED, "stock-vfio-pci-maps-table", "%s", strerror(errno));
	if (p == MAP_FAILED)
		return;
	entry = (uint32_t *)((char *)p + d->msix.table.start - page);
	mmio_write32(&entry[2], marker);
	printf("MSIXG CONTROL %s %#x\n", d->bdf, marker);
	printf("MSIXG INFO %s raw table entry 0 via stock mmap: %08x %08x %08x %08x\n",
	       d->bdf, mmio_read32(&entry[0]), mmio_read32(&entry[1]),
	       mmio_read32(&entry[2]), mmio_read32(&entry[3]));
	munmap(p, d->page);
}

/* What `make demo` shows of a device bound to msix-guard. */
static void demo(struct dev *d)
{
	unsigned int bar = d->msix.table_bar;
	uint64_t page = d->msix.table.start - d->msix.table.start % d->page;
	uint64_t adj = d->msix.table.end;
	uint32_t v = 0, marker = 0x4d534758;
	void *p;

	printf("MSIXG BAR %s %u %#llx\n", d->bdf, bar,
	       (unsigned long long)d->bar_phys[bar]);
	p = mmap(NULL, d->page, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 region_off(bar) + page);
	printf("  mmap of the MSI-X table page BAR%u+%#llx: %s\n", bar,
	       (unsigned long long)page,
	       p == MAP_FAILED ? strerror(errno) : "MAPPED (bad!)");
	bar_read(d, bar, d->msix.table.start + 8, &v, 4);
	printf("  trapped read of table entry 0 data:  %08x (virtualized)\n", v);
	bar_write(d, bar, d->msix.table.start + 8, &marker, 4);
	printf("  trapped write of %08x to the table: dropped, never reaches the device\n",
	       marker);
	if (d->msix.table_bar == bar && adj % d->page) {
		v = 0x600dcafe;
		bar_write(d, bar, adj, &v, 4);
		printf("  trapped write of %08x to adjacent register BAR%u+%#llx: forwarded\n",
		       v, bar, (unsigned long long)adj);
		v = 0;
		bar_read(d, bar, adj, &v, 4);
		printf("  trapped read of adjacent register BAR%u+%#llx: %08x (from the device)\n",
		       bar, (unsigned long long)adj, v);
	}
	bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4);
	printf("  trapped read of the PBA BAR%u+%#llx: %08x (from the device)\n",
	       d->msix.pba_bar, (unsigned long long)d->msix.pba.start, v);
}

/*
 * Stress: accessor threads issue random trapped accesses while a toggler
 * turns decode off and on, resets the device and closes and re-opens the
 * fd.  Every result must be one of the documented ones; the host checks
 * the kernel log and that nothing reached the BARs while decode was off.
 */
struct stress {
	struct dev *d;
	pthread_rwlock_t fd_lock;	/* held shared per access, exclusive to re-open */
	int stop;			/* set once, read with __atomic */
	bool can_reset;
	unsigned long ok, partial, eio, einval, efault, bad, toggles, resets, reopens;
	pthread_mutex_t count_lock;	/* protects the counters */
};

static uint64_t rnd(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void count(struct stress *st, unsigned long *what)
{
	pthread_mutex_lock(&st->count_lock);
	(*what)++;
	pthread_mutex_unlock(&st->count_lock);
}

static void *stress_accessor(void *arg)
{
	struct stress *st = arg;
	struct dev *d = st->d;
	uint64_t seed = (uintptr_t)&seed ^ (uint64_t)time(NULL) ^ 0x5eed;
	unsigned int bar = d->msix.table_bar;
	uint64_t size = d->bar_size[bar] ? d->bar_size[bar] : 0x4000;
	uint64_t lo = d->msix.table.start - d->msix.table.start % d->page;
	uint64_t hi = d->msix.table.end + (d->page - d->msix.table.end % d->page) % d->page;
	uint8_t b[4096 + 16];

	if (d->msix.pba_bar == bar && d->msix.pba.end > hi)
		hi = d->msix.pba.end + (d->page - d->msix.pba.end % d->page) % d->page;
	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		uint64_t r = rnd(&seed), off, len = 1 + rnd(&seed) % 4096;
		bool write = r & 1, beyond = !(r % 61), null = !(r % 67);
		unsigned long *what;
		ssize_t ret;

		/* Mostly small: long ones mean hundreds of traced MMIOs. */
		if (len > 16 && (r >> 40) % 64)
			len = 1 + len % 16;
		if (beyond) {
			off = size - (r >> 8) % 8;
			len += 8;
		} else if (write) {
			/* Writes stay in withheld pages: never random device state. */
			off = lo + rnd(&seed) % (hi - lo);
			if (off + len > hi)
				len = hi - off;
		} else {
			/* Reaching into the pages around, which the core serves. */
			off = (lo > 64 ? lo - 64 : 0) + rnd(&seed) % (hi - lo + 64);
			if (off + len > size)
				len = size - off;
		}
		if (!len)
			continue;
		pthread_rwlock_rdlock(&st->fd_lock);
		errno = 0;
		if (write)
			ret = bar_write(d, bar, off, null ? NULL : b, len);
		else
			ret = bar_read(d, bar, off, null ? NULL : b, len);
		pthread_rwlock_unlock(&st->fd_lock);

		/* The results stock vfio-pci gives, and only those. */
		what = NULL;
		if (off >= size)
			what = ret < 0 && errno == EINVAL ? &st->einval : NULL;
		else if (off + len > size && ret == (ssize_t)(size - off) && !null)
			what = &st->partial;	/* cut short at the end */
		else if (ret == (ssize_t)len && !null)
			what = &st->ok;
		else if (ret == (ssize_t)len && write &&
			 off >= d->msix.table.start && off + len <= d->msix.table.end)
			what = &st->ok;		/* table writes never read the buffer */
		else if (ret < 0 && errno == EIO)
			what = &st->eio;
		else if (ret < 0 && errno == EFAULT && null)
			what = &st->efault;
		if (!what) {
			printf("MSIXG INFO %s stress: %s %#llx+%llu%s -> %zd %s\n", d->bdf,
			       write ? "write" : "read", (unsigned long long)off,
			       (unsigned long long)len, null ? " (NULL)" : "", ret,
			       strerror(errno));
			what = &st->bad;
		}
		count(st, what);
	}
	return NULL;
}

/* Every kind of result and event the stress is meant to produce, seen. */
static bool stress_covered(struct stress *st)
{
	bool covered;

	pthread_mutex_lock(&st->count_lock);
	covered = st->ok && st->partial && st->eio && st->einval && st->efault &&
		  st->toggles >= 8 && st->reopens && (st->resets || !st->can_reset);
	pthread_mutex_unlock(&st->count_lock);
	return covered;
}

/*
 * At least @secs, then on until every case has happened (how fast they
 * come depends on what else the machine runs), for 4 * @secs at most.
 */
static void run_stress(struct dev *d, int secs, bool can_reset)
{
	struct stress st = { .d = d, .can_reset = can_reset };
	uint16_t cmd = cfg_read16(d, PCI_COMMAND) | PCI_COMMAND_MEMORY;
	time_t start = time(NULL), end = start + secs, cap = start + 4 * secs;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	pthread_t t[3];
	unsigned int i;

	print_layout(d);
	pthread_rwlock_init(&st.fd_lock, NULL);
	pthread_mutex_init(&st.count_lock, NULL);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, stress_accessor, &st);

	for (i = 0; time(NULL) < end || (time(NULL) < cap && !stress_covered(&st)); i++) {
		uint64_t r = rnd(&seed);

		decode(d, cmd, false);
		usleep(r % 3000);
		decode(d, cmd, true);
		st.toggles++;
		usleep((r >> 12) % 5000);
		if (st.can_reset && i % 3 == 2 && !ioctl(d->fd, VFIO_DEVICE_RESET))
			st.resets++;
		if (i % 4 == 3) {
			pthread_rwlock_wrlock(&st.fd_lock);
			close(d->fd);
			d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
			if (d->fd < 0)
				die("stress re-open");
			cfg_write16(d, PCI_COMMAND, cmd);
			st.reopens++;
			pthread_rwlock_unlock(&st.fd_lock);
		}
	}
	__atomic_store_n(&st.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	printf("MSIXG INFO %s stress %llds: %lu ok, %lu partial, %lu EIO, %lu EINVAL, ",
	       d->bdf, (long long)(time(NULL) - start), st.ok, st.partial, st.eio, st.einval);
	printf("%lu EFAULT, %lu unexpected; %lu toggles, %lu resets, %lu re-opens\n",
	       st.efault, st.bad, st.toggles, st.resets, st.reopens);
	result(d, !st.bad, "stress-results-documented", "%lu unexpected results", st.bad);
	result(d, stress_covered(&st), "stress-covered-every-case",
	       "a case never happened in %d s", 4 * secs);
}

/*
 * Benchmark: the same trapped accesses on two identical devices, one on
 * stock vfio-pci and one on msix-guard, interleaved round by round so that
 * drift hits both alike; medians of ns per access, and their ratio.
 */
enum bench_op {
	ADJ_READ, ADJ_WRITE, PBA_READ, PLAIN_READ, PLAIN_WRITE, CMD_REWRITE,
	DECODE_TOGGLE, TOGGLE_THEN_READ, MMAP_READ, NR_BENCH_OPS
};

static const char *const bench_names[NR_BENCH_OPS] = {
	"trapped 4-byte read, adjacent register",
	"trapped 4-byte write, adjacent register",
	"trapped 4-byte read, PBA",
	"4-byte read(), page not withheld",
	"4-byte write(), page not withheld",
	"PCI_COMMAND rewritten with its value",
	"decode off and on (two PCI_COMMAND writes)",
	"decode off and on, then a trapped read",
	"4-byte read through mmap (floor)",
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double bench_once(struct dev *d, void *map, enum bench_op op, int n)
{
	uint16_t cmd = cfg_read16(d, PCI_COMMAND);
	uint32_t v = 0x600dcafe;
	double t0 = now_ns();
	int i;

	for (i = 0; i < n; i++) {
		switch (op) {
		case ADJ_READ:
			bar_read(d, d->msix.table_bar, d->msix.table.end, &v, 4);
			break;
		case ADJ_WRITE:
			bar_write(d, d->msix.table_bar, d->msix.table.end, &v, 4);
			break;
		case PBA_READ:
			bar_read(d, d->msix.pba_bar, d->msix.pba.start, &v, 4);
			break;
		case PLAIN_READ:
			/* megasas-gen2: a status register in page 0 */
			bar_read(d, d->msix.table_bar, 0x30, &v, 4);
			break;
		case PLAIN_WRITE:
			/* megasas-gen2: outbound interrupt mask, page 0 */
			v = 0xffffffff;
			bar_write(d, d->msix.table_bar, 0x34, &v, 4);
			break;
		case CMD_REWRITE:
			cfg_write16(d, PCI_COMMAND, cmd);
			break;
		case DECODE_TOGGLE:
		case TOGGLE_THEN_READ:
			cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
			cfg_write16(d, PCI_COMMAND, cmd);
			if (op == TOGGLE_THEN_READ)
				bar_read(d, d->msix.table_bar, d->msix.table.end,
					 &v, 4);
			break;
		default:
			v += mmio_read32(map);
			break;
		}
	}
	return (now_ns() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void run_bench(struct dev *dev, int rounds)
{
	static double samples[NR_BENCH_OPS][2][64];
	void *map[2];
	int r, op, k, i;

	rounds = rounds > 64 ? 64 : rounds;
	for (k = 0; k < 2; k++) {
		/* Page 0 holds registers and is mappable under both drivers. */
		map[k] = mmap(NULL, dev[k].page, PROT_READ, MAP_SHARED, dev[k].fd,
			      region_off(dev[k].msix.table_bar));
		if (map[k] == MAP_FAILED)
			die("bench mmap");
	}
	for (r = 0; r < rounds; r++)
		for (op = 0; op < NR_BENCH_OPS; op++)
			for (i = 0; i < 2; i++) {
				k = (r + i) & 1;	/* alternate who goes first */
				samples[op][k][r] = bench_once(&dev[k], map[k], op,
							       op == DECODE_TOGGLE ||
							       op == TOGGLE_THEN_READ ?
							       10 : 200);
			}
	for (op = 0; op < NR_BENCH_OPS; op++) {
		double med[2];

		for (k = 0; k < 2; k++) {
			qsort(samples[op][k], rounds, sizeof(double), cmp_double);
			med[k] = samples[op][k][rounds / 2];
		}
		printf("MSIXG BENCH %d %.0f %.0f %.2f %s\n", op, med[0], med[1],
		       med[1] / med[0], bench_names[op]);
	}
}

int main(int argc, char **argv)
{
	struct dev d = { 0 };
	unsigned int i;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "bench")) {
		struct dev two[2] = { 0 };

		cpu_set_t cpu0;

		/*
		 * bench STOCK_BDF GUARD_BDF ROUNDS.  On one vCPU throughout:
		 * a migration between vCPUs costs both drivers' samples alike
		 * but makes them noisier.
		 */
		CPU_ZERO(&cpu0);
		CPU_SET(0, &cpu0);
		if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
			die("sched_setaffinity");
		for (i = 0; i < 2; i++) {
			open_device(&two[i], argv[2 + i]);
			read_config(&two[i]);
			if (!two[i].msix.present)
				die("bench device without MSI-X");
		}
		run_bench(two, atoi(argv[4]));
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s snapshot|check|control|info BDF [FILE [ADJ]]\n",
			argv[0]);
		return 2;
	}
	open_device(&d, argv[2]);
	read_config(&d);

	if (!strcmp(argv[1], "snapshot") && argc == 4) {
		char dmabuf_file[PATH_MAX];

		f = fopen(argv[3], "w");
		if (!f)
			die("snapshot");
		snapshot(&d, f);
		fclose(f);
		snprintf(dmabuf_file, sizeof(dmabuf_file), "%s.dmabuf", argv[3]);
		f = fopen(dmabuf_file, "w");
		if (!f)
			die("snapshot");
		snapshot_dmabuf(&d, f);
		fclose(f);
	} else if (!strcmp(argv[1], "check") && argc == 5) {
		check(&d, argv[3], atoi(argv[4]));
		printf("MSIXG END %s %u %u\n", d.bdf, d.pass, d.fail);
	} else if (!strcmp(argv[1], "control")) {
		if (d.msix.present)
			control(&d);
	} else if (!strcmp(argv[1], "hold") && argc == 4) {
		if (d.msix.present)
			hold(&d, atoi(argv[3]));
	} else if (!strcmp(argv[1], "stress") && argc == 5) {
		if (d.msix.present)
			run_stress(&d, atoi(argv[3]), atoi(argv[4]) & 2);
		printf("MSIXG END %s %u %u\n", d.bdf, d.pass, d.fail);
	} else if (!strcmp(argv[1], "demo")) {
		if (d.msix.present)
			demo(&d);
	} else if (!strcmp(argv[1], "info")) {
		for (i = 0; i < 6; i++) {
			printf("  ");
			print_region(&d, i, stdout);
		}
	} else {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	close_device(&d);
	return d.fail ? 1 : 0;
}
