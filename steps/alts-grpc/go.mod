// The tutorial's Go echo client and server over ALTS.
//
// With internet: `go mod tidy` (resolves the indirect requirements and writes go.sum), then
// `go build -o bin/server ./server` and `go build -o bin/client ./client`. Offline:
// ./build-offline.sh builds the same sources in GOPATH mode against Debian's grpc-go 1.33.
module github.com/alts-tutor/alts-grpc

go 1.22

require (
	google.golang.org/grpc v1.71.0
	google.golang.org/protobuf v1.36.5
)
