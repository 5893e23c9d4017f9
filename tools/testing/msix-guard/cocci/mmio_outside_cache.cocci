// SPDX-License-Identifier: GPL-2.0-only
/// msix-guard: device memory is touched only through the mapping cache.
/// MMIO accessors may appear only in msixg_forward(), which uses a page
/// from msixg_cache_get() under the cache lock; mappings (ioremap(),
/// pci_iomap_range() and their unmaps) only in the cache backend
/// (msixg_map_page()/msixg_unmap_page()), and pci_iomap() only where
/// compat.h claims a BAR for vfio-pci core the way the core does.
//
// Confidence: High
// Options: --no-includes

virtual report

@mmio depends on report@
identifier fn != msixg_forward;
expression A, V;
position p;
@@

fn(...) {
<+...
(
readb@p(A)
|
readw@p(A)
|
readl@p(A)
|
readq@p(A)
|
ioread8@p(A)
|
ioread16@p(A)
|
ioread32@p(A)
|
ioread64@p(A)
|
writeb@p(V, A)
|
writew@p(V, A)
|
writel@p(V, A)
|
writeq@p(V, A)
|
iowrite8@p(V, A)
|
iowrite16@p(V, A)
|
iowrite32@p(V, A)
|
iowrite64@p(V, A)
)
...+>
}

@map depends on report@
identifier fn != {msixg_map_page, msixg_unmap_page, msixg_setup_barmap};
expression A, S;
position p;
@@

fn(...) {
<+...
(
ioremap@p(A, S)
|
iounmap@p(A)
|
pci_iomap@p(...)
|
pci_iomap_range@p(...)
|
pci_iounmap@p(...)
)
...+>
}

@script:python depends on report@
p << mmio.p;
@@
coccilib.report.print_report(p[0], "MMIO outside msixg_forward(): go through the mapping cache")

@script:python depends on report@
p << map.p;
@@
coccilib.report.print_report(p[0], "mapping device memory outside the cache backend")
