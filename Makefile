# nutshell: a container runtime in ten small C programs.
# `make help` lists what you can type.

CC      ?= cc
CFLAGS  := -std=gnu11 -Wall -Wextra -Werror -O2 -g
STEPS   := $(basename $(notdir $(wildcard steps/*.c)))
BINS    := $(addprefix bin/,$(STEPS))
IMAGE   := images/busybox/etc/nutshell-image
C_FILES := $(wildcard steps/*.c common/*.c common/*.h tests/*.c)
SCRIPTS := $(wildcard scripts/* images/*.sh) .ci/run tests/helpers.bash \
	   $(wildcard tests/*.bats)

.PHONY: all help image image-debian test test-vm test-vm-ci bench cleanup doctor \
	diff lint \
	clean \
	distclean \
	$(addprefix step-,$(foreach s,$(STEPS),$(firstword $(subst -, ,$(s)))))

all: $(BINS) ## build every step: bin/01-fork ... bin/NN-name

help: ## list the targets
	@echo "usage: make [TARGET]"
	@echo
	@grep -hE '^[a-z%-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -E 's/^([a-z%-]+):.*## (.*)/  \1\t\2/' | expand -t 16
	@echo "  step-NN       build bin/NN-name and what it needs to run (the image for 03+)"
	@echo
	@echo "  e.g.  make step-05 && sudo ./bin/05-allns busybox /bin/sh"

# common/ is a static library: the linker takes from it only the modules
# a step calls, so bin/01-fork carries no netlink code.
COMMON  := $(basename $(notdir $(wildcard common/*.c)))
LIB     := bin/libnutshell.a

bin/%: steps/%.c $(LIB) | bin
	$(CC) $(CFLAGS) -o $@ $< $(LIB)

$(LIB): $(addprefix bin/common/,$(addsuffix .o,$(COMMON)))
	rm -f $@
	$(AR) rcs $@ $^

bin/common/%.o: common/%.c $(wildcard common/*.h) | bin/common
	$(CC) $(CFLAGS) -c -o $@ $<

bin bin/common:
	mkdir -p $@

# step-05 -> bin/05-allns, plus the busybox image for the steps that chroot.
define step_rule
step-$(firstword $(subst -, ,$(1))): bin/$(1) $(if $(filter 01 02,$(firstword $(subst -, ,$(1)))),,image)
endef
$(foreach s,$(STEPS),$(eval $(call step_rule,$(s))))

image: $(IMAGE) ## build the busybox root filesystem in images/busybox/

$(IMAGE): images/busybox.sh
	images/busybox.sh

image-debian: images/debian/etc/nutshell-image ## a minimal Debian in images/debian/, for make bench (as root)

images/debian/etc/nutshell-image: images/debian.sh
	images/debian.sh

# As root, scripts/deps first installs what the suite needs (apt-get, on
# Debian and Ubuntu). Without root it names what is missing, and the tests
# that need no root still run if bats is there.
test: all image ## run the test suite (as root: sudo make test)
	@scripts/deps --as 'make test' test || \
		{ [ "$$(id -u)" -ne 0 ] && command -v bats >/dev/null; }
	scripts/run-tests

test-vm: all image ## the suite in a qemu VM with cgroup v2 [TESTS=tests/07-cgroup.bats]
	scripts/test-vm $(TESTS)

test-vm-ci: all image ## CI's part of it: what depends on cgroup v2 or on an older kernel
	scripts/test-vm --ci

bench: all image ## time each step beside unshare, bwrap, crun, runc: docs/performance.md [QUICK=1]
	scripts/bench $(if $(QUICK),--quick --out bin/bench)

cleanup: ## remove what killed runtimes left: mounts, cgroups, containers, leases, the bridge, our NAT rules [DRY_RUN=1] [FORCE=1]
	scripts/cleanup --containers --network $(if $(DRY_RUN),--dry-run) $(if $(FORCE),-f)

doctor: ## can this host run every step? one line per check, and the fix
	@scripts/doctor

diff: ## show what step NN adds to step NN-1: make diff STEP=05
	@scripts/diff-step $(STEP)

lint: ## clang-format check over every C file, shellcheck over every script
	@scripts/deps --as 'make lint' lint
	clang-format --dry-run -Werror $(C_FILES)
	shellcheck $(SCRIPTS)

clean: ## remove bin/ (build output, test reports, the VM kernel cache)
	rm -rf bin

distclean: clean ## also remove the built images
	rm -rf images/busybox images/debian
