/**
 * The benchmark workload: a generated Go service with a real dependency
 * graph (HTTP router, Prometheus client, gRPC, protobuf, zap, cobra: 30+
 * modules), written fresh into a directory, with go.mod tidied on the host.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MAIN = `package main

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// banner is the line the one-line-change scenario edits.
const banner = "benchsvc v1"

var requests = prometheus.NewCounter(prometheus.CounterOpts{Name: "requests_total", Help: "requests served"})

func main() {
	cmd := &cobra.Command{Use: "benchsvc", RunE: func(*cobra.Command, []string) error { return serve() }}
	if err := cmd.Execute(); err != nil {
		panic(err)
	}
}

func serve() error {
	log, _ := zap.NewProduction()
	log.Info(banner)
	prometheus.MustRegister(requests)
	r := chi.NewRouter()
	r.Get("/", func(w http.ResponseWriter, _ *http.Request) { requests.Inc(); _, _ = w.Write([]byte("ok\\n")) })
	r.Handle("/metrics", promhttp.Handler())
	s := grpc.NewServer()
	healthpb.RegisterHealthServer(s, health.NewServer())
	g, _ := errgroup.WithContext(context.Background())
	g.Go(func() error { return http.ListenAndServe(":8080", r) })
	return g.Wait()
}
`;

/** The go.mod change scenario: one more module, used; a different one each run so no cache holds it. */
const EXTRA_MODULES: ReadonlyArray<{ path: string; use: string }> = [
  { path: "github.com/google/uuid", use: 'zap.String("id", uuid.NewString())' },
  { path: "github.com/gorilla/websocket", use: 'zap.Int("ws", websocket.CloseNormalClosure)' },
  { path: "github.com/pkg/errors", use: 'zap.Error(errors.New("none"))' },
];

/** How many distinct go.mod changes the harness can make. */
export const MODULE_CHANGES = EXTRA_MODULES.length;

const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };

/** Write the service into `dir` and tidy go.mod/go.sum through the host's module proxy. */
export function writeWorkload(dir: string): void {
  mkdirSync(join(dir, "cmd/server"), { recursive: true });
  writeFileSync(join(dir, "go.mod"), "module example.com/benchsvc\n\ngo 1.26\n");
  writeFileSync(join(dir, "cmd/server/main.go"), MAIN);
  execFileSync("go", ["mod", "tidy"], { cwd: dir, env: goEnv, stdio: ["ignore", "ignore", "inherit"] });
}

/** Edit one line of source (a new banner each time, so no cache can hold the result). */
export function oneLineChange(dir: string, n: number): void {
  const file = join(dir, "cmd/server/main.go");
  writeFileSync(file, readFileSync(file, "utf8").replace(/const banner = ".*"/, `const banner = "benchsvc v1.${n}.${Date.now()}"`));
}

/** Add module `n` of the change list to go.mod (and use it), tidied on the host. */
export function addModule(dir: string, n: number): void {
  const extra = EXTRA_MODULES[n % EXTRA_MODULES.length] as { path: string; use: string };
  const file = join(dir, "cmd/server/main.go");
  const src = readFileSync(file, "utf8");
  if (src.includes(extra.path)) return;
  writeFileSync(file, src.replace('"context"', `"context"\n\n\t"${extra.path}"`).replace("log.Info(banner)", `log.Info(banner, ${extra.use})`));
  execFileSync("go", ["mod", "tidy"], { cwd: dir, env: goEnv, stdio: ["ignore", "ignore", "inherit"] });
}

/** Modules in go.sum (distinct paths). */
export function moduleCount(dir: string): number {
  const paths = readFileSync(join(dir, "go.sum"), "utf8").split("\n").map((l) => l.split(" ")[0]).filter(Boolean);
  return new Set(paths).size;
}
