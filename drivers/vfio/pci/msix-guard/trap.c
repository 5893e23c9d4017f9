// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: the trapped MSI-X pages of a BAR.
 *
 * Pages holding any byte of the MSI-X table or PBA are never mmapped to
 * userspace.  read()/write() on them is serviced here: the table is
 * virtualized as vfio-pci core does it (reads all-ones, writes dropped), PBA
 * reads and accesses to registers sharing those pages are forwarded to the
 * device through a cache of lazily ioremap()ed pages.  Everything else falls
 * through to vfio-pci core.
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"
#include "msix_guard.h"

/*
 * Trapped bytes are bounced through a buffer of this size, so user copies
 * happen with no lock held and a write forwards only what it could copy.
 */
#define MSIXG_CHUNK	64

static struct msixg_bar_layout *msixg_bar_layout(struct msixg_device *mdev,
						 unsigned int index)
{
	struct msixg_bar_layout *l;

	if (index >= PCI_STD_NUM_BARS)
		return NULL;
	l = &mdev->layout[array_index_nospec(index, PCI_STD_NUM_BARS)];
	return msixg_layout_active(l) ? l : NULL;
}

/*
 * May the BARs be accessed right now?  Mirrors vfio-pci core's
 * __vfio_pci_memory_enabled(), which is not exported, and also says no while
 * userspace has put the device in low power (VFIO_DEVICE_FEATURE_LOW_POWER_*).
 */
static bool msixg_memory_enabled(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = le16_to_cpu(*(__le16 *)&vdev->vconfig[PCI_COMMAND]);

	lockdep_assert_held(&vdev->memory_lock);

	/* pci_power_t is ordered; the casts keep sparse quiet about it. */
	return !vdev->pm_runtime_engaged &&
	       (__force int)pdev->current_state < (__force int)PCI_D3hot &&
	       (pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY));
}

/**
 * msixg_claim_bars() - claim the MSI-X BARs for vfio at open
 * @mdev: the device, being opened
 *
 * As vfio-pci core does before its first access to a BAR, but once, here:
 * the core's own claim is not safe against concurrent first accesses, which
 * the trapped path would otherwise make.
 *
 * Return: 0 or the error of the claim.
 */
int msixg_claim_bars(struct msixg_device *mdev)
{
	unsigned int bar;
	int ret;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!msixg_layout_active(&mdev->layout[bar]))
			continue;
		ret = msixg_setup_barmap(&mdev->core_device, bar);
		if (ret)
			return ret;
	}
	return 0;
}

static void __iomem *msixg_map_page(void *priv, unsigned int bar,
				    u64 page_off, u64 size)
{
	struct msixg_device *mdev = priv;
	struct pci_dev *pdev = mdev->core_device.pdev;
	u64 len = pci_resource_len(pdev, bar);

	/* Never map past the end of a BAR smaller than a page. */
	size = min(size, len - page_off);
	return ioremap(pci_resource_start(pdev, bar) + page_off, size);
}

static void msixg_unmap_page(void *priv, void __iomem *va)
{
	iounmap(va);
}

const struct msixg_cache_ops msixg_ioremap_ops = {
	.map = msixg_map_page,
	.unmap = msixg_unmap_page,
};

static int msixg_bar_span(struct pci_dev *pdev, u32 reg, u64 size,
			  unsigned int *bar, struct msixg_span *span)
{
	*bar = reg & PCI_MSIX_TABLE_BIR;
	if (*bar >= PCI_STD_NUM_BARS) {
		pci_err(pdev, "msix-guard: MSI-X BIR %u is not a BAR\n", *bar);
		return -EINVAL;
	}
	if (!(pci_resource_flags(pdev, *bar) & IORESOURCE_MEM)) {
		pci_err(pdev, "msix-guard: BAR%u holding MSI-X is not a memory BAR\n",
			*bar);
		return -EINVAL;
	}
	span->start = reg & PCI_MSIX_TABLE_OFFSET;
	span->end = span->start + size;
	return 0;
}

/**
 * msixg_init_layout() - read the MSI-X capability and plan the withheld pages
 * @mdev: the device being probed
 *
 * Return: 0, also for a device without MSI-X; -EINVAL for a layout that
 * cannot be right, after saying why.
 */
int msixg_init_layout(struct msixg_device *mdev)
{
	struct pci_dev *pdev = mdev->core_device.pdev;
	struct msixg_span none = {}, table, pba;
	unsigned int table_bar, pba_bar, bar, i;
	u32 table_reg, pba_reg;
	const char *why;
	u16 flags, nvec;
	int ret, slot;

	if (!pdev->msix_cap)
		return 0;

	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table_reg);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba_reg);
	nvec = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;

	ret = msixg_bar_span(pdev, table_reg, nvec * PCI_MSIX_ENTRY_SIZE,
			     &table_bar, &table);
	if (ret)
		return ret;
	ret = msixg_bar_span(pdev, pba_reg, DIV_ROUND_UP(nvec, 64) * 8,
			     &pba_bar, &pba);
	if (ret)
		return ret;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		struct msixg_bar_layout *l = &mdev->layout[bar];

		if (bar != table_bar && bar != pba_bar)
			continue;
		ret = msixg_layout_init(l, pci_resource_len(pdev, bar),
					PAGE_SHIFT,
					bar == table_bar ? table : none,
					bar == pba_bar ? pba : none, &why);
		if (ret) {
			pci_err(pdev, "msix-guard: BAR%u: %s\n", bar, why);
			return ret;
		}

		mdev->slot_base[bar] = mdev->cache.nr_slots;
		for (i = 0; i < l->nr_fwd_pages; i++) {
			slot = msixg_cache_add_slot(&mdev->cache, bar,
						    l->fwd_pages[i]);
			if (slot < 0)
				return slot;
		}
	}
	return 0;
}

/* One forwarded piece: @data holds it little-endian, as the device sees it. */
static int msixg_forward(struct msixg_device *mdev, unsigned int bar,
			 const struct msixg_piece *p, u8 *data, bool iswrite)
{
	const struct msixg_bar_layout *l = &mdev->layout[bar];
	int idx = msixg_layout_fwd_index(l, p->off);
	void __iomem *io;
	int ret;

	if (WARN_ON_ONCE(idx < 0))
		return -EIO;
	ret = msixg_cache_get(&mdev->cache, mdev->slot_base[bar] + idx, &io);
	if (ret)
		return ret;
	io += p->off - l->fwd_pages[idx];

	switch (p->len) {
	case 1:
		if (iswrite)
			writeb(*data, io);
		else
			*data = readb(io);
		break;
	case 2:
		if (iswrite)
			writew(get_unaligned_le16(data), io);
		else
			put_unaligned_le16(readw(io), data);
		break;
	case 4:
		if (iswrite)
			writel(get_unaligned_le32(data), io);
		else
			put_unaligned_le32(readl(io), data);
		break;
	case 8:
		if (iswrite)
			writeq(get_unaligned_le64(data), io);
		else
			put_unaligned_le64(readq(io), data);
		break;
	default:
		WARN_ON_ONCE(1);
		return -EIO;
	}
	return 0;
}

/*
 * Serve trapped bytes from @off on, at most @len, stopping before the first
 * byte vfio-pci core handles.  @data is the bounce buffer.  Holds memory_lock
 * shared across the decode check and every MMIO, so decode cannot be turned
 * off under the access, and the cache lock inside it.
 *
 * Return: bytes served (> 0), up to the first piece that failed; or, when
 * the very first one failed, a negative errno with nothing forwarded.
 */
static ssize_t msixg_trapped(struct msixg_device *mdev, unsigned int bar,
			     u64 off, u64 len, u8 *data, bool iswrite)
{
	struct vfio_pci_core_device *vdev = &mdev->core_device;
	const struct msixg_bar_layout *l = &mdev->layout[bar];
	struct msixg_piece p;
	ssize_t ret = 0;
	u64 done;

	down_read(&vdev->memory_lock);
	if (!msixg_memory_enabled(vdev)) {
		ret = -EIO;
		goto out_memory;
	}
	msixg_cache_read_lock(&mdev->cache);

	for (done = 0; done < len; done += p.len) {
		msixg_layout_next_piece(l, off + done, len - done, &p);
		if (p.kind == MSIXG_CORE)
			break;
		if (p.kind == MSIXG_TABLE) {
			if (!iswrite)
				memset(data + done, 0xff, p.len);
			continue;
		}
		if (p.kind == MSIXG_PBA && iswrite)
			continue;
		ret = msixg_forward(mdev, bar, &p, data + done, iswrite);
		if (ret)
			break;
	}

	msixg_cache_read_unlock(&mdev->cache);
out_memory:
	up_read(&vdev->memory_lock);
	return done ? (ssize_t)done : ret;
}

static ssize_t msixg_bar_rw(struct msixg_device *mdev, unsigned int bar,
			    char __user *buf, size_t count, loff_t *ppos,
			    bool iswrite)
{
	struct vfio_pci_core_device *vdev = &mdev->core_device;
	const struct msixg_bar_layout *l = &mdev->layout[bar];
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	u8 data[MSIXG_CHUNK];
	struct msixg_piece p;
	ssize_t ret = 0;
	size_t done;

	if (!msixg_layout_check_range(l, pos, count))
		return -EINVAL;
	if (!count)
		return 0;
	if (!msixg_layout_overlaps_withheld(l, pos, count))
		goto core;

	/*
	 * No runtime-PM reference is taken here, unlike vfio-pci core's own
	 * path: an open device holds one unless userspace put it in low power,
	 * which msixg_memory_enabled() refuses under memory_lock.
	 */
	for (done = 0; done < count; done += ret) {
		u64 off = pos + done;

		msixg_layout_next_piece(l, off, count - done, &p);
		if (p.kind == MSIXG_CORE) {
			loff_t core_pos = VFIO_PCI_INDEX_TO_OFFSET(bar) + off;

			if (iswrite)
				ret = vfio_pci_core_write(&vdev->vdev,
							  buf + done, p.len,
							  &core_pos);
			else
				ret = vfio_pci_core_read(&vdev->vdev,
							 buf + done, p.len,
							 &core_pos);
		} else {
			/* Chunks end on MSIXG_CHUNK boundaries: no piece is cut. */
			u64 n = min_t(u64, count - done,
				      MSIXG_CHUNK - (off & (MSIXG_CHUNK - 1)));

			if (iswrite && copy_from_user(data, buf + done, n)) {
				ret = -EFAULT;
				break;
			}
			ret = msixg_trapped(mdev, bar, off, n, data, iswrite);
			if (ret > 0 && !iswrite &&
			    copy_to_user(buf + done, data, ret))
				ret = -EFAULT;
		}
		if (ret <= 0)
			break;
	}

	if (!done)
		return ret < 0 ? ret : -EIO;
	*ppos += done;
	return done;

core:
	if (iswrite)
		return vfio_pci_core_write(&vdev->vdev, buf, count, ppos);
	return vfio_pci_core_read(&vdev->vdev, buf, count, ppos);
}

ssize_t msixg_read(struct vfio_device *core_vdev, char __user *buf,
		   size_t count, loff_t *ppos)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, index);

	if (l)
		return msixg_bar_rw(mdev, l - mdev->layout, buf, count, ppos, false);
	return vfio_pci_core_read(core_vdev, buf, count, ppos);
}

/* Does [@pos, @pos + @count) touch any byte of [@reg, @reg + @len)? */
static bool msixg_touches(u64 pos, size_t count, unsigned int reg,
			  unsigned int len)
{
	return pos < reg + len && (pos >= reg || count > reg - pos);
}

/*
 * Does a config write touch what can turn BAR access off: the byte holding
 * PCI_COMMAND_MEMORY, or the power state in the PM capability?
 */
static bool msixg_touches_decode(struct pci_dev *pdev, u64 pos, size_t count)
{
	if (msixg_touches(pos, count, PCI_COMMAND, 1))
		return true;
	return pdev->pm_cap &&
	       msixg_touches(pos, count, pdev->pm_cap + PCI_PM_CTRL, 2);
}

ssize_t msixg_write(struct vfio_device *core_vdev, const char __user *buf,
		    size_t count, loff_t *ppos)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, index);
	ssize_t ret;

	if (l)
		return msixg_bar_rw(mdev, l - mdev->layout, (char __user *)buf,
				    count, ppos, true);

	if (index != VFIO_PCI_CONFIG_REGION_INDEX ||
	    !msixg_touches_decode(mdev->core_device.pdev,
				  *ppos & VFIO_PCI_OFFSET_MASK, count))
		return vfio_pci_core_write(core_vdev, buf, count, ppos);

	/*
	 * The core applies the write, taking memory_lock itself; from then on
	 * accesses see the new decode state.  The mappings are dropped once it
	 * has returned, before any other toggle can start: none made before a
	 * toggle is used after it.
	 */
	mutex_lock(&mdev->cmd_lock);
	ret = vfio_pci_core_write(core_vdev, buf, count, ppos);
	msixg_cache_invalidate(&mdev->cache);
	mutex_unlock(&mdev->cmd_lock);
	return ret;
}

int msixg_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, index);
	u64 pgoff, start, len, end;

	if (l) {
		pgoff = vma->vm_pgoff &
			((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
		start = pgoff << PAGE_SHIFT;
		len = vma->vm_end - vma->vm_start;
		if (!len || check_add_overflow(start, len, &end) ||
		    msixg_layout_overlaps_withheld(l, start, len))
			return -EINVAL;
	}
	return vfio_pci_core_mmap(core_vdev, vma);
}

static int msixg_add_sparse_cap(const struct msixg_bar_layout *l,
				struct vfio_info_cap *caps, unsigned int *nr)
{
	struct msixg_span areas[MSIXG_MAX_AREAS];
	struct vfio_region_info_cap_sparse_mmap *sparse;
	unsigned int i;
	size_t size;
	int ret;

	*nr = msixg_layout_mmap_areas(l, areas);
	if (!*nr)
		return 0;

	size = struct_size(sparse, areas, *nr);
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = *nr;
	for (i = 0; i < *nr; i++) {
		sparse->areas[i].offset = areas[i].start;
		sparse->areas[i].size = areas[i].end - areas[i].start;
	}
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

/*
 * Region info of an MSI-X BAR: mmappable only in the areas of the sparse
 * list, and never MSIX_MAPPABLE.  A BAR whose every page is withheld is not
 * mmappable at all.
 */
static long msixg_ioctl_get_region_info(struct msixg_device *mdev,
					unsigned long arg)
{
	struct vfio_pci_core_device *vdev = &mdev->core_device;
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info __user *uarg = (void __user *)arg;
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct msixg_bar_layout *l;
	struct vfio_region_info info;
	unsigned int nr_areas = 0;
	int ret;

	if (copy_from_user(&info, uarg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	l = msixg_bar_layout(mdev, info.index);
	if (!l || !vdev->bar_mmap_supported[l - mdev->layout])
		return vfio_pci_core_ioctl(&vdev->vdev,
					   VFIO_DEVICE_GET_REGION_INFO, arg);

	ret = msixg_add_sparse_cap(l, &caps, &nr_areas);
	if (ret)
		return ret;

	info.offset = VFIO_PCI_INDEX_TO_OFFSET(l - mdev->layout);
	info.size = l->bar_size;
	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (nr_areas)
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(uarg + 1, caps.buf, caps.size)) {
				kfree(caps.buf);
				return -EFAULT;
			}
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
	}
	return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
}

long msixg_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
		 unsigned long arg)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);

	/* Resets reach the cache through reset_prepare/reset_done. */
	if (cmd == VFIO_DEVICE_GET_REGION_INFO)
		return msixg_ioctl_get_region_info(mdev, arg);
	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}

int msixg_device_feature(struct vfio_device *core_vdev, u32 flags,
			 void __user *arg, size_t argsz)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	int ret;

	ret = vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		/*
		 * Accesses check low power live under memory_lock; drop the
		 * mappings across the transition all the same.
		 */
		if (flags & VFIO_DEVICE_FEATURE_SET)
			msixg_cache_invalidate(&mdev->cache);
		break;
	}
	return ret;
}
