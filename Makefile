# SPDX-License-Identifier: GPL-2.0-only
#
# msix-guard: out-of-tree build and the project's entry points.
#
#   make [KDIR=...]          build msix-guard-vfio-pci.ko against KDIR
#   make modules_install     install it into KDIR's kernel
#   make install             modules_install, then depmod; and msixg
#   make tools               build tools/msix-guard/msixg (scan, status)
#   make deb                 build msix-guard-dkms_<version>_all.deb
#   make demo                boot a VM and show the driver at work
#   make bench               trapped-access and lock figures, side by side
#   make check               every test suite; ends with "N passed, N failed"
#   make kunit | e2e         one suite
#   make clean
#
# demo and check install what they need with apt-get and keep kernel
# sources, images and build trees in ~/.cache/msix-guard.
#
KDIR ?= /lib/modules/$(shell uname -r)/build
MDIR := drivers/vfio/pci/msix-guard
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) CONFIG_MSIX_GUARD_VFIO_PCI=m
TESTS := tools/testing/msix-guard

all: modules

modules modules_install: check-kdir
	$(MAKE) $(KBUILD_ARGS) $@

# Refuse early, and say why, where the module cannot be built.
check-kdir:
	@test -f $(KDIR)/Makefile || { echo "msix-guard: no kernel build tree at $(KDIR); install the headers or pass KDIR=" >&2; exit 1; }
	@grep -qs '^CONFIG_VFIO_PCI_CORE=[my]' $(KDIR)/.config $(KDIR)/include/config/auto.conf || { echo "msix-guard: the kernel at $(KDIR) lacks CONFIG_VFIO_PCI_CORE; msix-guard is a vfio-pci variant driver and needs it" >&2; exit 1; }

clean:
	@if test -f $(KDIR)/Makefile; then $(MAKE) $(KBUILD_ARGS) clean; fi
	rm -f $(MDIR)/*.o $(MDIR)/*.ko $(MDIR)/*.mod $(MDIR)/*.mod.c \
		$(MDIR)/.*.cmd $(MDIR)/modules.order Module.symvers modules.order \
		.*.cmd .module-common.o
	$(MAKE) -C tools/msix-guard clean

install: modules_install tools
	depmod -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
	$(MAKE) -C tools/msix-guard install

tools:
	$(MAKE) -C tools/msix-guard

deb:
	$(TESTS)/package.sh deb

demo:
	$(TESTS)/demo.sh

bench:
	$(TESTS)/bench.sh

check:
	$(TESTS)/check.sh

kunit:
	$(TESTS)/check.sh kunit

e2e:
	$(TESTS)/check.sh e2e-6.12

.PHONY: all modules modules_install install deb check-kdir clean demo bench check \
	kunit e2e tools
