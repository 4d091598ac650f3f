// Command server is the tutorial's gRPC echo server over ALTS. For every call it logs the
// service account of the client (the peer) and its own, as the ALTS handshake reported them,
// then echoes the message back.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/alts"
	"google.golang.org/grpc/status"

	"github.com/alts-tutor/alts-grpc/echo"
)

var port = flag.Int("port", 50051, "TCP port to listen on")

type echoServer struct {
	echo.UnimplementedEchoServer
}

func (echoServer) UnaryEcho(ctx context.Context, req *echo.EchoRequest) (*echo.EchoResponse, error) {
	// The identities come from the ALTS handshake, not from anything the client sent: this is
	// what an application can use to allow or deny the call.
	authInfo, err := alts.AuthInfoFromContext(ctx)
	if err != nil {
		return nil, status.Errorf(codes.Unauthenticated, "not an ALTS connection: %v", err)
	}
	log.Printf("AuthInfo PeerServiceAccount: %s", authInfo.PeerServiceAccount())
	log.Printf("AuthInfo LocalServiceAccount: %s", authInfo.LocalServiceAccount())
	return &echo.EchoResponse{Message: req.GetMessage()}, nil
}

func main() {
	flag.Parse()
	address := fmt.Sprintf(":%d", *port)
	listener, err := net.Listen("tcp", address)
	if err != nil {
		log.Fatalf("cannot listen on %s: %v", address, err)
	}
	// ALTS talks to the handshaker service of the platform (metadata.google.internal:8080) and
	// only runs where /sys/class/dmi/id/product_name says Google: on GCE, or in the lab's shim.
	server := grpc.NewServer(grpc.Creds(alts.NewServerCreds(alts.DefaultServerOptions())))
	echo.RegisterEchoServer(server, echoServer{})
	log.Printf("listening on %s", address)
	if err := server.Serve(listener); err != nil {
		log.Fatalf("serving on %s failed: %v", address, err)
	}
}
