// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard end-to-end test of what an admin can see: the device's
 * debugfs files and the msix_guard trace events.
 *
 *   msix_guard_observe BDF   device on msix-guard, with adjacent registers
 *                            next to its table: check debugfs "layout"
 *                            against the layout computed here from config
 *                            space; then zero the stats, enable the trace
 *                            events, make a known sequence of trapped
 *                            accesses, rewrites and toggles of PCI_COMMAND,
 *                            and check that "stats" and the trace buffer
 *                            count exactly that
 *
 * Prints "MSIXG PASS/FAIL" lines, and "MSIXG IO" lines for the accesses that
 * reach the device, which the host matches against QEMU's trace.  Needs
 * debugfs at /sys/kernel/debug and tracefs at /sys/kernel/tracing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

#define DEBUGFS	"/sys/kernel/debug/msix-guard"
#define TRACEFS	"/sys/kernel/tracing"

static char *slurp(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static bool put(const char *path, const char *what)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(what, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* A forwarded access, declared to the host's trace oracle. */
static void fwd(struct dev *d, char dir, unsigned int bar, uint64_t off,
		uint64_t v, size_t len)
{
	uint8_t buf[8];
	ssize_t r;

	memcpy(buf, &v, sizeof(buf));
	if (dir == 'w')
		r = bar_write(d, bar, off, buf, len);
	else
		r = bar_read(d, bar, off, buf, len);
	if (r != (ssize_t)len)
		die("forwarded access");
	print_io(d, dir, bar, off, buf, len);
}

/* "  WHAT       START-END" or "none", as debugfs "layout" has it. */
static size_t span_line(char *out, size_t size, const char *what,
			struct span s)
{
	if (s.start == s.end)
		return snprintf(out, size, "  %-10s none\n", what);
	return snprintf(out, size, "  %-10s 0x%llx-0x%llx\n", what,
			(unsigned long long)s.start, (unsigned long long)s.end);
}

/* What debugfs "layout" must say, from config space. */
static void expected_layout(struct dev *d, char *out, size_t size)
{
	unsigned int bar, i, n;
	struct span t, p, areas[MAX_AREAS];
	size_t o = 0;
	uint64_t page;

	o += snprintf(out + o, size - o, "page size: %llu\n",
		      (unsigned long long)d->page);
	for (bar = 0; bar < 6; bar++) {
		uint64_t first = 0, last = 0;
		bool any = false;

		bar_spans(d, bar, &t, &p);
		if (t.start == t.end && p.start == p.end)
			continue;
		o += snprintf(out + o, size - o, "BAR%u: size 0x%llx\n", bar,
			      (unsigned long long)d->bar_size[bar]);
		o += span_line(out + o, size - o, "table:", t);
		o += span_line(out + o, size - o, "pba:", p);
		/* Runs of withheld pages. */
		o += snprintf(out + o, size - o, "  withheld: ");
		for (page = 0; page <= d->bar_size[bar]; page += d->page) {
			bool w = page < d->bar_size[bar] &&
				 page_withheld(d, bar, page);

			if (w && !any) {
				first = page;
				any = true;
			} else if (!w && any) {
				last = page;
				o += snprintf(out + o, size - o, " 0x%llx-0x%llx",
					      (unsigned long long)first,
					      (unsigned long long)last);
				any = false;
			}
		}
		o += snprintf(out + o, size - o, "\n  mmap:     ");
		n = expected_areas(d, bar, d->bar_size[bar], areas);
		for (i = 0; i < n; i++)
			o += snprintf(out + o, size - o, " 0x%llx-0x%llx",
				      (unsigned long long)areas[i].start,
				      (unsigned long long)areas[i].end);
		o += snprintf(out + o, size - o, "%s\n  forwarded:",
			      n ? "" : " none");
		/* Withheld pages holding a byte that is not table. */
		n = 0;
		for (page = 0; page < d->bar_size[bar]; page += d->page) {
			uint64_t end = page + d->page;

			if (end > d->bar_size[bar])
				end = d->bar_size[bar];
			if (!page_withheld(d, bar, page) ||
			    (t.start <= page && end <= t.end))
				continue;
			o += snprintf(out + o, size - o, " 0x%llx",
				      (unsigned long long)page);
			n++;
		}
		o += snprintf(out + o, size - o, "%s\n", n ? "" : " none");
	}
}

/* Counts of "msix_guard_access" events by field, and invalidations. */
struct trace_counts {
	unsigned int access[2][4];	/* [write][kind] with ret 0 */
	unsigned int failed;		/* access events with an error */
	unsigned int invalidate[5];	/* by reason */
	unsigned int dropped;
	unsigned int other;		/* events of other devices, lines */
};

static void count_trace(struct dev *d, const char *text, struct trace_counts *c)
{
	static const char access_fmt[] =
		"msix_guard_access: %31s BAR%u %llx len %u %15s %7s val %llx ret %d";
	static const char *const kinds[] = { "core", "table", "pba", "adjacent" };
	static const char *const reasons[] = {
		"decode", "power", "low-power", "reset", "close" };
	const char *next;

	memset(c, 0, sizeof(*c));
	for (; *text; text = next) {
		char line[512], bdf[32], kind[16], dir[8], reason[16];
		unsigned int bar, len, k, dropped;
		unsigned long long off, val;
		const char *ev;
		int ret;

		next = strchrnul(text, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(next - text), text);
		if (*next)
			next++;
		if (*line == '#')
			continue;
		ev = strstr(line, "msix_guard_access: ");
		if (ev && sscanf(ev, access_fmt, bdf, &bar, &off, &len, kind,
				 dir, &val, &ret) == 8) {
			if (strcmp(bdf, d->bdf)) {
				c->other++;
				continue;
			}
			if (ret) {
				c->failed++;
				continue;
			}
			for (k = 1; k < 4; k++)
				if (!strcmp(kind, kinds[k]))
					c->access[!strcmp(dir, "write")][k]++;
			continue;
		}
		ev = strstr(line, "msix_guard_invalidate: ");
		if (ev && sscanf(ev, "msix_guard_invalidate: %31s %15s dropped %u",
				 bdf, reason, &dropped) == 3) {
			if (strcmp(bdf, d->bdf)) {
				c->other++;
				continue;
			}
			for (k = 0; k < 5; k++)
				if (!strcmp(reason, reasons[k]))
					c->invalidate[k]++;
			c->dropped += dropped;
		}
	}
}

static void observe(struct dev *d)
{
	char path[256], want[4096], line[256];
	unsigned int bar = d->msix.table_bar, pba_bar = d->msix.pba_bar;
	uint64_t adj = d->msix.table.end, pba = d->msix.pba.start, v;
	uint16_t cmd = cfg_read16(d, PCI_COMMAND);
	struct trace_counts tc;
	const char *stats, *text;
	int i;

	snprintf(path, sizeof(path), DEBUGFS "/%s/layout", d->bdf);
	text = slurp(path);
	expected_layout(d, want, sizeof(want));
	result(d, text && !strcmp(text, want), "debugfs-layout",
	       "got:\n%s\nwant:\n%s", text ?: "(none)", want);

	snprintf(path, sizeof(path), DEBUGFS "/%s/reset", d->bdf);
	result(d, put(path, "1"), "debugfs-stats-reset", "cannot write %s", path);
	if (!put(TRACEFS "/trace", "") ||
	    !put(TRACEFS "/events/msix_guard/enable", "1"))
		die("tracefs");

	/* The known sequence. */
	for (i = 0; i < 3; i++)
		fwd(d, 'r', bar, adj, 0, 4);
	fwd(d, 'w', bar, adj, 0x600dcafe, 4);
	fwd(d, 'w', bar, adj, 0x0badf00d, 4);
	fwd(d, 'r', pba_bar, pba, 0, 8);
	fwd(d, 'r', pba_bar, pba, 0, 8);
	v = 0x5eed5eed;	/* must appear in no trace event */
	if (bar_write(d, bar, d->msix.table.start, &v, 4) != 4 ||
	    bar_write(d, pba_bar, pba, &v, 8) != 8 ||
	    bar_read(d, bar, d->msix.table.start, &v, 4) != 4)
		die("table or PBA access");
	/* Rewrites of PCI_COMMAND that change nothing invalidate nothing. */
	for (i = 0; i < 3; i++)
		cfg_write16(d, PCI_COMMAND, cmd);
	cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	result(d, bar_read(d, bar, adj, &v, 4) < 0 && errno == EIO,
	       "decode-off-read-fails-EIO", "errno %d", errno);
	cfg_write16(d, PCI_COMMAND, cmd);
	fwd(d, 'r', bar, adj, 0, 4);

	if (!put(TRACEFS "/events/msix_guard/enable", "0"))
		die("tracefs");

	snprintf(path, sizeof(path), DEBUGFS "/%s/stats", d->bdf);
	stats = slurp(path);
	if (!stats)
		die("stats");
	snprintf(line, sizeof(line), "%-14s table 1 pba 2 adjacent 4 bytes 36\n",
		 "reads:");
	result(d, strstr(stats, line), "debugfs-stats-reads", "no \"%s\" in:\n%s",
	       line, stats);
	snprintf(line, sizeof(line), "%-14s table 1 pba 1 adjacent 2 bytes 20\n",
		 "writes:");
	result(d, strstr(stats, line), "debugfs-stats-writes", "no \"%s\" in:\n%s",
	       line, stats);
	snprintf(line, sizeof(line), "%-14s EIO 1 EFAULT 0 ENOMEM 0 other 0\n",
		 "errors:");
	result(d, strstr(stats, line), "debugfs-stats-errors", "no \"%s\" in:\n%s",
	       line, stats);
	/* Two edges, none for the rewrites; the first dropped both pages. */
	snprintf(line, sizeof(line),
		 "%-14s decode 2 power 0 low-power 0 reset 0 close 0\n%-14s 2\n%-14s 1\n",
		 "invalidations:", "dropped:", "mapped:");
	result(d, strstr(stats, line), "debugfs-stats-invalidations-on-edges-only",
	       "no \"%s\" in:\n%s", line, stats);
	snprintf(line, sizeof(line), "adjacent registers accessed:\n  BAR%u 0x%llx 6\n",
		 bar, (unsigned long long)adj);
	result(d, strstr(stats, line), "debugfs-stats-adjacent-registers",
	       "no \"%s\" in:\n%s", line, stats);

	text = slurp(TRACEFS "/trace");
	if (!text)
		die("trace");
	count_trace(d, text, &tc);
	result(d, tc.access[0][1] == 1 && tc.access[0][2] == 2 &&
	       tc.access[0][3] == 4 && tc.access[1][1] == 1 &&
	       tc.access[1][2] == 1 && tc.access[1][3] == 2 && tc.failed == 1,
	       "trace-access-events",
	       "reads table %u pba %u adjacent %u, writes table %u pba %u adjacent %u, failed %u",
	       tc.access[0][1], tc.access[0][2], tc.access[0][3],
	       tc.access[1][1], tc.access[1][2], tc.access[1][3], tc.failed);
	result(d, tc.invalidate[0] == 2 && tc.dropped == 2 &&
	       !tc.invalidate[1] && !tc.invalidate[2] && !tc.invalidate[3] &&
	       !tc.invalidate[4], "trace-invalidate-events",
	       "decode %u power %u low-power %u reset %u close %u, dropped %u",
	       tc.invalidate[0], tc.invalidate[1], tc.invalidate[2],
	       tc.invalidate[3], tc.invalidate[4], tc.dropped);
	if (d->fail) {
		const char *l;

		for (l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (*l != '#')
				printf("MSIXG TRACE %.*s\n",
				       (int)(strchrnul(l, '\n') - l), l);
	}
	/* Nor the values written to the table or the PBA. */
	result(d, !strstr(text, "5eed5eed"), "trace-no-table-or-pba-write-values",
	       "a value written to the table or PBA was traced");
}

int main(int argc, char **argv)
{
	struct dev d = { 0 };

	open_msix_device(&d, argc, argv);
	observe(&d);
	close_device(&d);
	return d.fail ? 1 : 0;
}
