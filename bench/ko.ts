/**
 * ko as a contender: it builds on the host with its own Go caches (under the
 * bench directory, so "cold" means empty) and puts the binary on a base image
 * it pulls from the bench registry.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../test/support/docker.js";
import { REGISTRY } from "./registry.js";
import { runChecked } from "./runners.js";

/** scratch + the CA bundle, for amd64 and arm64, the base the expert Dockerfile also uses. */
export const KO_BASE = `${REGISTRY}/bench/ko-base:latest`;

const KO_BASE_DOCKERFILE = `FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS certs
FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
USER 65532:65532
`;

/** How ko's users strip the binary as the Dockerfiles do (ko adds -trimpath itself). */
const koYaml = (main: string) => `builds:
  - id: server
    main: ${main}
    ldflags: ["-s", "-w"]
`;

export const KO_CONFIG_FILE = ".ko.yaml";

/** Push the two-platform base with the engine's builder (no RUN step, so no emulation). */
export async function pushKoBase(scratchDir: string): Promise<void> {
  mkdirSync(scratchDir, { recursive: true });
  writeFileSync(join(scratchDir, "Dockerfile"), KO_BASE_DOCKERFILE);
  const res = await run("docker", [
    "buildx", "build", "-q", "--platform", "linux/amd64,linux/arm64",
    "--output", `type=image,name=${KO_BASE},push=true,registry.insecure=true`, scratchDir,
  ]);
  if (res.code !== 0) throw new Error(`pushing ko's base image to ${KO_BASE} failed: ${res.stderr.trim().slice(-1500)}`);
}

export interface KoTarget {
  /** `local` loads into the engine (linux/amd64); the others push to the bench registry. */
  readonly output: "local" | "amd64" | "amd64+arm64";
}

export class Ko {
  private readonly cache: string;
  /** What the last `local` build loaded into the engine. */
  lastImage = "";

  constructor(
    private readonly ko: string,
    private readonly workload: string,
    cacheRoot: string,
    private readonly goproxy: string,
    private readonly main = "./cmd/server",
  ) {
    this.cache = join(cacheRoot, "ko-go");
    writeFileSync(join(workload, KO_CONFIG_FILE), koYaml(main));
  }

  /** Empty GOCACHE and GOMODCACHE: the next build is cold. */
  async emptyCaches(): Promise<void> {
    // Go leaves the module cache read-only.
    await run("chmod", ["-R", "u+w", this.cache]);
    rmSync(this.cache, { recursive: true, force: true });
  }

  async build(target: KoTarget): Promise<void> {
    const platform = target.output === "amd64+arm64" ? "linux/amd64,linux/arm64" : "linux/amd64";
    const args = ["build", "--bare", `--platform=${platform}`, ...(target.output === "local" ? ["--local"] : []), this.main];
    const stdout = await runChecked(this.ko, args, this.workload, {
      KO_DOCKER_REPO: target.output === "local" ? "ko.local" : `${REGISTRY}/bench/ko-app`,
      KO_DEFAULTBASEIMAGE: KO_BASE,
      GOCACHE: join(this.cache, "go-build"),
      GOMODCACHE: join(this.cache, "mod"),
      GOPROXY: this.goproxy,
    });
    if (target.output === "local") this.lastImage = stdout.trim().split("\n").pop() ?? "";
  }
}
