// SPDX-License-Identifier: GPL-2.0-only
/*
 * msixg: which PCI functions of this host msix-guard matters for, and what
 * it is doing with the ones bound to it.
 *
 *   msixg scan [--page-size 4K|16K|64K] [--json]
 *	every function with an MSI-X capability, from sysfs: where the table
 *	and PBA are, the pages msix-guard would withhold from mmap at that
 *	page size, how much of the BAR stays mappable, whether those pages
 *	hold other bytes (where registers that share them live), the driver
 *	bound now, and a verdict
 *   msixg status [BDF]
 *	for devices bound to msix-guard: its debugfs layout and stats
 *
 * libc only.  Unprivileged, sysfs shows only the first 64 bytes of config
 * space, before any capability usually: scan says so for each device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYSFS_PCI	"/sys/bus/pci/devices"
#define DEBUGFS		"/sys/kernel/debug/msix-guard"
#define DRIVER		"msix-guard-vfio-pci"
#define NR_BARS		6
#define CAP_MSIX	0x11
#define IORESOURCE_MEM	0x200

/* What scan says when it cannot tell, or msix-guard would not serve. */
#define NOT_ROOT	"capabilities beyond the 64 bytes of config space " \
			"sysfs shows unprivileged: run as root"
#define TABLE_PAST_END	"the MSI-X table runs past the end of its BAR: " \
			"msix-guard refuses the device"
#define PBA_BEYOND	"the PBA lies beyond the end of its BAR: ignored, " \
			"as QEMU does"
#define PBA_PAST_END	"the PBA runs past the end of its BAR: withheld up " \
			"to the end"
#define OVERLAP		"the MSI-X table and PBA overlap: msix-guard " \
			"refuses the device"
#define NO_TABLE_BAR	"the MSI-X table's BIR names no implemented memory " \
			"BAR: msix-guard refuses the device"
#define SHARED		"other bytes share the MSI-X pages: msix-guard " \
			"withholds them from mmap and forwards accesses to " \
			"them; stock vfio-pci maps them, table included"
#define ALONE		"the MSI-X structures fill their pages: msix-guard " \
			"withholds nothing else"

typedef unsigned long long u64;

struct span {
	u64 start, end;
};

struct func {
	char bdf[32];
	char driver[64];
	unsigned int vendor, device, class;
	u64 bar_size[NR_BARS];
	unsigned long bar_flags[NR_BARS];
	bool has_msix;
	const char *error;	/* why the MSI-X capability could not be read */
	unsigned int vectors, table_bar, pba_bar;
	struct span table, pba;
};

/* One BAR holding an MSI-X structure, as msix-guard would lay it out. */
struct bar_plan {
	unsigned int bar;
	u64 size;
	struct span table, pba;		/* empty when not in this BAR */
	struct span withheld[2];
	unsigned int nr_withheld;
	u64 withheld_bytes, shared_bytes;
	const char *problem;		/* what msix-guard would say, or NULL */
	bool refused;
};

static u64 page_size;

static int read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static void read_resources(struct func *f)
{
	char path[PATH_MAX];
	unsigned long long s, e, fl;
	unsigned int i;
	FILE *fp;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/resource", f->bdf);
	fp = fopen(path, "r");
	if (!fp)
		return;
	for (i = 0; i < NR_BARS; i++) {
		if (fscanf(fp, "%llx %llx %llx", &s, &e, &fl) != 3)
			break;
		f->bar_size[i] = (s || e) ? e - s + 1 : 0;
		f->bar_flags[i] = fl;
	}
	fclose(fp);
}

static unsigned int get16(const uint8_t *c, unsigned int off)
{
	return c[off] | c[off + 1] << 8;
}

static uint32_t get32(const uint8_t *c, unsigned int off)
{
	return get16(c, off) | (uint32_t)get16(c, off + 2) << 16;
}

/* The MSI-X capability, from as much of config space as sysfs shows. */
static void read_msix(struct func *f)
{
	uint8_t cfg[256];
	char path[PATH_MAX];
	unsigned int ptr, hops;
	int n;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/config", f->bdf);
	n = read_file(path, cfg, sizeof(cfg));
	if (n < 64) {
		f->error = "config space unreadable";
		return;
	}
	f->vendor = get16(cfg, 0x00);
	f->device = get16(cfg, 0x02);
	f->class = get32(cfg, 0x08) >> 8;
	if (!(get16(cfg, 0x06) & 0x10))
		return;		/* no capability list */
	/* As the kernel walks it: capabilities live above the header. */
	for (ptr = cfg[0x34] & 0xfc, hops = 0; ptr >= 0x40 && hops < 48;
	     ptr = cfg[ptr + 1] & 0xfc, hops++) {
		uint32_t treg, preg;

		if (ptr + 2 > (unsigned int)n) {
			f->error = n <= 64 ? NOT_ROOT :
				"capability list runs past config space";
			return;
		}
		if (cfg[ptr] != CAP_MSIX)
			continue;
		if (ptr + 12 > (unsigned int)n) {
			f->error = "MSI-X capability runs past config space";
			return;
		}
		f->has_msix = true;
		f->vectors = (get16(cfg, ptr + 2) & 0x7ff) + 1;
		treg = get32(cfg, ptr + 4);
		preg = get32(cfg, ptr + 8);
		f->table_bar = treg & 7;
		f->table.start = treg & ~7u;
		f->table.end = f->table.start + f->vectors * 16ULL;
		f->pba_bar = preg & 7;
		f->pba.start = preg & ~7u;
		f->pba.end = f->pba.start + (f->vectors + 63) / 64 * 8ULL;
		return;
	}
}

static bool read_func(const char *bdf, struct func *f)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	memset(f, 0, sizeof(*f));
	snprintf(f->bdf, sizeof(f->bdf), "%s", bdf);
	snprintf(path, sizeof(path), SYSFS_PCI "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = 0;
		snprintf(f->driver, sizeof(f->driver), "%.63s",
			 strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	} else {
		snprintf(f->driver, sizeof(f->driver), "none");
	}
	read_resources(f);
	read_msix(f);
	return f->has_msix || f->error;
}

static u64 page_down(u64 v)
{
	return v & ~(page_size - 1);
}

static u64 page_up(u64 v)
{
	return page_down(v + page_size - 1);
}

static u64 overlap(struct span a, struct span b)
{
	u64 s = a.start > b.start ? a.start : b.start;
	u64 e = a.end < b.end ? a.end : b.end;

	return e > s ? e - s : 0;
}

static void add_withheld(struct bar_plan *p, struct span s)
{
	struct span pages = { page_down(s.start), page_up(s.end) };
	struct span *w = p->withheld;

	if (s.start == s.end)
		return;
	if (!p->nr_withheld) {
		w[p->nr_withheld++] = pages;
	} else if (pages.end < w[0].start) {
		w[1] = w[0];
		w[0] = pages;
		p->nr_withheld = 2;
	} else if (pages.start > w[0].end) {
		w[1] = pages;
		p->nr_withheld = 2;
	} else {
		if (pages.start < w[0].start)
			w[0].start = pages.start;
		if (pages.end > w[0].end)
			w[0].end = pages.end;
	}
}

static bool mem_bar(const struct func *f, unsigned int bar)
{
	return bar < NR_BARS && f->bar_size[bar] &&
	       (f->bar_flags[bar] & IORESOURCE_MEM);
}

/*
 * One BAR, by msix-guard's rules (msixg_init_layout() and
 * msixg_layout_init(); Documentation/driver-api/vfio/msix-guard.rst).
 */
static void plan_bar(unsigned int bar, u64 size, struct span table,
		     struct span pba, struct bar_plan *p)
{
	struct span all = { 0, size };
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->bar = bar;
	p->size = size;
	p->table = table;
	p->pba = pba;
	if (table.end > size) {
		p->problem = TABLE_PAST_END;
		p->refused = true;
		return;
	}
	if (pba.end > size) {
		if (pba.start >= size) {
			p->problem = PBA_BEYOND;
			p->pba.start = 0;
			p->pba.end = 0;
		} else {
			p->problem = PBA_PAST_END;
			p->pba.end = size;
		}
	}
	if (overlap(p->table, p->pba)) {
		p->problem = OVERLAP;
		p->refused = true;
		return;
	}
	add_withheld(p, p->table);
	add_withheld(p, p->pba);
	for (i = 0; i < p->nr_withheld; i++)
		p->withheld_bytes += overlap(p->withheld[i], all);
	p->shared_bytes = p->withheld_bytes - overlap(p->table, all) -
			  overlap(p->pba, all);
}

/* The BARs msix-guard would withhold pages of, or a refusal. */
static unsigned int plans_of(const struct func *f, struct bar_plan *plans,
			     const char **refusal)
{
	static const struct span none;
	unsigned int pba_bar = f->pba_bar, n = 0;
	struct span pba = f->pba;

	*refusal = NULL;
	if (!mem_bar(f, f->table_bar)) {
		*refusal = NO_TABLE_BAR;
		return 0;
	}
	if (!mem_bar(f, pba_bar)) {
		/* msix-guard warns and ignores it, as QEMU does. */
		pba_bar = f->table_bar;
		pba = none;
	}
	plan_bar(f->table_bar, f->bar_size[f->table_bar], f->table,
		 pba_bar == f->table_bar ? pba : none, &plans[n++]);
	if (pba_bar != f->table_bar)
		plan_bar(pba_bar, f->bar_size[pba_bar], none, pba, &plans[n++]);
	return n;
}

static void verdict(const struct func *f, const struct bar_plan *plans,
		    unsigned int n, const char *refusal, char *out, size_t size)
{
	u64 shared = 0;
	bool unmappable = false;
	unsigned int i;

	if (f->error) {
		snprintf(out, size, "unknown: %s", f->error);
		return;
	}
	if (refusal) {
		snprintf(out, size, "not servable: %s", refusal);
		return;
	}
	for (i = 0; i < n; i++) {
		if (plans[i].refused) {
			snprintf(out, size, "not servable: %s", plans[i].problem);
			return;
		}
		shared += plans[i].shared_bytes;
		unmappable |= plans[i].withheld_bytes == plans[i].size;
	}
	snprintf(out, size, "%s%s",
		 shared ? SHARED : ALONE,
		 unmappable ? "; a BAR is withheld whole (no mmap at all)" : "");
}

static void print_size(u64 v)
{
	if (v >= (1 << 20) && !(v % (1 << 20)))
		printf("%lluM", v >> 20);
	else if (v >= 1024 && !(v % 1024))
		printf("%lluK", v >> 10);
	else
		printf("%llu", v);
}

static void print_text(const struct func *f)
{
	struct bar_plan plans[2];
	const char *refusal;
	unsigned int n, i, j;
	char v[256];

	printf("%s %04x:%04x class %06x driver %s\n", f->bdf, f->vendor,
	       f->device, f->class, f->driver);
	if (f->error) {
		printf("\tMSI-X: ?\n\tVerdict: unknown: %s\n", f->error);
		return;
	}
	printf("\tMSI-X: %u vectors, table BAR%u 0x%llx-0x%llx", f->vectors,
	       f->table_bar, f->table.start, f->table.end);
	printf(", PBA BAR%u 0x%llx-0x%llx\n", f->pba_bar, f->pba.start,
	       f->pba.end);
	n = plans_of(f, plans, &refusal);
	for (i = 0; i < n; i++) {
		const struct bar_plan *p = &plans[i];

		printf("\tBAR%u (", p->bar);
		print_size(p->size);
		printf("): ");
		if (p->refused) {
			printf("%s\n", p->problem);
			continue;
		}
		printf("withheld");
		for (j = 0; j < p->nr_withheld; j++)
			printf(" 0x%llx-0x%llx", p->withheld[j].start,
			       p->withheld[j].end);
		printf(" at ");
		print_size(page_size);
		printf(" pages, %llu%% mappable, %llu other bytes in withheld pages\n",
		       (p->size - p->withheld_bytes) * 100 / p->size,
		       p->shared_bytes);
		if (p->problem)
			printf("\t\tnote: %s\n", p->problem);
	}
	verdict(f, plans, n, refusal, v, sizeof(v));
	printf("\tVerdict: %s\n", v);
}

/* A JSON string: sysfs names should need no escaping, but never trust. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* "key": {"bar": B, "start": S, "end": E} */
static void json_span(const char *key, unsigned int bar, struct span sp)
{
	printf("\"%s\": {\"bar\": %u, \"start\": %llu, \"end\": %llu}, ", key,
	       bar, sp.start, sp.end);
}

static void json_bar(const struct bar_plan *p, bool first)
{
	unsigned int j;

	printf("%s{\"bar\": %u, \"size\": %llu, \"servable\": %s, ",
	       first ? "" : ", ", p->bar, p->size,
	       p->refused ? "false" : "true");
	if (p->refused) {
		printf("\"note\": \"%s\"}", p->problem);
		return;
	}
	printf("\"withheld\": [");
	for (j = 0; j < p->nr_withheld; j++)
		printf("%s[%llu, %llu]", j ? ", " : "", p->withheld[j].start,
		       p->withheld[j].end);
	printf("], \"withheld_bytes\": %llu, ", p->withheld_bytes);
	printf("\"mappable_bytes\": %llu, ", p->size - p->withheld_bytes);
	printf("\"shared_bytes\": %llu, \"note\": ", p->shared_bytes);
	if (p->problem)
		printf("\"%s\"}", p->problem);
	else
		printf("null}");
}

/* One device, on one line: the format is documented and kept stable. */
static void print_json(const struct func *f, bool first)
{
	const char *refusal = NULL;
	struct bar_plan plans[2];
	unsigned int n, i;
	char v[256];

	printf("%s\n  {\"bdf\": ", first ? "" : ",");
	json_str(f->bdf);
	printf(", \"vendor\": %u, \"device\": %u, \"class\": %u, \"driver\": ",
	       f->vendor, f->device, f->class);
	json_str(f->driver);
	printf(", ");
	n = f->error ? 0 : plans_of(f, plans, &refusal);
	verdict(f, plans, n, refusal, v, sizeof(v));
	if (f->error) {
		printf("\"error\": \"%s\", \"verdict\": \"%s\"}", f->error, v);
		return;
	}
	printf("\"page_size\": %llu, \"vectors\": %u, ", page_size,
	       f->vectors);
	json_span("table", f->table_bar, f->table);
	json_span("pba", f->pba_bar, f->pba);
	printf("\"bars\": [");
	for (i = 0; i < n; i++)
		json_bar(&plans[i], !i);
	printf("], \"verdict\": \"%s\"}", v);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int scan(bool json)
{
	struct dirent **names;
	unsigned int shown = 0;
	struct func f;
	int n, i;

	n = scandir(SYSFS_PCI, &names, no_dots, cmp_names);
	if (n < 0) {
		fprintf(stderr, "msixg: %s: %s\n", SYSFS_PCI, strerror(errno));
		return 1;
	}
	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		if (read_func(names[i]->d_name, &f)) {
			if (json)
				print_json(&f, !shown);
			else
				print_text(&f);
			shown++;
		}
		free(names[i]);
	}
	free(names);
	if (json)
		printf("%s]\n", shown ? "\n" : "");
	else if (!shown)
		printf("no PCI function with an MSI-X capability\n");
	return 0;
}

static int show_file(const char *bdf, const char *name)
{
	char path[PATH_MAX], buf[16384];
	int n;

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", bdf, name);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n < 0) {
		fprintf(stderr, "msixg: %s: %s (needs root and debugfs at /sys/kernel/debug)\n",
			path, strerror(-n));
		return 1;
	}
	buf[n] = 0;
	printf("%s", buf);
	return 0;
}

static int status(const char *only)
{
	struct dirent **names;
	unsigned int shown = 0;
	int n, i, rc = 0;
	struct func f;

	n = scandir(SYSFS_PCI, &names, no_dots, cmp_names);
	if (n < 0) {
		fprintf(stderr, "msixg: %s: %s\n", SYSFS_PCI, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		const char *bdf = names[i]->d_name;

		read_func(bdf, &f);
		if ((!only || !strcmp(only, bdf)) && !strcmp(f.driver, DRIVER)) {
			printf("%s%s %04x:%04x bound to " DRIVER "\n",
			       shown ? "\n" : "", bdf, f.vendor, f.device);
			rc |= show_file(bdf, "layout");
			rc |= show_file(bdf, "stats");
			shown++;
		}
		free(names[i]);
	}
	free(names);
	if (!shown) {
		fprintf(stderr, "msixg: %s bound to " DRIVER "\n",
			only ? only : "no device");
		return 1;
	}
	return rc;
}

static void print_usage(void)
{
	fputs("usage: msixg scan [--page-size 4K|16K|64K] [--json]\n", stderr);
	fputs("       msixg status [BDF]\n", stderr);
}

static u64 parse_page_size(const char *s)
{
	if (!strcmp(s, "4K"))
		return 4096;
	if (!strcmp(s, "16K"))
		return 16384;
	if (!strcmp(s, "64K"))
		return 65536;
	return 0;
}

int main(int argc, char **argv)
{
	bool json = false;
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc >= 2 && !strcmp(argv[1], "scan")) {
		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--json")) {
				json = true;
			} else if (!strcmp(argv[i], "--page-size") && i + 1 < argc) {
				page_size = parse_page_size(argv[++i]);
				if (!page_size) {
					fprintf(stderr, "msixg: page size %s: 4K, 16K or 64K\n",
						argv[i]);
					return 2;
				}
			} else {
				print_usage();
				return 2;
			}
		}
		return scan(json);
	}
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "status"))
		return status(argc == 3 ? argv[2] : NULL);
	print_usage();
	return 2;
}
