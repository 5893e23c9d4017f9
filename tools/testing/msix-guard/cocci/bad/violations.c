// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deliberate violations: the semantic patches must report every function
 * here, or they guard nothing.  Never built.
 */
static int copy_under_cache_lock(struct msixg_device *mdev, char __user *buf)
{
	u32 v = 0;
	int ret = 0;

	msixg_cache_read_lock(&mdev->cache);
	if (copy_to_user(buf, &v, 4))
		ret = -EFAULT;
	msixg_cache_read_unlock(&mdev->cache);
	return ret;
}

static int copy_under_memory_lock(struct vfio_pci_core_device *vdev,
				  const char __user *buf)
{
	u32 v;
	int ret = 0;

	down_read(&vdev->memory_lock);
	if (copy_from_user(&v, buf, 4))
		ret = -EFAULT;
	up_read(&vdev->memory_lock);
	return ret;
}

static u32 raw_bar_read(void __iomem *bar)
{
	return readl(bar + 0x20f0);
}

static void __iomem *private_map(struct pci_dev *pdev)
{
	return ioremap(pci_resource_start(pdev, 1), 4096);
}
