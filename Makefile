# art28 — see README. `make test` is the test command.

# Go may live in /usr/local/go without being on PATH (fresh CI machines).
export PATH := $(PATH):/usr/local/go/bin

GO    ?= go
ARGS  ?=
BIN   := bin/art28

.PHONY: all test build run-demo bench fmt vet clean

all: build

## test: vet + all tests, SQLite and a throwaway PostgreSQL (make test ARGS=-run=Foo)
test:
	./scripts/test.sh $(ARGS)

## build: static binary in bin/art28
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/art28

## run-demo: start the server with demo data
run-demo:
	$(GO) run ./cmd/art28 serve --demo

## bench: benchmarks (scripts/bench.sh if present)
bench:
	@if [ -x scripts/bench.sh ]; then \
		./scripts/bench.sh $(ARGS); \
	else \
		$(GO) test -run='^$$' -bench=. -benchmem $(ARGS) ./...; \
	fi

## fmt: gofmt all Go files
fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
