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
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"
#include "msix_guard.h"

#include <trace/events/msix_guard.h>

/*
 * May the BARs be accessed right now?  Mirrors vfio-pci core's
 * __vfio_pci_memory_enabled(), which its own BAR accesses check and which is
 * not exported before 6.19.
 */
static bool msixg_memory_enabled(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = le16_to_cpu(*(__le16 *)&vdev->vconfig[PCI_COMMAND]);

	lockdep_assert_held(&vdev->memory_lock);

	/* pci_power_t is ordered; the casts keep sparse quiet about it. */
	return (__force int)pdev->current_state < (__force int)PCI_D3hot &&
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

	/*
	 * As pci_iomap() maps BARs for the core, with the arch's hooks; it
	 * never maps past the end of a BAR smaller than a page.
	 */
	return pci_iomap_range(mdev->core_device.pdev, bar, page_off, size);
}

static void msixg_unmap_page(void *priv, void __iomem *va)
{
	struct msixg_device *mdev = priv;

	pci_iounmap(mdev->core_device.pdev, va);
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
 * One forwarded piece (or a dropped PBA write), with memory_lock held shared
 * around the decode check and the MMIO alone, as vfio-pci core holds it
 * around each of its own device accesses; the cache lock nests inside.
 */
static int msixg_forward_locked(struct msixg_device *mdev, unsigned int bar,
				const struct msixg_piece *p, u8 *data,
				bool iswrite)
{
	struct vfio_pci_core_device *vdev = &mdev->core_device;
	int ret = -EIO;

	down_read(&vdev->memory_lock);
	if (!msixg_memory_enabled(vdev))
		goto out;
	/* Dropped, but failing as stock's write to the PBA would. */
	ret = 0;
	if (p->kind == MSIXG_PBA && iswrite)
		goto out;
	msixg_cache_read_lock(&mdev->cache);
	ret = msixg_forward(mdev, bar, p, data, iswrite);
	msixg_cache_read_unlock(&mdev->cache);
out:
	up_read(&vdev->memory_lock);
	return ret;
}

/*
 * One trapped piece at @buf, handled as vfio_pci_core_do_io_rw() handles
 * each chunk of an access: table bytes read as all-ones (copied out, no
 * device access) and written nowhere (the user buffer is not even read);
 * a forwarded write copies its bytes in before the device access, a
 * forwarded read copies them out after it.  PBA writes are copied in and
 * dropped (with decode on; -EIO as any device access with it off).
 */
static int msixg_trapped_piece(struct msixg_device *mdev, unsigned int bar,
			       const struct msixg_piece *p, char __user *buf,
			       bool iswrite)
{
	static const u8 ones[MSIXG_MAX_ACCESS] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	u8 data[MSIXG_MAX_ACCESS];
	u64 done, n, val = 0;
	int ret = 0;

	if (p->kind == MSIXG_TABLE) {
		for (done = 0; !iswrite && done < p->len; done += n) {
			n = min_t(u64, p->len - done, sizeof(ones));
			if (copy_to_user(buf + done, ones, n)) {
				ret = -EFAULT;
				break;
			}
		}
		goto out;
	}
	if (iswrite && copy_from_user(data, buf, p->len)) {
		ret = -EFAULT;
		goto out;
	}
	ret = msixg_forward_locked(mdev, bar, p, data, iswrite);
	if (ret)
		goto out;
	if (!iswrite && copy_to_user(buf, data, p->len))
		ret = -EFAULT;
	/* The value that reached or came from the device. */
	if (!ret && !(p->kind == MSIXG_PBA && iswrite) &&
	    trace_msix_guard_access_enabled())
		for (n = p->len; n--;)
			val = val << 8 | data[n];
	if (!ret && p->kind == MSIXG_ADJACENT)
		msixg_stat_adjacent(mdev, bar, p->off);
out:
	trace_msix_guard_access(mdev->core_device.pdev, bar, p->off, p->len,
				p->kind, iswrite, val, ret);
	msixg_stat_piece(mdev, p, iswrite, ret);
	return ret;
}

/* The runtime-PM reference vfio_pci_rw() takes around an access. */
static int msixg_pm_get(struct vfio_pci_core_device *vdev)
{
	int ret = pm_runtime_resume_and_get(&vdev->pdev->dev);

	if (ret) {
		pci_info_ratelimited(vdev->pdev, "runtime resume failed %d\n",
				     ret);
		return -EIO;
	}
	return 0;
}

/*
 * The MSI-X BAR whose withheld pages an access reaches, or NULL when the
 * access is vfio-pci core's (see msixg_layout_traps()).
 */
static __always_inline struct msixg_bar_layout *
msixg_trapped_bar(struct msixg_device *mdev, loff_t pos, size_t count)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(pos);
	struct msixg_bar_layout *l;

	if (index >= PCI_STD_NUM_BARS)
		return NULL;
	/* Inactive layouts (BARs without MSI-X) trap nothing. */
	l = &mdev->layout[array_index_nospec(index, PCI_STD_NUM_BARS)];
	if (msixg_layout_traps(l, pos & VFIO_PCI_OFFSET_MASK, count))
		return l;
	return NULL;
}

/*
 * A read or write that reaches withheld pages of @l's BAR, with vfio-pci
 * core's semantics (see vfio_pci_rw() and vfio_pci_bar_rw()): it starts
 * inside the BAR (msixg_trapped_bar()) and is cut short at its end; the
 * device is resumed from userspace-requested low power for the access; each
 * piece is handled in order, and the first piece to fail fails the whole
 * access with its error.  Pieces in no withheld page go to the core itself.
 *
 * The core takes a runtime-PM reference around every access.  An open
 * device holds one already unless userspace put it in low power, so one is
 * taken only then: the round trip costs about a tenth of a trapped access.
 * A low-power entry racing the access is caught by the first piece that
 * finds the device off, which then takes the reference and is retried, as
 * the core's reference would have kept the device up.
 */
static ssize_t msixg_bar_rw(struct msixg_device *mdev,
			    const struct msixg_bar_layout *l, char __user *buf,
			    size_t count, loff_t *ppos, bool iswrite)
{
	struct vfio_pci_core_device *vdev = &mdev->core_device;
	unsigned int bar = l - mdev->layout;
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	bool pm_ref = false;
	struct msixg_piece p;
	ssize_t ret;
	u64 done;

	count = min_t(u64, count, l->bar_size - pos);
	if (READ_ONCE(vdev->pm_runtime_engaged)) {
		ret = msixg_pm_get(vdev);
		if (ret)
			return ret;
		pm_ref = true;
	}
	for (done = 0; done < count; done += p.len) {
		msixg_layout_next_piece(l, pos + done, count - done, &p);
		if (p.kind == MSIXG_CORE) {
			loff_t core_pos = VFIO_PCI_INDEX_TO_OFFSET(bar) + p.off;

			if (iswrite)
				ret = vfio_pci_core_write(&vdev->vdev, buf + done,
							  p.len, &core_pos);
			else
				ret = vfio_pci_core_read(&vdev->vdev, buf + done,
							 p.len, &core_pos);
			if (ret >= 0 && ret != p.len)
				ret = -EIO;	/* the core cut a piece inside the BAR */
		} else {
			ret = msixg_trapped_piece(mdev, bar, &p, buf + done,
						  iswrite);
			if (ret == -EIO && !pm_ref &&
			    READ_ONCE(vdev->pm_runtime_engaged)) {
				ret = msixg_pm_get(vdev);
				if (ret)
					goto out;
				pm_ref = true;
				ret = msixg_trapped_piece(mdev, bar, &p,
							  buf + done, iswrite);
			}
		}
		if (ret < 0)
			goto out;
	}
	*ppos += done;
	ret = done;
out:
	if (pm_ref)
		pm_runtime_put(&vdev->pdev->dev);
	return ret;
}

ssize_t msixg_read(struct vfio_device *core_vdev, char __user *buf,
		   size_t count, loff_t *ppos)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	struct msixg_bar_layout *l = msixg_trapped_bar(mdev, *ppos, count);

	if (l)
		return msixg_bar_rw(mdev, l, buf, count, ppos, false);
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

/* What decides whether the BARs can be reached: an edge in it invalidates. */
struct msixg_access_state {
	bool decode;		/* PCI_COMMAND_MEMORY as userspace set it */
	bool low_power;		/* userspace put the device in low power */
	pci_power_t power;
};

static struct msixg_access_state
msixg_access_state(struct vfio_pci_core_device *vdev)
{
	__le16 cmd = READ_ONCE(*(__le16 *)&vdev->vconfig[PCI_COMMAND]);

	lockdep_assert_held(&msixg_from_vdev(&vdev->vdev)->cmd_lock);

	return (struct msixg_access_state) {
		.decode = le16_to_cpu(cmd) & PCI_COMMAND_MEMORY,
		.low_power = READ_ONCE(vdev->pm_runtime_engaged),
		.power = READ_ONCE(vdev->pdev->current_state),
	};
}

/*
 * Drop the mappings if decode or power changed since @before was taken: a
 * write of the same value, or of other bits, costs no invalidation.
 */
static void msixg_invalidate_on_edge(struct msixg_device *mdev,
				     struct msixg_access_state before)
{
	struct msixg_access_state now = msixg_access_state(&mdev->core_device);
	enum msixg_inval_reason reason;

	if (now.decode != before.decode)
		reason = MSIXG_INVAL_DECODE;
	else if (now.low_power != before.low_power)
		reason = MSIXG_INVAL_LOW_POWER;
	else if (now.power != before.power)
		reason = MSIXG_INVAL_POWER;
	else
		return;
	msixg_note_invalidation(mdev, reason,
				msixg_cache_invalidate(&mdev->cache));
}

/*
 * A config write that may change decode or power.  The core applies it,
 * taking memory_lock itself; from then on accesses see the new state.  On
 * a change the mappings are dropped once it has returned, before any other
 * change can start: none made before a toggle is used after it.
 */
static noinline ssize_t msixg_decode_write(struct msixg_device *mdev,
					   const char __user *buf, size_t count,
					   loff_t *ppos)
{
	struct msixg_access_state before;
	ssize_t ret;

	mutex_lock(&mdev->cmd_lock);
	before = msixg_access_state(&mdev->core_device);
	ret = vfio_pci_core_write(&mdev->core_device.vdev, buf, count, ppos);
	msixg_invalidate_on_edge(mdev, before);
	mutex_unlock(&mdev->cmd_lock);
	return ret;
}

ssize_t msixg_write(struct vfio_device *core_vdev, const char __user *buf,
		    size_t count, loff_t *ppos)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	struct msixg_bar_layout *l = msixg_trapped_bar(mdev, *ppos, count);

	if (l)
		return msixg_bar_rw(mdev, l, (char __user *)buf, count, ppos,
				    true);
	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_CONFIG_REGION_INDEX &&
	    count &&
	    msixg_touches_decode(mdev->core_device.pdev,
				 *ppos & VFIO_PCI_OFFSET_MASK, count))
		return msixg_decode_write(mdev, buf, count, ppos);
	return vfio_pci_core_write(core_vdev, buf, count, ppos);
}

int msixg_device_feature(struct vfio_device *core_vdev, u32 flags,
			 void __user *arg, size_t argsz)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	struct msixg_access_state before;
	int ret;

	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		if (!(flags & VFIO_DEVICE_FEATURE_SET))
			break;
		/*
		 * Accesses check low power live under memory_lock; the
		 * mappings are dropped across a transition all the same.
		 */
		mutex_lock(&mdev->cmd_lock);
		before = msixg_access_state(&mdev->core_device);
		ret = vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
		msixg_invalidate_on_edge(mdev, before);
		mutex_unlock(&mdev->cmd_lock);
		return ret;
	}
	return vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
}
