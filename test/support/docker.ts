/** Small helpers for end-to-end tests against the local Docker engine. */
import { execFile, spawn } from "node:child_process";
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import { extract } from "tar-stream";

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to completion; never throws on a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the fix when no engine answers: e2e tests must never skip. */
export async function requireEngine(image: string): Promise<void> {
  const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
  if (info.code !== 0) throw new Error(`no Docker engine answers (${info.stderr.trim()}): run \`make engine\``);
  const img = await run("docker", ["image", "inspect", image, "--format", "{{.Id}}"]);
  if (img.code !== 0) throw new Error(`frontend image ${image} is missing: run \`make image\``);
}

export interface BuildOptions {
  readonly dir: string;
  readonly tag: string;
  readonly specFile?: string;
  readonly buildArgs?: Record<string, string>;
  readonly extra?: readonly string[];
  /** The client's environment (e.g. SSH_AUTH_SOCK for --ssh default); this process's when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

/** `docker buildx build` with plain progress, so step states can be read from stderr. */
export function buildx(o: BuildOptions): Promise<Run> {
  // An explicit --output replaces --load (e.g. a multi-platform OCI export).
  const output = o.extra?.includes("--output") ? [] : ["--load"];
  const args = ["buildx", "build", "--progress=plain", "-f", `${o.dir}/${o.specFile ?? "slimgo.yaml"}`, "-t", o.tag, ...output];
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  args.push(...(o.extra ?? []), o.dir);
  return run("docker", args, o.env ? { env: o.env } : {});
}

/** Whether the step named `name` (e.g. "go mod download") was CACHED in a plain-progress log. */
export function stepState(log: string, name: string): "cached" | "ran" | "absent" {
  const ids = [...log.matchAll(/^#(\d+) (.*)$/gm)].filter((m) => (m[2] ?? "").trim().endsWith(name)).map((m) => m[1]);
  if (ids.length === 0) return "absent";
  return ids.every((id) => new RegExp(`^#${id} CACHED$`, "m").test(log)) ? "cached" : "ran";
}

export interface ImageFile {
  readonly size: number;
  readonly mode: number;
  readonly type: string;
  readonly uid: number;
  readonly gid: number;
  /** Contents of small files. */
  readonly text: string | undefined;
}

/** Every path in an image's filesystem (all layers), from `docker save`. */
export async function imageFiles(image: string): Promise<Map<string, ImageFile>> {
  const saved = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "inherit"] });
  const blobs = new Map<string, Buffer>();
  await untar(saved.stdout, async (name, data) => void blobs.set(name, data));
  const index = JSON.parse(blobs.get("manifest.json")?.toString("utf8") ?? "[]") as Array<{ Layers: string[] }>;
  const files = new Map<string, ImageFile>();
  for (const layer of index[0]?.Layers ?? []) {
    const data = blobs.get(layer);
    if (data === undefined) throw new Error(`docker save output lacks layer ${layer}`);
    const gz = data[0] === 0x1f && data[1] === 0x8b;
    const stream = gz ? Readable.from([data]).pipe(createGunzip()) : Readable.from([data]);
    await untar(stream, async (name, body, header) => {
      const path = `/${name.replace(/^\.?\//, "").replace(/\/$/, "")}`;
      files.set(path, { size: body.length, mode: header.mode ?? 0, type: header.type ?? "file", uid: header.uid ?? 0, gid: header.gid ?? 0, text: body.length < 4096 ? body.toString("utf8") : undefined });
    });
  }
  return files;
}

type Header = { name: string; mode?: number; type?: string | null; uid?: number; gid?: number };

function untar(stream: NodeJS.ReadableStream, onEntry: (name: string, data: Buffer, header: Header) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const ex = extract();
    ex.on("entry", (header: Header, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (c: unknown) => void chunks.push(c as Buffer));
      body.on("end", () => void onEntry(header.name, Buffer.concat(chunks), header).then(() => next(), reject));
      body.on("error", reject);
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
    stream.pipe(ex);
  });
}
