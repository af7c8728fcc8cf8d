# fwctl — build, test, demo, install. `make demo` and `make test` install what is missing.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
POLICY ?= policies/scale-up.policy
DEMO_HOST ?= web-01
# Debian packages the project needs: nftables (the oracle in tests), the netlink libraries,
# pkg-config (SwiftPM finds libnftnl through it), iproute2 (network namespaces),
# python3-jsonschema (tests validate `fwctl audit export` JSON against docs/audit-schema.json),
# python3-prometheus-client (tests parse `fwctl status --format prometheus` with it),
# dpkg-dev, binutils and lintian (`make deb`: dpkg-shlibdeps, strip, the package's checks),
# systemd (systemd-analyze verifies the shipped units),
# ansible-core, openssh-server/-client (the fleet test: Ansible over SSH into namespaces),
# ansible-lint, yamllint, pylint, python3-pycodestyle, python3-voluptuous (`make ansible-lint`:
# ansible-lint and ansible-test's offline sanity tests on the collection in ansible/),
# time (`make bench` reports peak memory with /usr/bin/time -v), iperf3 (`make bench`: throughput).
DEB_PACKAGES := nftables libnftnl-dev libmnl-dev pkg-config iproute2 netbase python3-jsonschema python3-prometheus-client \
	dpkg-dev binutils lintian systemd \
	ansible-core openssh-server openssh-client ansible-lint yamllint pylint python3-pycodestyle python3-voluptuous time iperf3

.PHONY: all build release deps test fleet-test ansible-lint demo bench deb install uninstall clean help

all: build

help:
	@echo "make deps     install missing Debian packages ($(DEB_PACKAGES))"
	@echo "make build    build fwctl (debug)            make release  optimised build"
	@echo "make test     run the whole test suite, then the fleet test (kernel tests need root; they skip otherwise)"
	@echo "make fleet-test  roll policies out with Ansible over SSH to a fleet of namespaces (root)"
	@echo "make ansible-lint  ansible-lint and ansible-test sanity (offline checks) on ansible/"
	@echo "make demo     check and compile $(POLICY), load it in a throwaway network namespace"
	@echo "make bench    benchmarks (release build)     make install  install to $(PREFIX)/bin"
	@echo "make deb      dist/fwctl_<version>_amd64.deb: self-contained fwctl, units, man pages, completions"

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@test -x "$(SWIFT)" || { echo "swift not found: install a Swift 6 toolchain (swift.org) and put it on PATH"; exit 1; }

build: deps
	$(SWIFT) build

# Release builds link the Swift runtime and Foundation statically, as the package does
# (scripts/build-deb.sh): what `make bench` measures and `make install` installs is what
# ships, and it starts in 6 ms instead of 13 (no dynamic loading of Foundation and ICU).
RELEASE := -c release --static-swift-stdlib
release: deps
	$(SWIFT) build $(RELEASE)

# The Swift suites, then the package's tests (scripts/test-package.sh builds `make deb` once
# per source change and runs the extracted package; nothing is installed on this machine),
# the Ansible module's unit tests and the fleet test (docs/FLEET.md).
test: deps
	$(SWIFT) test 2>&1 | tee .test-output.log; swift=$${PIPESTATUS[0]}; \
	SWIFT=$(SWIFT) scripts/test-package.sh 2>&1 | tee -a .test-output.log; package=$${PIPESTATUS[0]}; \
	/usr/bin/python3 ansible/tests/unit/plugins/modules/test_fwctl.py; units=$$?; \
	$(MAKE) --no-print-directory fleet-test; fleet=$$?; \
	[ $$swift = 0 ] && [ $$package = 0 ] && [ $$units = 0 ] && [ $$fleet = 0 ]

# The fleet test needs root; without it, it says so and counts nothing.
fleet-test: deps
	@if [ "$$(id -u)" != 0 ]; then echo "fleet test skipped: it needs root (network namespaces, sshd, nftables); run: sudo make fleet-test"; exit 0; fi; \
	$(SWIFT) build --product fwctl && $(SWIFT) build --product fwctl-fleet-lab && \
	bin="$$($(SWIFT) build --show-bin-path)" && scripts/fleet-test.py "$$bin/fwctl" "$$bin/fwctl-fleet-lab" policies/scale-up.policy

ansible-lint: deps
	@scripts/ansible-sanity.sh

deb: deps
	@SWIFT=$(SWIFT) scripts/build-deb.sh

# The demo's own story only: installing packages and building go to a log, named here.
DEMO_LOG := .build/demo-setup.log
demo:
	@mkdir -p .build; echo "Preparing the demo: packages and build (log: $(DEMO_LOG)) ..."; \
	{ $(MAKE) --no-print-directory deps && $(SWIFT) build; } >$(DEMO_LOG) 2>&1 || { tail -n 30 $(DEMO_LOG); echo "make demo: setup failed, see $(DEMO_LOG)"; exit 1; }
	@scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/fwctl" "$(POLICY)" "$(DEMO_HOST)"

bench: release
	@scripts/bench.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl"
	@scripts/bench-apply.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl"
	@scripts/bench-restore.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl"
	@scripts/bench-scale.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl"
	@scripts/bench-packet.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl"
	FWCTL_BENCH=1 $(SWIFT) test -c release -Xswiftc -enable-testing --filter VerifierBenchmarks 2>&1 | grep -E 'bench|chain|matrix|diff:|passed|failed' || true

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fwctl/policies
	install -m 0755 "$$($(SWIFT) build $(RELEASE) --show-bin-path)/fwctl" $(DESTDIR)$(PREFIX)/bin/fwctl
	install -m 0644 policies/*.policy $(DESTDIR)$(PREFIX)/share/fwctl/policies/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fwctl
	rm -rf $(DESTDIR)$(PREFIX)/share/fwctl

clean:
	rm -rf .build .build-deb dist .test-output.log
