// SPDX-License-Identifier: GPL-2.0-only
/// msix-guard: no user copy while the cache lock or vfio-pci core's
/// memory_lock is held.  A fault in copy_*_user() can enter the mmap fault
/// path, which takes memory_lock: the copy must happen with neither held.
//
// Confidence: High
// Options: --no-includes

virtual report

@cache depends on report@
expression C, E1, E2, E3;
position p;
@@

msixg_cache_read_lock(C);
... when != msixg_cache_read_unlock(C)
(
copy_to_user@p(E1, E2, E3)
|
copy_from_user@p(E1, E2, E3)
|
get_user@p(E1, E2)
|
put_user@p(E1, E2)
)

@memory depends on report@
expression V, E1, E2, E3;
position p;
@@

(
down_read(&V->memory_lock);
|
down_write(&V->memory_lock);
)
... when != up_read(&V->memory_lock)
    when != up_write(&V->memory_lock)
(
copy_to_user@p(E1, E2, E3)
|
copy_from_user@p(E1, E2, E3)
|
get_user@p(E1, E2)
|
put_user@p(E1, E2)
)

@script:python depends on report@
p << cache.p;
@@
coccilib.report.print_report(p[0], "user copy with the msix-guard cache lock held")

@script:python depends on report@
p << memory.p;
@@
coccilib.report.print_report(p[0], "user copy with vfio-pci memory_lock held")
