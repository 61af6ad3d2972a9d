/**
 * The files a dynamically linked binary needs at run time: its loader and
 * the DT_NEEDED closure, found in the builder image the way the loader
 * would find them, by reading ELF headers (no `ldd`, which runs the binary).
 */
import { ElfError, type ElfInfo, readElf } from "../elf/index.js";
import { type Gateway, isFileAnswer } from "../gateway/llb-bridge.js";
import { UserError } from "./errors.js";

/** Debian's multiarch directories, then the classic ones. */
const TRIPLETS: Readonly<Record<string, string>> = {
  amd64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf",
  "386": "i386-linux-gnu",
  ppc64le: "powerpc64le-linux-gnu",
  s390x: "s390x-linux-gnu",
  riscv64: "riscv64-linux-gnu",
};

function searchDirs(arch: string, runpath: readonly string[]): string[] {
  const triplet = TRIPLETS[arch];
  const multiarch = triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : [];
  return [...runpath.filter((p) => p.startsWith("/")), ...multiarch, "/lib64", "/usr/lib64", "/lib", "/usr/lib"];
}

export interface Closure {
  /** Paths found in the image, loader first. */
  readonly files: readonly string[];
  /** The loader path or library names that are not there. */
  readonly missing: readonly string[];
}

/** A file tree the closure is looked up in: an image through the gateway, or a directory (the frontend image build). */
export interface LibraryTree {
  exists(path: string): Promise<boolean>;
  /** The ELF file at `path`; throws UserError when it is not one. */
  readLib(path: string): Promise<ElfInfo>;
}

/** Where the loader and every needed library (and theirs) are in the image at `rootRef`. */
export function runtimeClosure(gw: Gateway, rootRef: string, binary: ElfInfo): Promise<Closure> {
  return closureIn({ exists: (path) => exists(gw, rootRef, path), readLib: (path) => readLib(gw, rootRef, path) }, binary);
}

/** Where the loader and every needed library (and theirs) are in `tree`, found as the loader would. */
export async function closureIn(tree: LibraryTree, binary: ElfInfo): Promise<Closure> {
  const files: string[] = [];
  const missing: string[] = [];
  if (binary.interpreter) {
    if (await tree.exists(binary.interpreter)) files.push(binary.interpreter);
    else missing.push(binary.interpreter);
  }
  const seen = new Set<string>();
  const queue: Array<{ name: string; runpath: readonly string[] }> = binary.needed.map((name) => ({ name, runpath: binary.runpath }));
  while (queue.length > 0) {
    const { name, runpath } = queue.shift() as { name: string; runpath: readonly string[] };
    if (seen.has(name)) continue;
    seen.add(name);
    // libc names the loader too; the loader is already there under the interpreter path.
    if (binary.interpreter !== undefined && name === binary.interpreter.slice(binary.interpreter.lastIndexOf("/") + 1)) continue;
    const path = await find(tree, name, searchDirs(binary.arch, runpath));
    if (path === undefined) {
      missing.push(name);
      continue;
    }
    if (path === binary.interpreter) continue;
    files.push(path);
    const lib = await tree.readLib(path);
    for (const dep of lib.needed) queue.push({ name: dep, runpath: lib.runpath });
  }
  return { files, missing };
}

async function find(tree: LibraryTree, name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    if (await tree.exists(path)) return path;
  }
  return undefined;
}

async function exists(gw: Gateway, ref: string, path: string): Promise<boolean> {
  try {
    await gw.statFile(ref, path);
    return true;
  } catch (err) {
    if (isFileAnswer(err)) return false;
    throw err;
  }
}

/** Shared libraries are read whole; the largest real ones (LLVM's) are near 150 MB. */
const MAX_LIBRARY_BYTES = 256 << 20;

async function readLib(gw: Gateway, ref: string, path: string): Promise<ElfInfo> {
  try {
    return readElf(await gw.readWholeFile(ref, path, MAX_LIBRARY_BYTES));
  } catch (err) {
    if (err instanceof ElfError) throw new UserError(`${path} in the image is not a readable shared library: ${err.message}`);
    throw err;
  }
}
