# hubctl: the two commands a new user needs are `make demo` and `make test`. Both install what is missing.

SWIFT ?= swift
CONFIG ?= release
# Debian packages: the C libraries hubctl links, nginx for the loopback integration tests, bsdtar for benchmarks.
DEB_PACKAGES := pkg-config libcurl4-openssl-dev libarchive-dev libsqlite3-dev libssl-dev libdnnl-dev \
                libopenblas-dev libturbojpeg0-dev libpng-dev nginx-light libarchive-tools python3 curl bc time
DEMO_HANDLE := hubctl/digits/amoebanet_a_n6_f24/classification/1
DEMO_IMAGE := Registry/hubctl/digits/samples/digit_7.png
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path)/hubctl

.PHONY: all deps build demo test reference bench clean

all: build

## deps: install the Debian packages that are missing (needs root or sudo; a no-op when all are present).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG) --product hubctl

## demo: the main job on the embedded default module, through the normal registry and cache path.
demo: build
	@echo '$$ hubctl fetch $(DEMO_HANDLE)'
	@$(BIN) fetch $(DEMO_HANDLE)
	@echo '$$ hubctl info $(DEMO_HANDLE)'
	@$(BIN) info $(DEMO_HANDLE)
	@echo '$$ hubctl run $(DEMO_HANDLE) $(DEMO_IMAGE)'
	@$(BIN) run $(DEMO_HANDLE) $(DEMO_IMAGE)

## test: the whole test suite (unit, loopback integration with nginx, end-to-end against the built binary).
# Loopback servers must never go through a proxy the machine may have configured.
test: deps
	$(SWIFT) build --build-tests
	no_proxy=127.0.0.1,localhost,::1 NO_PROXY=127.0.0.1,localhost,::1 $(SWIFT) test --skip-build

## reference: regenerate the TensorFlow-made fixtures (needs PyPI; never needed by hubctl itself).
reference:
	bash Tests/Reference/setup_venv.sh
	bash Tests/Reference/make_fixtures.sh

## bench: hubctl against TensorFlow on the full-size module (generates it once, ~11 minutes).
bench: build
	bash Tests/Benchmarks/run.sh

clean:
	rm -rf .build
