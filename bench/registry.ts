/**
 * The bench registry on 127.0.0.1:5000 with a throwaway root: ko's base image,
 * the images the fresh builders pull, and the registry caches live there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Registry, startRegistry } from "../test/support/buildkit/registry.js";

const PORT = 5000;
export const REGISTRY = `127.0.0.1:${PORT}`;

export async function startBenchRegistry(): Promise<Registry> {
  const root = mkdtempSync(join(tmpdir(), "slimgo-bench-registry-"));
  try {
    const registry = await startRegistry(root, PORT);
    return {
      ...registry,
      async stop() {
        await registry.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
