# fwctl — build, test, demo, install. `make demo` and `make test` install what is missing.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
POLICY ?= policies/scale-up.policy
DEMO_HOST ?= web-01
# Debian packages the project needs: nftables (the oracle in tests), the netlink libraries,
# pkg-config (SwiftPM finds libnftnl through it), iproute2 (network namespaces),
# python3-jsonschema (tests validate `fwctl audit export` JSON against docs/audit-schema.json),
# python3-prometheus-client (tests parse `fwctl status --format prometheus` with it).
DEB_PACKAGES := nftables libnftnl-dev libmnl-dev pkg-config iproute2 netbase python3-jsonschema python3-prometheus-client iperf3

.PHONY: all build release deps test demo bench install uninstall clean help

all: build

help:
	@echo "make deps     install missing Debian packages ($(DEB_PACKAGES))"
	@echo "make build    build fwctl (debug)            make release  optimised build"
	@echo "make test     run the whole test suite (kernel tests need root; they skip otherwise)"
	@echo "make demo     check and compile $(POLICY), load it in a throwaway network namespace"
	@echo "make bench    benchmarks (release build)     make install  install to $(PREFIX)/bin"

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

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test 2>&1 | tee .test-output.log; exit $${PIPESTATUS[0]}

demo: build
	@scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/fwctl" "$(POLICY)" "$(DEMO_HOST)"

bench: release
	@scripts/bench.sh "$$($(SWIFT) build -c release --show-bin-path)/fwctl"
	@scripts/bench-apply.sh "$$($(SWIFT) build -c release --show-bin-path)/fwctl"
	@scripts/bench-packet.sh "$$($(SWIFT) build -c release --show-bin-path)/fwctl"
	FWCTL_BENCH=1 $(SWIFT) test -c release -Xswiftc -enable-testing --filter VerifierBenchmarks 2>&1 | grep -E 'bench|chain|matrix|diff:|passed|failed' || true

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fwctl/policies
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/fwctl" $(DESTDIR)$(PREFIX)/bin/fwctl
	install -m 0644 policies/*.policy $(DESTDIR)$(PREFIX)/share/fwctl/policies/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fwctl
	rm -rf $(DESTDIR)$(PREFIX)/share/fwctl

clean:
	rm -rf .build .test-output.log
