/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: every difference between the kernels it builds against.
 * Nothing else in the driver tests LINUX_VERSION_CODE.
 */
#ifndef MSIX_GUARD_COMPAT_H
#define MSIX_GUARD_COMPAT_H

#include <linux/version.h>
#include <linux/vfio.h>

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

#endif /* MSIX_GUARD_COMPAT_H */
