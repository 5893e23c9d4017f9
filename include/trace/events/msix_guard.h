/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: what the vfio-pci variant driver does with a device's MSI-X
 * pages -- each trapped access piece, each invalidation of its mapped
 * pages, each block and unblock around a reset.
 *
 * Table contents never appear: table pieces are traced without a value
 * (reads return all-ones, writes are dropped unread).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM msix_guard

#if !defined(_TRACE_MSIX_GUARD_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_MSIX_GUARD_H

#include <linux/pci.h>
#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(msix_guard_dev,
	TP_PROTO(struct pci_dev *pdev),
	TP_ARGS(pdev),
	TP_STRUCT__entry(
		__field(u32, domain)
		__field(u16, devfn_bus)
	),
	TP_fast_assign(
		__entry->domain = pci_domain_nr(pdev->bus);
		__entry->devfn_bus = pci_dev_id(pdev);
	),
	TP_printk("%04x:%02x:%02x.%u", __entry->domain,
		  __entry->devfn_bus >> 8, PCI_SLOT(__entry->devfn_bus & 0xff),
		  PCI_FUNC(__entry->devfn_bus & 0xff))
);

/**
 * msix_guard_access - one piece of a trapped read() or write()
 * @pdev: the device
 * @bar: BAR index
 * @off: BAR offset of the piece
 * @len: its length in bytes
 * @kind: 1 table, 2 PBA, 3 adjacent register
 * @write: a write
 * @val: the value read or written, little-endian, for forwarded pieces;
 *	0 for table pieces and dropped PBA writes
 * @ret: 0, or the error that failed the access
 */
TRACE_EVENT(msix_guard_access,
	TP_PROTO(struct pci_dev *pdev, unsigned int bar, u64 off,
		 unsigned int len, unsigned int kind, bool write, u64 val,
		 int ret),
	TP_ARGS(pdev, bar, off, len, kind, write, val, ret),
	TP_STRUCT__entry(
		__field(u64, off)
		__field(u64, val)
		__field(u32, domain)
		__field(int, ret)
		__field(u32, len)
		__field(u16, devfn_bus)
		__field(u8, bar)
		__field(u8, kind)
		__field(bool, write)
	),
	TP_fast_assign(
		__entry->off = off;
		__entry->val = val;
		__entry->domain = pci_domain_nr(pdev->bus);
		__entry->ret = ret;
		__entry->devfn_bus = pci_dev_id(pdev);
		__entry->bar = bar;
		__entry->len = len;
		__entry->kind = kind;
		__entry->write = write;
	),
	TP_printk("%04x:%02x:%02x.%u BAR%u %#llx len %u %s %s val %#llx ret %d",
		  __entry->domain, __entry->devfn_bus >> 8,
		  PCI_SLOT(__entry->devfn_bus & 0xff),
		  PCI_FUNC(__entry->devfn_bus & 0xff), __entry->bar,
		  __entry->off, __entry->len,
		  /* enum msixg_kind */
		  __print_symbolic(__entry->kind, { 1, "table" }, { 2, "pba" },
				   { 3, "adjacent" }),
		  __entry->write ? "write" : "read", __entry->val, __entry->ret)
);

/**
 * msix_guard_invalidate - the mapped pages were dropped after a change
 * @pdev: the device
 * @reason: 0 decode, 1 power state, 2 low power, 3 reset, 4 close
 * @dropped: how many mappings there were to drop
 */
TRACE_EVENT(msix_guard_invalidate,
	TP_PROTO(struct pci_dev *pdev, unsigned int reason,
		 unsigned int dropped),
	TP_ARGS(pdev, reason, dropped),
	TP_STRUCT__entry(
		__field(u32, domain)
		__field(u16, devfn_bus)
		__field(u8, reason)
		__field(u8, dropped)
	),
	TP_fast_assign(
		__entry->domain = pci_domain_nr(pdev->bus);
		__entry->devfn_bus = pci_dev_id(pdev);
		__entry->reason = reason;
		__entry->dropped = dropped;
	),
	TP_printk("%04x:%02x:%02x.%u %s dropped %u", __entry->domain,
		  __entry->devfn_bus >> 8, PCI_SLOT(__entry->devfn_bus & 0xff),
		  PCI_FUNC(__entry->devfn_bus & 0xff),
		  /* enum msixg_inval_reason */
		  __print_symbolic(__entry->reason, { 0, "decode" },
				   { 1, "power" }, { 2, "low-power" },
				   { 3, "reset" }, { 4, "close" }),
		  __entry->dropped)
);

/**
 * msix_guard_block - a reset begins: accesses fail until it is done
 * @pdev: the device
 */
DEFINE_EVENT(msix_guard_dev, msix_guard_block,
	TP_PROTO(struct pci_dev *pdev),
	TP_ARGS(pdev)
);

/**
 * msix_guard_unblock - the reset is done: accesses work again
 * @pdev: the device
 */
DEFINE_EVENT(msix_guard_dev, msix_guard_unblock,
	TP_PROTO(struct pci_dev *pdev),
	TP_ARGS(pdev)
);

#endif /* _TRACE_MSIX_GUARD_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
