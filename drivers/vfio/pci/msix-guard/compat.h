/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: every difference between the kernels it builds against.
 * Nothing else in the driver tests LINUX_VERSION_CODE.
 */
#ifndef MSIX_GUARD_COMPAT_H
#define MSIX_GUARD_COMPAT_H

#include <linux/version.h>

/*
 * The kernel lines msix-guard is built, booted and tested on.  Others fail
 * closed: each vfio-pci core release may add a way to reach BAR pages (as
 * 6.19 added DMA-buf export) that nobody here has reviewed.  The same list
 * is in Kbuild and dkms.conf; how to add a line is in
 * Documentation/driver-api/vfio/msix-guard.rst ("Adding a kernel").
 */
#define MSIXG_LINE_CODE		(LINUX_VERSION_CODE & ~0xff)	/* no sublevel */
#if MSIXG_LINE_CODE != KERNEL_VERSION(6, 1, 0) &&	\
	MSIXG_LINE_CODE != KERNEL_VERSION(6, 12, 0) &&	\
	MSIXG_LINE_CODE != KERNEL_VERSION(7, 2, 0) &&	\
	MSIXG_LINE_CODE != KERNEL_VERSION(7, 3, 0)
#error "msix-guard is tested on Linux 6.1, 6.12, 7.2 and 7.3 only; see " \
	"'Adding a kernel' in Documentation/driver-api/vfio/msix-guard.rst"
#endif

/*
 * The logic (layout.c, cache.c) is exported to the KUnit test module only
 * when KUnit is enabled (<kunit/visibility.h>), into a namespace the tests
 * import: named by an identifier until 6.12, by a string since 6.13.
 */
#include <linux/export.h>
#include <kunit/visibility.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MSIXG_IMPORT_KUNIT_NS	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MSIXG_IMPORT_KUNIT_NS	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/* <linux/unaligned.h> replaced <asm/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* The rest is vfio-pci's, absent where the tests run alone (UML). */
#if IS_ENABLED(CONFIG_VFIO_PCI_CORE)
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

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
 * vfio_pci_core_match() calls .match_token_uuid without a NULL check since
 * 6.17, and the cdev path skips the VF token check without it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define MSIXG_MATCH_TOKEN_OP	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define MSIXG_MATCH_TOKEN_OP
#endif

/*
 * Since 6.19 vfio core answers VFIO_DEVICE_GET_REGION_INFO itself through
 * the .get_region_info_caps op (and copies the answer to userspace); before,
 * the driver's .ioctl did all of it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define MSIXG_HAVE_REGION_INFO_OP 1
#define MSIXG_REGION_INFO_OP	.get_region_info_caps = msixg_get_region_info_caps,
#else
#define MSIXG_REGION_INFO_OP
#endif

/*
 * Since 6.19 BAR ranges can be exported as DMA-bufs (for P2P importers),
 * for drivers that supply vfio_pci_device_ops.get_dmabuf_phys.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0) && \
	IS_ENABLED(CONFIG_VFIO_PCI_DMABUF)
#define MSIXG_HAVE_DMABUF 1
#endif

/*
 * Since 6.12 vfio-pci core maps BAR mmaps with huge pages where the arch
 * supports huge pfnmaps (its vm_ops gained .huge_fault).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && \
	IS_ENABLED(CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP)
#define MSIXG_HAVE_HUGE_FAULT 1
#endif

/*
 * Claim a BAR for vfio and map it for vfio-pci core, as the core does before
 * its first access; vfio_pci_core_disable() releases it.  Since 7.2 the core
 * claims and maps every BAR when the device is enabled, and only says
 * whether that worked; exported as vfio_pci_core_setup_barmap() from 6.8 to
 * 7.1; before, the same steps inline.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
static inline int msixg_setup_barmap(struct vfio_pci_core_device *vdev,
				     int bar)
{
	return PTR_ERR_OR_ZERO(vfio_pci_core_get_iomap(vdev, bar));
}
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
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

#endif /* IS_ENABLED(CONFIG_VFIO_PCI_CORE) */

#endif /* MSIX_GUARD_COMPAT_H */
