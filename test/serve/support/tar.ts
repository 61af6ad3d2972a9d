/** Tar streams built in tests, cut in chunks so entries straddle messages as they do over gRPC. */
import { type Header, pack } from "tar-stream";

export type TarEntry = Partial<Header> & { name: string; body?: string | Buffer };

export async function tarChunks(entries: readonly TarEntry[], chunkBytes = 700): Promise<Buffer[]> {
  const p = pack();
  for (const { body, ...h } of entries) p.entry(h, body ?? "");
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  const all = Buffer.concat(parts);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += chunkBytes) out.push(all.subarray(i, i + chunkBytes));
  return out;
}
