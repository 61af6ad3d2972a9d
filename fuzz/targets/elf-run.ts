/** Everything the project reads from an ELF file, in the order the frontend and `slimgo size` read it. */
import { ElfError, checkBinary, formatSizeReport, loadForInspection, readElf, readGoBuildInfo, sizeReport, topContributors } from "../../src/elf/index.js";

/** Run `fn`; an ElfError is the reader's answer for this part, so the next part still runs. */
function tolerate<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ElfError) return undefined;
    throw err;
  }
}

/** Headers, build info, the binary check, the size report in both layouts, and the frontend's sparse load. */
export async function readEverything(bytes: Uint8Array): Promise<void> {
  const elf = tolerate(() => readElf(bytes));
  tolerate(() => readGoBuildInfo(bytes));
  if (elf !== undefined) {
    const info = tolerate(() => readGoBuildInfo(bytes, elf));
    checkBinary(elf, { arch: elf.arch, static: true }, info);
    checkBinary(elf, { arch: "arm", variant: "v6", static: false }, info);
    const report = tolerate(() => sizeReport(bytes));
    if (report !== undefined) {
      formatSizeReport(report, { tree: true, top: 10, colour: true });
      formatSizeReport(report, { top: 5 });
      topContributors(report, 5);
      JSON.stringify(report);
    }
  }
  // The frontend checks a built binary from the parts it loads, then all of it when the build info is elsewhere.
  const loaded = await tolerateAsync(() => loadForInspection(bytes.length, async (offset, length) => bytes.subarray(offset, offset + length)));
  if (loaded !== undefined) {
    const sparse = tolerate(() => readElf(loaded.bytes));
    if (sparse !== undefined) tolerate(() => readGoBuildInfo(loaded.bytes, sparse));
  }
}

async function tolerateAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ElfError) return undefined;
    throw err;
  }
}
