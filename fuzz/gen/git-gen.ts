/**
 * Repositories for the git object reader: real ones made once with the git
 * CLI (loose, packed, OFS and REF deltas), and hostile packs built by hand.
 * An input is one repository's object files and the commit to read.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { deflateSync } from "node:zlib";
import type { Rng } from "../prng.js";

export interface GitInput {
  readonly commit: string;
  /** Paths relative to the context, e.g. ".git/objects/pack/pack-x.idx". */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const MAGIC = "slimgo-git-fuzz\n";
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The magic, the commit's line, then per file its path line, its length line and its bytes. */
export function encodeGitInput(input: GitInput): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`${MAGIC}${input.commit}\n`)];
  for (const [path, data] of input.files) parts.push(enc.encode(`${path}\n${data.length}\n`), data);
  return Buffer.concat(parts);
}

/** Lenient: whatever is malformed ends the file list, so every byte string is some input. */
export function decodeGitInput(bytes: Uint8Array): GitInput {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = buf.indexOf(MAGIC) === 0 ? MAGIC.length : 0;
  const line = () => {
    const end = buf.indexOf(0x0a, at);
    if (end === -1) return undefined;
    const text = dec.decode(buf.subarray(at, end));
    at = end + 1;
    return text;
  };
  const commit = line() ?? "";
  const files = new Map<string, Uint8Array>();
  for (;;) {
    const path = line();
    const length = Number(line());
    if (path === undefined || !Number.isSafeInteger(length) || length < 0 || at + length > buf.length) break;
    files.set(path, buf.subarray(at, at + length));
    at += length;
  }
  return { commit, files };
}

/** Real repositories: every commit of each, as an input. */
export function realRepositories(): GitInput[] {
  const out: GitInput[] = [];
  const variants: Array<string[][]> = [
    [],
    [["gc", "-q", "--aggressive", "--prune=now"]],
    [["-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f"], ["prune-packed"]],
  ];
  for (const steps of variants) {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-fuzz-git-"));
    try {
      const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
      const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=f", "-c", "user.email=f@example.com", "-c", "gc.auto=0", ...args], { cwd: dir, env, encoding: "utf8" }).trim();
      git("init", "-q");
      const commits: string[] = [];
      for (let i = 0; i < 6; i++) {
        const date = `${1700000000 + i * 977} +0000`;
        execFileSync("git", ["-c", "user.name=f", "-c", "user.email=f@example.com", "commit", "-q", "--allow-empty", "-m", `change ${i}\n\n${"Alike text for deltas. ".repeat(50)}`], {
          cwd: dir,
          env: { ...env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
        });
        commits.push(git("rev-parse", "HEAD"));
      }
      for (const step of steps) git(...step);
      const files = new Map<string, Uint8Array>();
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else files.set(relative(dir, p), readFileSync(p));
        }
      };
      walk(join(dir, ".git/objects"));
      for (const commit of commits) out.push({ commit, files });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/** A pack index v2 naming `entries` at their offsets; `count` overrides the fanout's last entry, the total (a lie). */
export function packIndex(entries: ReadonlyArray<{ name: Uint8Array; offset: number }>, count?: number): Uint8Array {
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.name, b.name));
  const fanout = Buffer.alloc(1024);
  for (let b = 0; b < 256; b++) fanout.writeUInt32BE(sorted.filter((e) => (e.name[0] as number) <= b).length, b * 4);
  if (count !== undefined) fanout.writeUInt32BE(count, 255 * 4);
  const offsets = Buffer.alloc(sorted.length * 4);
  sorted.forEach((e, i) => offsets.writeUInt32BE(e.offset >>> 0, i * 4));
  const head = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
  return Buffer.concat([head, fanout, ...sorted.map((e) => e.name), Buffer.alloc(sorted.length * 4), offsets, Buffer.alloc(40)]);
}

/** An entry header: type, size, and for OFS_DELTA the distance back to its base. */
export function entryHeader(type: number, size: number, back?: number): Uint8Array {
  const out: number[] = [];
  let rest = Math.floor(size / 16);
  out.push((type << 4) | (size % 16) | (rest > 0 ? 0x80 : 0));
  while (rest > 0) {
    const b = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(b | (rest > 0 ? 0x80 : 0));
  }
  if (back !== undefined) {
    const groups = [back % 128];
    let n = Math.floor(back / 128);
    while (n > 0) {
      n -= 1;
      groups.unshift((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...groups);
  }
  return Uint8Array.from(out);
}

/** A pack of these entries after its 12-byte header, and each entry's offset. */
export function packOf(entries: readonly Uint8Array[]): { pack: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  let at = 12;
  for (const e of entries) {
    offsets.push(at);
    at += e.length;
  }
  return { pack: Buffer.concat([Buffer.from("PACK\0\0\0\x02\0\0\0\x01"), ...entries]), offsets };
}

const PACK = ".git/objects/pack/pack-f";
const commitBody = (time: number) => enc.encode(`tree ${"0".repeat(40)}\ncommitter F <f@example.com> ${time} +0000\n\nm\n`);

/** Hostile repositories, each a way a reader could loop, allocate or read too much. */
export function hostileRepository(rng: Rng): GitInput {
  const name = rng.bytes(20);
  const commit = Buffer.from(name).toString("hex");
  const single = (entry: Uint8Array, count?: number): GitInput => {
    const { pack, offsets } = packOf([entry]);
    return { commit, files: new Map([[`${PACK}.pack`, pack], [`${PACK}.idx`, packIndex([{ name, offset: offsets[0] as number }], count)]]) };
  };
  switch (rng.int(6)) {
    case 0: {
      // A REF_DELTA whose base is itself.
      const delta = deflateSync(Uint8Array.from([3, 3, 0x90, 3]));
      return single(Buffer.concat([entryHeader(7, 4), name, delta]));
    }
    case 1: {
      // A chain of OFS_DELTAs longer than git ever writes.
      const body = commitBody(1700000000);
      const copyAll = Uint8Array.from([body.length, body.length, 0x90, body.length]);
      const z = deflateSync(copyAll);
      const entries: Uint8Array[] = [Buffer.concat([entryHeader(1, body.length), deflateSync(body)])];
      const depth = 200 + rng.int(200);
      for (let i = 0; i < depth; i++) {
        const prev = entries[entries.length - 1] as Uint8Array;
        entries.push(Buffer.concat([entryHeader(6, copyAll.length, prev.length), z]));
      }
      const { pack, offsets } = packOf(entries);
      return { commit, files: new Map([[`${PACK}.pack`, pack], [`${PACK}.idx`, packIndex([{ name, offset: offsets[offsets.length - 1] as number }])]]) };
    }
    case 2:
      // An object that claims to be petabytes.
      return single(Buffer.concat([entryHeader(1, 2 ** 50 + rng.int(1000)), deflateSync(commitBody(1))]));
    case 3:
      // A fanout that claims four billion objects.
      return single(Buffer.concat([entryHeader(1, 10), deflateSync(commitBody(1))]), 0xffffffff);
    case 4: {
      // A loose object that inflates to 20 MiB.
      const path = `.git/objects/${commit.slice(0, 2)}/${commit.slice(2)}`;
      return { commit, files: new Map([[path, deflateSync(Buffer.concat([enc.encode("commit 20971520\0"), Buffer.alloc(20 << 20)]))]]) };
    }
    default: {
      // A delta that copies from far past its base, or declares a huge result.
      const body = commitBody(5);
      const delta = rng.chance(0.5) ? Uint8Array.from([body.length, 10, 0x9f, 0xff, 0xff, 0xff, 0x7f, 10]) : Uint8Array.from([body.length, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x90, 1]);
      const entries = [Buffer.concat([entryHeader(1, body.length), deflateSync(body)])];
      entries.push(Buffer.concat([entryHeader(6, delta.length, entries[0]?.length), deflateSync(delta)]));
      const { pack, offsets } = packOf(entries);
      return { commit, files: new Map([[`${PACK}.pack`, pack], [`${PACK}.idx`, packIndex([{ name, offset: offsets[1] as number }])]]) };
    }
  }
}
