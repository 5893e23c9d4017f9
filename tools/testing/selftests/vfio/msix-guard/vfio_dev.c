// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard end-to-end tests: opening a VFIO device and reading what the
 * tests need to know of it (see vfio_dev.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

void die(const char *what)
{
	printf("MSIXG FATAL %s: %s\n", what, strerror(errno));
	exit(2);
}

void result(struct dev *d, bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		d->pass++;
		printf("MSIXG PASS %s %s\n", d->bdf, name);
		return;
	}
	d->fail++;
	printf("MSIXG FAIL %s %s: ", d->bdf, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void print_io(struct dev *d, char dir, unsigned int bar, uint64_t off,
	      const uint8_t *buf, size_t len)
{
	size_t i;

	printf("MSIXG IO %s %c %u %#llx %zu ", d->bdf, dir, bar,
	       (unsigned long long)off, len);
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
}

uint64_t region_off(unsigned int index)
{
	return (uint64_t)index << 40;	/* VFIO_PCI_INDEX_TO_OFFSET */
}

void open_device(struct dev *d, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[256], link[256];
	ssize_t n;

	d->bdf = bdf;
	d->page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("iommu_group");
	link[n] = 0;

	d->container = open("/dev/vfio/vfio", O_RDWR);
	if (d->container < 0)
		die("open /dev/vfio/vfio");
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("VFIO API version");
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	d->group = open(path, O_RDWR);
	if (d->group < 0)
		die("open group");
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group not viable");
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
}

/*
 * For the programs that take one BDF of a device with MSI-X: line-buffered
 * output, the device opened, its config read; usage or die otherwise.
 */
void open_msix_device(struct dev *d, int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s BDF\n", argv[0]);
		exit(2);
	}
	open_device(d, argv[1]);
	read_config(d);
	if (!d->msix.present)
		die("no MSI-X");
}

void close_device(struct dev *d)
{
	close(d->fd);
	close(d->group);
	close(d->container);
}

/* Region info with its capability chain; caller frees. */
struct vfio_region_info *region_info(struct dev *d, unsigned int index)
{
	struct vfio_region_info *info = calloc(1, sizeof(*info));
	uint32_t argsz;

	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info))
		die("VFIO_DEVICE_GET_REGION_INFO");
	if (info->argsz > sizeof(*info)) {
		argsz = info->argsz;
		info = realloc(info, argsz);
		memset(info, 0, argsz);
		info->argsz = argsz;
		info->index = index;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info))
			die("VFIO_DEVICE_GET_REGION_INFO caps");
	}
	return info;
}

struct vfio_info_cap_header *find_cap(struct vfio_region_info *info,
				      uint16_t id)
{
	struct vfio_info_cap_header *h;
	uint32_t off;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = info->cap_offset; off; off = h->next) {
		h = (void *)((char *)info + off);
		if (h->id == id)
			return h;
	}
	return NULL;
}

/* The MSI-X capability in d->cfg, and the BARs from sysfs. */
static void parse_config(struct dev *d)
{
	unsigned int pos, guard = 0;
	uint32_t table, pba;
	uint16_t flags;
	FILE *f;
	char path[256];
	unsigned int i;

	memset(&d->msix, 0, sizeof(d->msix));
	pos = d->cfg[PCI_CAPABILITY_LIST] & ~3u;
	while (pos && guard++ < 48) {
		if (d->cfg[pos] == PCI_CAP_ID_MSIX) {
			memcpy(&flags, &d->cfg[pos + PCI_MSIX_FLAGS], 2);
			memcpy(&table, &d->cfg[pos + PCI_MSIX_TABLE], 4);
			memcpy(&pba, &d->cfg[pos + PCI_MSIX_PBA], 4);
			d->msix.present = true;
			d->msix.nvec = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
			d->msix.table_bar = table & PCI_MSIX_TABLE_BIR;
			d->msix.table.start = table & PCI_MSIX_TABLE_OFFSET;
			d->msix.table.end = d->msix.table.start + d->msix.nvec * 16;
			d->msix.pba_bar = pba & PCI_MSIX_PBA_BIR;
			d->msix.pba.start = pba & PCI_MSIX_PBA_OFFSET;
			d->msix.pba.end = d->msix.pba.start +
					  (d->msix.nvec + 63) / 64 * 8;
		}
		pos = d->cfg[pos + PCI_CAP_LIST_NEXT] & ~3u;
	}

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", d->bdf);
	f = fopen(path, "r");
	if (!f)
		die("resource");
	for (i = 0; i < 6; i++) {
		unsigned long long s, e, fl;

		if (fscanf(f, "%llx %llx %llx", &s, &e, &fl) != 3)
			die("resource parse");
		d->bar_phys[i] = s;
		d->bar_size[i] = s ? e - s + 1 : 0;
	}
	fclose(f);
}

void read_config(struct dev *d)
{
	if (pread(d->fd, d->cfg, sizeof(d->cfg), region_off(VFIO_PCI_CONFIG_REGION_INDEX)) !=
	    sizeof(d->cfg))
		die("config read");
	parse_config(d);
}

/* For a device some other process (a VMM) holds: config through sysfs. */
void read_config_sysfs(struct dev *d, const char *bdf)
{
	char path[256];
	FILE *f;

	d->bdf = bdf;
	d->page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	f = fopen(path, "r");
	if (!f || fread(d->cfg, 1, sizeof(d->cfg), f) != sizeof(d->cfg))
		die(path);
	fclose(f);
	parse_config(d);
}

/* Which structures of this BAR are in it, as spans (empty if elsewhere). */
void bar_spans(struct dev *d, unsigned int bar, struct span *t,
	       struct span *p)
{
	static const struct span none;

	*t = d->msix.present && d->msix.table_bar == bar ? d->msix.table : none;
	*p = d->msix.present && d->msix.pba_bar == bar ? d->msix.pba : none;
}

bool page_withheld(struct dev *d, unsigned int bar, uint64_t page)
{
	struct span t, p;

	bar_spans(d, bar, &t, &p);
	return (t.end > t.start && t.start < page + d->page && t.end > page) ||
	       (p.end > p.start && p.start < page + d->page && p.end > page);
}

/* The areas the driver should list: maximal runs of non-withheld pages. */
unsigned int expected_areas(struct dev *d, unsigned int bar,
			    uint64_t size, struct span *areas)
{
	unsigned int n = 0;
	uint64_t page;

	for (page = 0; page < size; page += d->page) {
		if (page_withheld(d, bar, page))
			continue;
		if (n && areas[n - 1].end == page) {
			areas[n - 1].end = page + d->page;
		} else {
			areas[n].start = page;
			areas[n].end = page + d->page;
			n++;
		}
	}
	if (n && areas[n - 1].end > size)
		areas[n - 1].end = size;
	return n;
}

ssize_t bar_read(struct dev *d, unsigned int bar, uint64_t off, void *buf,
		 size_t len)
{
	return pread(d->fd, buf, len, region_off(bar) + off);
}

ssize_t bar_write(struct dev *d, unsigned int bar, uint64_t off,
		  const void *buf, size_t len)
{
	return pwrite(d->fd, buf, len, region_off(bar) + off);
}

int cfg_write16(struct dev *d, unsigned int reg, uint16_t v)
{
	return pwrite(d->fd, &v, 2, region_off(VFIO_PCI_CONFIG_REGION_INDEX) + reg) == 2 ? 0 : -1;
}

uint16_t cfg_read16(struct dev *d, unsigned int reg)
{
	uint16_t v = 0;

	if (pread(d->fd, &v, 2, region_off(VFIO_PCI_CONFIG_REGION_INDEX) + reg) != 2)
		die("config read16");
	return v;
}

/*
 * A byte written to QEMU's isa-debugcon port: QEMU's trace records it in
 * order with every MMIO, so the host can tell which accesses happened
 * between two marks.
 */
#define DEBUGCON_PORT	0xe9

void debugcon_mark(uint8_t mark)
{
	static bool have_port;

	if (!have_port) {
		if (ioperm(DEBUGCON_PORT, 1, 1))
			die("ioperm");
		have_port = true;
	}
	outb(mark, DEBUGCON_PORT);
}
