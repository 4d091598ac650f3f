#!/usr/bin/env bash
# Builds bin/client and bin/server without a network: GOPATH mode against the Go packages Debian
# installs under /usr/share/gocode (golang-google-grpc-dev: grpc-go 1.33). With internet, use go.mod
# instead (`go mod tidy && go build ...`).
#
# usage: ./build-offline.sh [OUTPUT_DIR]     (default: bin/ beside this script)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/bin}
module=github.com/alts-tutor/alts-grpc
debian_gopath=/usr/share/gocode

if ! command -v go >/dev/null; then
  echo "build-offline.sh: go is not installed (apt-get install golang-go)" >&2
  exit 1
fi
if [ ! -d "$debian_gopath/src/google.golang.org/grpc/credentials/alts" ]; then
  echo "build-offline.sh: grpc-go is missing from $debian_gopath (apt-get install golang-google-grpc-dev)" >&2
  exit 1
fi

# In GOPATH mode an import path is a directory under $GOPATH/src: a private GOPATH whose
# src/<module> is this directory makes "<module>/echo" resolve to ./echo.
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/$(dirname "$module")"
ln -s "$here" "$gopath/src/$module"

# Reuse the user's build cache when it is writable (a cold build of grpc-go takes a while).
cache=${GOCACHE:-$(go env GOCACHE 2>/dev/null || true)}
if [ -z "$cache" ] || ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
  cache=$gopath/cache
fi

# An earlier build as another user (root, say) left bin/ that this user cannot write: it is moved
# aside, which needs only this directory to be ours, and says so (its owner can delete it).
if [ -z "${1:-}" ] && [ -d "$out" ] && [ ! -w "$out" ] && [ -w "$here" ]; then
  aside=$here/.bin-of-$(stat -c %U "$out")-$$
  mv "$out" "$aside"
  echo "build-offline.sh: $out belonged to $(stat -c %U "$aside"), who can remove it; moved aside to $aside"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$gopath/src/$module"
for cmd in client server; do
  GO111MODULE=off GOPROXY=off GOFLAGS='' GOPATH="$gopath:$debian_gopath" GOCACHE="$cache" \
    go build -tags alts_offline -o "$out/$cmd" "./$cmd"
  echo "built $out/$cmd"
done
