/**
 * What every remote test starts from: certificates, a loopback registry holding
 * the frontend and builder images, a counting loopback GOPROXY, and the plain
 * fixture whose spec names the frontend by its registry reference.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type GoProxy, prefetchModules, startGoProxy } from "../../../scripts/goproxy.js";
import { requireEngine } from "../../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../../support/fixture.js";
import { requireBuildkit } from "../../support/buildkit/buildkitd.js";
import { type Certs, makeCerts } from "../../support/buildkit/certs.js";
import { type Registry, startRegistry } from "../../support/buildkit/registry.js";

/** The builder image the fixture's `go 1.24` selects; the static base is made from it too. */
const BUILDER = "golang:1.24-bookworm";
export const FIXTURE = "plain";
/** The suite's registry; the farm nodes take 5201–5203. */
const REGISTRY_PORT = Number(process.env["SLIMGO_REGISTRY_PORT"] ?? 5100);
export const SPEC_BODY = "main: ./cmd/plain\n";
/** What the fixture prints, minus the uid/gid of whoever runs it. */
export const GREETING = /^hello from plain id=c8a85b90-249f-5970-b209-a1c089a7f579 uid=\d+ gid=\d+$/;

export interface RemoteSuite {
  readonly dir: string;
  readonly certs: Certs;
  readonly registry: Registry;
  /** The frontend as the registry serves it, for `# syntax=` and `--opt source=`. */
  readonly frontendRef: string;
  readonly proxy: GoProxy;
  /** Build args every build passes: modules come from the loopback proxy only. */
  readonly goArgs: Record<string, string>;
  /** A copy of the fixture with `# syntax=<frontendRef>`. */
  project(): string;
  close(): Promise<void>;
}

export async function setUpSuite(label: string): Promise<RemoteSuite> {
  requireBuildkit();
  await requireEngine(FRONTEND);
  const dir = mkdtempSync(join(tmpdir(), `slimgo-remote-${label}-`));
  const closers: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const certs = makeCerts(dir);
    const registry = await startRegistry(dir, REGISTRY_PORT);
    closers.push(() => registry.stop());
    const frontendRef = `${registry.host}/${FRONTEND.replace(/^.*\//, "")}`;
    await registry.push(FRONTEND, frontendRef.slice(registry.host.length + 1));
    await registry.push(BUILDER, `library/${BUILDER}`);
    const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath(FIXTURE)]));
    closers.push(() => proxy.close());
    return {
      dir,
      certs,
      registry,
      frontendRef,
      proxy,
      goArgs: { GOPROXY: proxy.url, GOSUMDB: "off" },
      project() {
        const copy = copyFixture(FIXTURE, SPEC_BODY);
        closers.push(copy.remove);
        writeFileSync(join(copy.dir, "slimgo.yaml"), `# syntax=${frontendRef}\n${SPEC_BODY}`);
        return copy.dir;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
