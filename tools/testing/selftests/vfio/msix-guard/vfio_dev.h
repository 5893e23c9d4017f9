/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard end-to-end tests: a VFIO device opened through its group, its
 * config space, MSI-X layout and BARs, as the guest programs see them.
 * Shared by msix_guard_test.c and parity.c.
 */
#ifndef MSIXG_VFIO_DEV_H
#define MSIXG_VFIO_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/vfio.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define MAX_AREAS 8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* uAPI of newer kernels (6.19) that bookworm's headers lack. */
#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11
struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

struct span {
	uint64_t start, end;
};

struct msix {
	bool present;
	unsigned int nvec, table_bar, pba_bar;
	struct span table, pba;
};

struct dev {
	const char *bdf;
	int container, group, fd;
	uint64_t page;
	uint8_t cfg[256];
	struct msix msix;
	uint64_t bar_phys[6], bar_size[6];
	unsigned int pass, fail;
};

void die(const char *what);
/* A "MSIXG PASS/FAIL BDF NAME[: why]" line, counted in @d. */
__printf(4, 5)
void result(struct dev *d, bool ok, const char *name, const char *fmt, ...);
/* A "MSIXG IO" line: an access that reached the device, for the host. */
void print_io(struct dev *d, char dir, unsigned int bar, uint64_t off,
	      const uint8_t *buf, size_t len);
uint64_t region_off(unsigned int index);
void open_device(struct dev *d, const char *bdf);
void close_device(struct dev *d);
void open_msix_device(struct dev *d, int argc, char **argv);
struct vfio_region_info *region_info(struct dev *d, unsigned int index);
struct vfio_info_cap_header *find_cap(struct vfio_region_info *info,
				      uint16_t id);
void read_config(struct dev *d);
void read_config_sysfs(struct dev *d, const char *bdf);
void bar_spans(struct dev *d, unsigned int bar, struct span *t,
	       struct span *p);
bool page_withheld(struct dev *d, unsigned int bar, uint64_t page);
unsigned int expected_areas(struct dev *d, unsigned int bar, uint64_t size,
			    struct span *areas);
ssize_t bar_read(struct dev *d, unsigned int bar, uint64_t off, void *buf,
		 size_t len);
ssize_t bar_write(struct dev *d, unsigned int bar, uint64_t off,
		  const void *buf, size_t len);
int cfg_write16(struct dev *d, unsigned int reg, uint16_t v);
uint16_t cfg_read16(struct dev *d, unsigned int reg);
void debugcon_mark(uint8_t mark);

#endif /* MSIXG_VFIO_DEV_H */
