// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: vfio-pci variant driver that keeps the MSI-X table out of
 * userspace mappings while still serving registers that share its pages.
 *
 * This file registers the driver and holds the vfio_device_ops table; what
 * userspace may map is decided in mapping.c, the trapped BAR pages are
 * served in trap.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "compat.h"
#include "msix_guard.h"

#define CREATE_TRACE_POINTS
#include <trace/events/msix_guard.h>

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Initial PCI IDs to add to the driver, format is \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\" and multiple comma separated entries can be specified");

void msixg_note_invalidation(struct msixg_device *mdev,
			     enum msixg_inval_reason reason,
			     unsigned int dropped)
{
	trace_msix_guard_invalidate(mdev->core_device.pdev, reason, dropped);
	msixg_stat_invalidation(mdev, reason, dropped);
}

static int msixg_open_device(struct vfio_device *core_vdev)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	int ret;

	ret = vfio_pci_core_enable(&mdev->core_device);
	if (ret)
		return ret;
	ret = msixg_claim_bars(mdev);
	if (ret) {
		vfio_pci_core_disable(&mdev->core_device);
		return ret;
	}
	vfio_pci_core_finish_enable(&mdev->core_device);
	return 0;
}

static void msixg_close_device(struct vfio_device *core_vdev)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);

	/* No access is left, nor can one start: nothing stays mapped. */
	msixg_note_invalidation(mdev, MSIXG_INVAL_CLOSE,
				msixg_cache_invalidate(&mdev->cache));
	vfio_pci_core_close_device(core_vdev);
}

static int msixg_init_dev(struct vfio_device *core_vdev)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	int ret;

	mutex_init(&mdev->cmd_lock);
	msixg_cache_init(&mdev->cache, &msixg_ioremap_ops, mdev, PAGE_SIZE);
	ret = msixg_stats_init(mdev);
	if (ret)
		goto err_mutex;
	ret = vfio_pci_core_init_dev(core_vdev);
	if (ret)
		goto err_stats;
	return 0;

err_stats:
	msixg_stats_free(mdev);
err_mutex:
	mutex_destroy(&mdev->cmd_lock);
	return ret;
}

static void msixg_release_dev(struct vfio_device *core_vdev)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);

	msixg_stats_free(mdev);
	msixg_cache_destroy(&mdev->cache);
	mutex_destroy(&mdev->cmd_lock);
	/* Last: on some kernels (6.1) it frees the device. */
	vfio_pci_core_release_dev(core_vdev);
}

static const struct vfio_device_ops msixg_vfio_pci_ops = {
	.name		= "msix-guard-vfio-pci",
	.init		= msixg_init_dev,
	.release	= msixg_release_dev,
	.open_device	= msixg_open_device,
	.close_device	= msixg_close_device,
	.ioctl		= msixg_ioctl,
	.device_feature	= msixg_device_feature,
	.read		= msixg_read,
	.write		= msixg_write,
	.mmap		= msixg_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	MSIXG_MATCH_TOKEN_OP
	MSIXG_REGION_INFO_OP
	MSIXG_IOMMUFD_OPS
};

static int msixg_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct msixg_device *mdev;
	int ret;

	mdev = vfio_alloc_device(msixg_device, core_device.vdev, &pdev->dev,
				 &msixg_vfio_pci_ops);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);

	ret = msixg_init_layout(mdev);
	if (ret)
		goto out_put_vdev;
#ifdef MSIXG_HAVE_DMABUF
	mdev->core_device.pci_ops = &msixg_pci_dev_ops;
#endif

	dev_set_drvdata(&pdev->dev, &mdev->core_device);
	msixg_debugfs_add(mdev);
	ret = vfio_pci_core_register_device(&mdev->core_device);
	if (ret)
		goto out_debugfs;
	return 0;

out_debugfs:
	msixg_debugfs_remove(mdev);
out_put_vdev:
	vfio_put_device(&mdev->core_device.vdev);
	return ret;
}

static void msixg_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	msixg_debugfs_remove(msixg_from_vdev(&vdev->vdev));
	/*
	 * Waits for the last close, which dropped every mapping (release
	 * checks it).
	 */
	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

/*
 * Resets made through pci_reset_function() and bus resets come through
 * here: VFIO_DEVICE_RESET, a hot reset issued through another device's fd,
 * a reset through sysfs.  No access happens during one, and none uses a
 * mapping across one.  The reset vfio-pci core makes when the device is
 * closed and AER/DPC recovery do not come here; close drops the mappings
 * itself (no access can follow it), and recovery is the core's (its
 * error_detected).  vfio-pci core
 * may hold memory_lock for writing around these, so they must not take it.
 */
static void msixg_reset_prepare(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct msixg_device *mdev = msixg_from_vdev(&vdev->vdev);

	msixg_note_invalidation(mdev, MSIXG_INVAL_RESET,
				msixg_cache_block(&mdev->cache,
						  MSIXG_BLOCK_RESET));
	trace_msix_guard_block(pdev);
}

static void msixg_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	/* Nothing can have been mapped while blocked. */
	msixg_cache_unblock(&msixg_from_vdev(&vdev->vdev)->cache,
			    MSIXG_BLOCK_RESET);
	trace_msix_guard_unblock(pdev);
}

static const struct pci_error_handlers msixg_err_handlers = {
	.error_detected	= vfio_pci_core_aer_err_detected,
	.reset_prepare	= msixg_reset_prepare,
	.reset_done	= msixg_reset_done,
};

static const struct pci_device_id msixg_pci_table[] = {
	/* Only ever bound on request: driver_override or ids=. */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, msixg_pci_table);

static struct pci_driver msixg_pci_driver = {
	.name			= "msix-guard-vfio-pci",
	.id_table		= msixg_pci_table,
	.probe			= msixg_probe,
	.remove			= msixg_remove,
	.err_handler		= &msixg_err_handlers,
	.driver_managed_dma	= true,
};

/* Same syntax as vfio-pci's ids= parameter. */
static void __init msixg_fill_ids(void)
{
	char *p = ids, *id;

	while ((id = strsep(&p, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID,
			subdevice = PCI_ANY_ID, class = 0, class_mask = 0;
		int fields, rc;

		if (!strlen(id))
			continue;

		fields = sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device,
				&subvendor, &subdevice, &class, &class_mask);
		if (fields < 2) {
			pr_warn("invalid id string \"%s\"\n", id);
			continue;
		}

		rc = pci_add_dynid(&msixg_pci_driver, vendor, device, subvendor,
				   subdevice, class, class_mask, 0);
		if (rc)
			pr_warn("failed to add dynamic id [%04x:%04x[%04x:%04x]] class %#08x/%08x (%d)\n",
				vendor, device, subvendor, subdevice, class,
				class_mask, rc);
		else
			pr_info("add [%04x:%04x[%04x:%04x]] class %#08x/%08x\n",
				vendor, device, subvendor, subdevice, class,
				class_mask);
	}
}

static int __init msixg_init(void)
{
	int ret;

	msixg_debugfs_init();
	ret = pci_register_driver(&msixg_pci_driver);
	if (ret) {
		msixg_debugfs_exit();
		return ret;
	}
	msixg_fill_ids();
	return 0;
}
module_init(msixg_init);

static void __exit msixg_exit(void)
{
	pci_unregister_driver(&msixg_pci_driver);
	msixg_debugfs_exit();
}
module_exit(msixg_exit);

MODULE_LICENSE("GPL");
#ifdef MSIXG_VERSION
MODULE_VERSION(MSIXG_VERSION);
#endif
MODULE_DESCRIPTION("VFIO PCI variant driver that withholds MSI-X pages from userspace mmaps");
