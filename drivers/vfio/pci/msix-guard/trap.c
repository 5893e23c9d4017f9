// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: the trapped MSI-X pages of a BAR.
 *
 * Pages holding any byte of the MSI-X table or PBA are never mmapped to
 * userspace (mapping.c).  read()/write() on them is serviced here: the table is
 * virtualized as vfio-pci core does it (reads all-ones, writes dropped), PBA
 * reads and accesses to registers sharing those pages are forwarded to the
 * device through a cache of lazily ioremap()ed pages.  Everything else falls
 * through to vfio-pci core.
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"
#include "msix_guard.h"

/*
 * Trapped bytes are bounced through a buffer of this size, so user copies
 * happen with no lock held and a write forwards only what it could copy.
 */
#define MSIXG_CHUNK	64

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
