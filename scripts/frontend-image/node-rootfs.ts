/**
 * The frontend image's filesystem from a Debian tree that holds nodejs (an image, or packages unpacked for
 * another architecture): node, its loader and the DT_NEEDED closure found by reading ELF (no `ldd`, which
 * would have to run the target's binaries), the files libnode loads from /usr/share/nodejs, and ICU's data
 * filtered to what the frontend uses. Runs on the build platform's node in a Dockerfile stage.
 * Usage: node node-rootfs.cjs SYSROOT OUT ICU_KEEP_FILE
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readElf } from "../../src/elf/index.js";
import { closureIn } from "../../src/server/runtime-libs.js";
import { filterIcuData, keepPatterns } from "./icu-data-filter.js";
import { resolveIn } from "./resolve-in.js";

const NODE = "/usr/bin/node";

main().catch((err: unknown) => {
  console.error(`node-rootfs: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

async function main(): Promise<void> {
  const [sysroot, out, keepFile] = process.argv.slice(2);
  if (!sysroot || !out || !keepFile) {
    console.error("usage: node-rootfs SYSROOT OUT ICU_KEEP_FILE");
    process.exit(2);
  }

  const onDisk = (path: string): string => {
    const real = resolveIn(sysroot, path);
    if (real === undefined) throw new Error(`${path} is not in ${sysroot}`);
    return real;
  };
  const place = (path: string, bytes?: Uint8Array) => {
    const dest = join(out, path);
    mkdirSync(dirname(dest), { recursive: true });
    if (bytes) writeFileSync(dest, bytes);
    else copyFileSync(onDisk(path), dest);
    return dest;
  };

  const node = readElf(readFileSync(onDisk(NODE)));
  const closure = await closureIn(
    {
      exists: async (path) => resolveIn(sysroot, path) !== undefined,
      readLib: async (path) => readElf(readFileSync(onDisk(path))),
    },
    node,
  );
  if (closure.missing.length > 0) throw new Error(`${NODE} in ${sysroot} needs ${closure.missing.join(", ")}, which is not there`);
  for (const path of [NODE, ...closure.files]) place(path);

  // Debian's libnode loads some of its built-in modules from files at start-up.
  const libnode = closure.files.find((f) => /\/libnode\.so/.test(f));
  if (libnode === undefined) throw new Error(`${NODE} in ${sysroot} does not load libnode`);
  const named = readFileSync(onDisk(libnode)).toString("latin1").match(/\/usr\/share\/nodejs\/[A-Za-z0-9_./@-]+\.(js|mjs|wasm)/g) ?? [];
  for (const path of [...new Set(named)].sort()) if (resolveIn(sysroot, path) !== undefined) place(path);

  const icu = closure.files.find((f) => /\/libicudata\.so/.test(f));
  if (icu !== undefined) {
    const lib = new Uint8Array(readFileSync(onDisk(icu)));
    const { kept, of } = filterIcuData(lib, keepPatterns(readFileSync(keepFile, "utf8")), icu);
    place(icu, lib);
    console.log(`node-rootfs: ${icu}: kept ${kept} of ${of} ICU items`);
  }
  mkdirSync(join(out, "tmp"), { recursive: true });
  chmodSync(join(out, "tmp"), 0o1777);
  console.log(`node-rootfs: ${node.arch} node with ${closure.files.length} libraries in ${out}${existsSync(join(out, "usr/share/nodejs")) ? ", and libnode's module files" : ""}`);
}
