// hello is the example slimgo builds in `make demo`.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/google/uuid"
)

func main() {
	host, _ := os.Hostname()
	fmt.Printf("hello from a slimgo image: %s/%s, uid %d, host %s\n", runtime.GOOS, runtime.GOARCH, os.Getuid(), host)
	fmt.Printf("request id %s\n", uuid.NewSHA1(uuid.NameSpaceURL, []byte(time.Now().UTC().Format(time.DateOnly))))
}
