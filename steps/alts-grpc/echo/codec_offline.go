//go:build alts_offline

package echo

// Only in the offline build (build-offline.sh sets the alts_offline tag): Debian's grpc-go 1.33
// encodes messages with github.com/golang/protobuf 1.3, which predates the current generated code
// in this package and panics on it. This codec takes over grpc's "proto" codec with
// google.golang.org/protobuf, which encodes current messages and, through its legacy wrapper, the
// old-style ALTS handshaker messages of grpc-go 1.33 itself. Builds with go.mod (current grpc-go)
// do not compile this file.

import (
	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/runtime/protoimpl"
)

// Registered after grpc's own codec: this package imports grpc, so grpc's init runs first.
func init() { encoding.RegisterCodec(protoCodec{}) }

type protoCodec struct{}

func (protoCodec) Name() string { return "proto" }

func (protoCodec) Marshal(v interface{}) ([]byte, error) {
	return proto.Marshal(protoimpl.X.ProtoMessageV2Of(v))
}

func (protoCodec) Unmarshal(data []byte, v interface{}) error {
	return proto.Unmarshal(data, protoimpl.X.ProtoMessageV2Of(v))
}
