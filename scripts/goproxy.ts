/**
 * A Go module proxy on loopback, made of the files `go mod download` leaves in
 * $GOMODCACHE/cache/download. Builds fetch modules from it for real, without
 * the internet, and it counts what each build fetched. Plain HTTP by default;
 * with `tls` and `auth` it is a private proxy: HTTPS with basic auth, as Go
 * sends .netrc credentials only over HTTPS.
 *
 * CLI: node --import tsx scripts/goproxy.ts DIR... (prints the URL, serves until killed)
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join, normalize, resolve } from "node:path";

export interface GoProxy {
  readonly url: string;
  /** Paths served since the last reset, e.g. "/github.com/google/uuid/@v/v1.6.0.zip". */
  readonly fetched: string[];
  /** Module zips served since the last reset. */
  zips(): string[];
  reset(): void;
  close(): Promise<void>;
}

/** Fill `cacheDir` with every module the given Go projects need (through the host's GOPROXY). */
export function prefetchModules(cacheDir: string, projectDirs: readonly string[]): string {
  const modcache = resolve(cacheDir, "mod");
  mkdirSync(modcache, { recursive: true });
  for (const dir of projectDirs) {
    // -mod=mod may add missing go.sum lines: on a copy (-modfile), so the project is never edited.
    // In workspace mode (a go.work here or above) -modfile is refused; go.work itself pins nothing to rewrite.
    const scratch = inWorkspace(dir) ? undefined : mkdtempSync(join(tmpdir(), "slimgo-prefetch-"));
    try {
      if (scratch !== undefined) {
        for (const f of ["go.mod", "go.sum"]) if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(scratch, f));
      }
      execFileSync("go", ["mod", "download", ...(scratch ? [`-modfile=${join(scratch, "go.mod")}`] : []), "all"], {
        cwd: dir,
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, GOMODCACHE: modcache, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      });
    } finally {
      if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    }
  }
  return join(modcache, "cache", "download");
}

function inWorkspace(dir: string): boolean {
  const gowork = execFileSync("go", ["env", "GOWORK"], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: "local" } }).toString().trim();
  return gowork !== "" && gowork !== "off";
}

export interface GoProxyOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Answer 401 to any request without these basic-auth credentials. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** Answer 401 to any request without `Authorization: Bearer <token>` (instead of basic auth). */
  readonly bearer?: string;
}

/** Serve a module download tree on 127.0.0.1 (port 0 = any free port). */
export async function startGoProxy(root: string, port = 0, opts: GoProxyOptions = {}): Promise<GoProxy> {
  const fetched: string[] = [];
  const expected =
    opts.bearer !== undefined ? `Bearer ${opts.bearer}` : opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString("base64")}` : undefined;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (expected !== undefined && req.headers.authorization !== expected) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": opts.bearer !== undefined ? 'Bearer realm="goproxy"' : 'Basic realm="goproxy"' }).end("unauthorized\n");
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !isFile(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    fetched.push(path);
    res.writeHead(200, { "content-type": contentType(file) });
    createReadStream(file).pipe(res);
  };
  const server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, handle) : createServer(handle);
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${bound}`,
    fetched,
    zips: () => fetched.filter((p) => p.endsWith(".zip")),
    reset: () => void fetched.splice(0),
    close: () => new Promise<void>((ok) => (server.close(() => ok()), server.closeAllConnections())),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function contentType(file: string): string {
  if (file.endsWith(".zip")) return "application/zip";
  if (file.endsWith(".info")) return "application/json";
  return "text/plain; charset=utf-8";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  const root = prefetchModules(resolve(".cache/goproxy"), dirs.length > 0 ? dirs : ["."]);
  const proxy = await startGoProxy(root, Number(process.env["GOPROXY_PORT"] ?? 0));
  process.stdout.write(`${proxy.url}\n`);
}
