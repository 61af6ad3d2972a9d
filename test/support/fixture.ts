/** Fixture projects copied to a scratch directory, and images run to completion. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before } from "node:test";
import { GenericContainer, Wait } from "testcontainers";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { requireEngine, run } from "./docker.js";

process.env["TESTCONTAINERS_RYUK_DISABLED"] = "true"; // the reaper image cannot be pulled here

/** The frontend image the e2e tests name on the `# syntax=` line. */
export const FRONTEND = process.env["SLIMGO_IMAGE"] ?? "slimgo:dev";

export function fixturePath(name: string): string {
  return resolve("test/fixtures/projects", name);
}

/** Copy fixture `name` to a temp dir and write its slimgo.yaml with the e2e frontend on the syntax line. */
export function copyFixture(name: string, specBody: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `slimgo-${name}-`));
  cpSync(fixturePath(name), dir, { recursive: true });
  writeFileSync(join(dir, "slimgo.yaml"), `# syntax=${FRONTEND}\n${specBody}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run an image until it exits and return its output (stdout and stderr). */
export async function runImage(image: string): Promise<string> {
  const container = await new GenericContainer(image).withWaitStrategy(Wait.forOneShotStartup()).start();
  // The log stream of an exited container may close without ending; read the finished log instead.
  const logs = await run("docker", ["logs", container.getId()]);
  await container.stop();
  return logs.stdout + logs.stderr;
}

/**
 * The plain fixture with `specBody`, built offline from a loopback GOPROXY,
 * for one test file: registers its before and after hooks (`prepare` runs in
 * the before hook, on the copy). `dir` and `buildArgs` are read inside tests.
 */
export function plainProject(specBody: string, prepare?: (dir: string) => Promise<void>): { readonly dir: string; readonly buildArgs: Record<string, string> } {
  let proxy: GoProxy | undefined;
  let project: ReturnType<typeof copyFixture> | undefined;
  before(async () => {
    await requireEngine(FRONTEND);
    proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("plain")]));
    project = copyFixture("plain", specBody);
    await prepare?.(project.dir);
  });
  after(async () => {
    await proxy?.close();
    project?.remove();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("plainProject is read before its before hook ran");
    return value;
  };
  return {
    get dir() {
      return started(project).dir;
    },
    get buildArgs() {
      return { GOPROXY: started(proxy).url, GOSUMDB: "off" };
    },
  };
}
