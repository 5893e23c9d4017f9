/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: every difference between the kernels it builds against.
 * Nothing else in the driver tests LINUX_VERSION_CODE.
 */
#ifndef MSIX_GUARD_COMPAT_H
#define MSIX_GUARD_COMPAT_H

#include <linux/pci.h>
#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/*
 * Newer vfio-pci cores add ways to reach a BAR that msix-guard does not
 * intercept yet (region info through a .get_region_info_caps op, BAR
 * ranges exported as DMA-bufs): refuse to build rather than leak the MSI-X
 * pages there.  Each new kernel line is reviewed, then admitted here.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#error "msix-guard supports kernels 6.1 to 6.12; newer vfio-pci cores need review first"
#endif

/* <linux/unaligned.h> replaced <asm/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* vfio_device_ops grew iommufd callbacks in 6.2 and detach_ioas in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define MSIXG_IOMMUFD_OPS					\
	.bind_iommufd	= vfio_iommufd_physical_bind,		\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,		\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,	\
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define MSIXG_IOMMUFD_OPS					\
	.bind_iommufd	= vfio_iommufd_physical_bind,		\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,		\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
#else
#define MSIXG_IOMMUFD_OPS
#endif

/*
 * Claim a BAR for vfio and map it for vfio-pci core, as the core does before
 * its first access; vfio_pci_core_disable() releases it.  Exported as
 * vfio_pci_core_setup_barmap() since 6.8; before, the same steps inline.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static inline int msixg_setup_barmap(struct vfio_pci_core_device *vdev,
				     int bar)
{
	return vfio_pci_core_setup_barmap(vdev, bar);
}
#else
static inline int msixg_setup_barmap(struct vfio_pci_core_device *vdev,
				     int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (vdev->barmap[bar])
		return 0;
	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret)
		return ret;
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		return -ENOMEM;
	}
	vdev->barmap[bar] = io;
	return 0;
}
#endif

#endif /* MSIX_GUARD_COMPAT_H */
