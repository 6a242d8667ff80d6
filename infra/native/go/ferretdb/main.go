// Command nimbus-ferretdb runs FerretDB (SQLite backend) through its embeddable
// package, plus a wire-level health check.
//
//	nimbus-ferretdb serve -listen 127.0.0.1:27017 -sqlite-dir /abs/dir
//	nimbus-ferretdb ping  -uri mongodb://127.0.0.1:27017
//
// The embeddable package is used instead of cmd/ferretdb because the module zip
// lacks the git-ignored build/version/version.txt that cmd/ferretdb panics without.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nimbus-ferretdb serve|ping [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "ping":
		err = ping(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nimbus-ferretdb:", err)
		os.Exit(1)
	}
}

// ferretDBVersion is the FerretDB module version this binary was built with.
func ferretDBVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/FerretDB/FerretDB" {
				return d.Version
			}
		}
	}
	return "unknown"
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:27017", "TCP listen address")
	dir := fs.String("sqlite-dir", "", "directory for the SQLite databases (required)")
	_ = fs.Parse(args)
	if *dir == "" {
		return fmt.Errorf("-sqlite-dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(abs, 0o755); err != nil {
		return err
	}

	// Embedded builds report "unknown"; tell clients (buildInfo, serverStatus) the real version.
	version.Get().Version = ferretDBVersion()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/", // the trailing slash marks a directory
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	slog.Info("FerretDB "+version.Get().Version+" starting", "listen", *listen, "sqlite-dir", abs)
	return f.Run(ctx)
}

// ping does a real MongoDB handshake and a ping command, then reports the server version.
func ping(args []string) error {
	fs := flag.NewFlagSet("ping", flag.ExitOnError)
	uri := fs.String("uri", "mongodb://127.0.0.1:27017", "MongoDB URI")
	timeout := fs.Duration("timeout", 3*time.Second, "overall timeout")
	_ = fs.Parse(args)

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(*uri).SetServerSelectionTimeout(*timeout))
	if err != nil {
		return err
	}
	// No Disconnect: it sends endSessions, which FerretDB rejects with a noisy log entry;
	// the process exits right after and closes the connections anyway.

	var res bson.M
	if err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&res); err != nil {
		return err
	}
	fmt.Printf("MongoDB %v wire protocol, FerretDB %v\n", res["version"], res["ferretdbVersion"])
	return nil
}
