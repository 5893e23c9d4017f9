# SPDX-License-Identifier: GPL-2.0-only
#
# msix-guard: out-of-tree build and the project's entry points.
#
#   make [KDIR=...]        build msix-guard-vfio-pci.ko against KDIR
#   make modules_install   install it into KDIR's kernel
#   make check             every test suite; ends with "N passed, N failed"
#   make demo              boot a VM and show the driver at work
#   make clean
#
KDIR ?= /lib/modules/$(shell uname -r)/build
MDIR := drivers/vfio/pci/msix-guard
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) CONFIG_MSIX_GUARD_VFIO_PCI=m

all: modules

modules modules_install clean:
	$(MAKE) $(KBUILD_ARGS) $@

.PHONY: all modules modules_install clean
