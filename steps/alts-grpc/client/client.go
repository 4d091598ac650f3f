// Command client is the tutorial's gRPC echo client over ALTS. It calls the server once, logs
// the server's service account (the peer) and its own, as the ALTS handshake reported them,
// and prints the echo.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/alts"
	"google.golang.org/grpc/peer"

	"github.com/alts-tutor/alts-grpc/echo"
)

// accountList collects --targetServiceAccount, given several times or as a comma list.
type accountList []string

func (l *accountList) String() string { return strings.Join(*l, ",") }

func (l *accountList) Set(value string) error {
	for _, account := range strings.Split(value, ",") {
		if account = strings.TrimSpace(account); account != "" {
			*l = append(*l, account)
		}
	}
	return nil
}

var (
	addr           = flag.String("addr", "alts-server:50051", "address of the echo server")
	targetAccounts accountList
)

func init() {
	flag.Var(&targetAccounts, "targetServiceAccount",
		"service account the server must run as (repeat the flag or give a comma list; none: any)")
}

func main() {
	flag.Parse()
	opts := alts.DefaultClientOptions()
	// The handshaker service refuses the handshake unless the server's account is one of these.
	opts.TargetServiceAccounts = targetAccounts
	// grpc.Dial rather than grpc.NewClient: the offline build uses Debian's grpc-go 1.33, which
	// predates NewClient; Dial still works (deprecated) in current grpc-go.
	conn, err := grpc.Dial(*addr, grpc.WithTransportCredentials(alts.NewClientCreds(opts)))
	if err != nil {
		log.Fatalf("cannot set up a connection to %s: %v", *addr, err)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var server peer.Peer
	resp, err := echo.NewEchoClient(conn).UnaryEcho(ctx, &echo.EchoRequest{Message: "hello world"}, grpc.Peer(&server))
	if err != nil {
		log.Fatalf("UnaryEcho to %s failed: %v", *addr, err)
	}
	authInfo, err := alts.AuthInfoFromPeer(&server)
	if err != nil {
		log.Fatalf("the connection to %s is not ALTS: %v", *addr, err)
	}
	log.Printf("AuthInfo PeerServiceAccount: %s", authInfo.PeerServiceAccount())
	log.Printf("AuthInfo LocalServiceAccount: %s", authInfo.LocalServiceAccount())
	// One space after the colon: the seed's "UnaryEcho:  hello world" came from
	// fmt.Println("UnaryEcho: ", message), which adds a second space between its operands.
	fmt.Printf("UnaryEcho: %s\n", resp.GetMessage())
}
