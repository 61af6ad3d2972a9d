/**
 * `docker save` archives: manifest.json, a config and layers, valid or with
 * the hostile parts `slimgo size --image` meets: wrong JSON types, corrupt and
 * truncated gzip, gzip bombs, tens of thousands of files, symlink loops.
 */
import { createHash } from "node:crypto";
import type { Rng } from "../prng.js";
import { type TarEntry, gzip, gzipBomb, join, tar, tarParts } from "./tar.js";

const enc = new TextEncoder();
const ENTRY = "/usr/local/bin/app";

export interface ImageParts {
  manifest: unknown;
  config: unknown;
  layers: Uint8Array[];
}

/** Blob names as docker save writes them. */
function blobName(data: Uint8Array): string {
  return `blobs/sha256/${createHash("sha256").update(data).digest("hex")}`;
}

/** The archive for these parts; the manifest's Config and Layers are filled in unless `raw`. */
export function saveArchive(parts: { manifest?: unknown; config: unknown; layers: readonly Uint8Array[]; rawManifest?: string; rawConfig?: string; extra?: readonly TarEntry[] }): Uint8Array {
  const config = enc.encode(parts.rawConfig ?? JSON.stringify(parts.config));
  const configName = blobName(config);
  const layerNames = parts.layers.map(blobName);
  const manifest = parts.rawManifest ?? JSON.stringify(parts.manifest ?? [{ Config: configName, RepoTags: ["app:latest"], Layers: layerNames }]);
  return tar([
    { name: "blobs/", type: "directory" },
    { name: "blobs/sha256/", type: "directory" },
    { name: configName, data: config },
    ...parts.layers.map((l, i) => ({ name: layerNames[i] as string, data: l })),
    { name: "manifest.json", data: enc.encode(manifest) },
    { name: "index.json", data: enc.encode('{"schemaVersion":2,"manifests":[]}') },
    ...(parts.extra ?? []),
  ]);
}

export function goodConfig(rng: Rng): Record<string, unknown> {
  const entry = rng.pick([[ENTRY], ["app"], ["./app"], [], ["/bin/sh", "-c", "app"]]);
  return {
    architecture: "amd64",
    os: "linux",
    config: {
      ...(entry.length > 0 ? { Entrypoint: entry } : {}),
      ...(rng.chance(0.5) ? { Cmd: ["--serve"] } : {}),
      Env: rng.chance(0.8) ? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"] : [],
      ...(rng.chance(0.5) ? { WorkingDir: rng.pick(["/", "/usr/local/bin", "", "relative"]) } : {}),
    },
    rootfs: { type: "layers", diff_ids: [] },
  };
}

/** A layer's entries: the binary, some files, directories, links and whiteouts. */
export function layerEntries(rng: Rng, binary: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [
    { name: "usr/", type: "directory" },
    { name: "usr/local/bin/", type: "directory" },
    { name: ENTRY.slice(1), data: binary, mode: 0o755 },
    { name: "etc/passwd", data: enc.encode("root:x:0:0::/root:/bin/sh\n") },
  ];
  for (let i = rng.int(6); i > 0; i--) {
    entries.push(
      rng.pick<TarEntry>([
        { name: `data/f${i}.txt`, data: rng.bytes(rng.int(2000)) },
        { name: "bin", type: "symlink", linkname: "usr/bin" },
        { name: "usr/bin/app", type: "symlink", linkname: "/usr/local/bin/app" },
        { name: "usr/local/bin/hard", type: "link", linkname: "usr/local/bin/app" },
        { name: "etc/.wh.passwd" },
        { name: "data/.wh..wh..opq" },
        { name: "dev/null", type: "fifo" },
        { name: "../escape", data: enc.encode("x") },
        { name: "/abs/file", data: enc.encode("x") },
        { name: `${"d/".repeat(60)}deep`, data: enc.encode("x") },
      ]),
    );
  }
  return entries;
}

/** A valid archive: one to three layers, gzip or plain, with the binary in one of them. */
export function goodImage(rng: Rng, binary: Uint8Array): Uint8Array {
  const n = rng.range(1, 3);
  const layers = Array.from({ length: n }, (_, i) => {
    const entries = i === n - 1 ? layerEntries(rng, binary) : [{ name: `layer${i}/readme`, data: enc.encode(`layer ${i}\n`) }];
    const t = tar(entries);
    return rng.chance(0.6) ? gzip(t) : t;
  });
  return saveArchive({ config: goodConfig(rng), layers });
}

/** JSON of the wrong shape where the reader expects arrays, strings and objects. */
export function wrongTypes(rng: Rng, binary: Uint8Array): Uint8Array {
  const layer = gzip(tar(layerEntries(rng, binary)));
  const bad: unknown = rng.pick<unknown>([null, 5, "x", [5], [null], {}, true, [[]], { a: 1 }]);
  const where = rng.int(4);
  if (where === 0) return saveArchive({ config: goodConfig(rng), layers: [layer], manifest: rng.pick<unknown>([null, [], [null], {}, [{ Config: 5, Layers: [] }], [{ Config: "x", Layers: "y" }], [{ Config: "x", Layers: [5] }], "str", [{ Layers: [] }]]) });
  if (where === 1) return saveArchive({ config: rng.pick<unknown>([null, [], 5, { config: null }, { config: 5 }, { config: [] }]), layers: [layer] });
  const field = rng.pick(["Entrypoint", "Cmd", "Env", "WorkingDir"]);
  return saveArchive({ config: { config: { Entrypoint: [ENTRY], Env: ["PATH=/bin"], [field]: bad } }, layers: [layer] });
}

/** Layers whose gzip is cut short, flipped, or not gzip at all behind the magic. */
export function badGzip(rng: Rng, binary: Uint8Array): Uint8Array {
  const good = gzip(tar(layerEntries(rng, binary)));
  const layer = rng.pick([
    () => good.slice(0, rng.int(good.length)),
    () => {
      const b = Uint8Array.from(good);
      for (let i = rng.range(1, 8); i > 0; i--) {
        const at = 10 + rng.int(b.length - 10);
        b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
      }
      return b;
    },
    () => {
      const b = Uint8Array.from(good);
      b.set(rng.bytes(8), b.length - 8);
      return b;
    },
    () => Uint8Array.of(0x1f, 0x8b),
    () => join([Uint8Array.of(0x1f, 0x8b, 8, 0), rng.bytes(rng.int(600))]),
    () => Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3),
    () => join([good, rng.bytes(rng.range(1, 100))]),
    () => join([good, Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0)]),
  ])();
  return saveArchive({ config: goodConfig(rng), layers: [layer] });
}

/** A layer that inflates to 256 MiB–1 GiB from about a megabyte. */
export function bomb(rng: Rng, binary: Uint8Array): Uint8Array {
  const layers = [gzipBomb(rng.range(256, 1024) << 20), gzip(tar(layerEntries(rng, binary)))];
  return saveArchive({ config: goodConfig(rng), layers: rng.chance(0.5) ? layers : layers.reverse() });
}

/** Tens of thousands of files, whiteouts or layers. */
export function manyFiles(rng: Rng, binary: Uint8Array): Uint8Array {
  const n = rng.range(5000, 40000);
  const kind = rng.int(4);
  const files: TarEntry[] = Array.from({ length: n }, (_, i) => ({ name: `d${i % 97}/f${i}`, data: new Uint8Array(0) }));
  if (kind === 0) return saveArchive({ config: goodConfig(rng), layers: [gzip(tar([...layerEntries(rng, binary), ...files]))] });
  if (kind === 1) {
    const whiteouts: TarEntry[] = Array.from({ length: n }, (_, i) => ({ name: `d${i % 97}/.wh.f${i}` }));
    return saveArchive({ config: goodConfig(rng), layers: [tar([...layerEntries(rng, binary), ...files]), tar(whiteouts)] });
  }
  if (kind === 2) {
    const layers = Array.from({ length: Math.min(n, 2000) }, (_, i) => tar([{ name: `l${i}`, data: enc.encode(String(i)) }]));
    return saveArchive({ config: goodConfig(rng), layers: [...layers, tar(layerEntries(rng, binary))] });
  }
  const opaque: TarEntry[] = Array.from({ length: Math.min(n, 5000) }, (_, i) => ({ name: `d${i % 97}/.wh..wh..opq` }));
  return saveArchive({ config: goodConfig(rng), layers: [tar([...layerEntries(rng, binary), ...files]), tar(opaque)] });
}

/** Symlink loops and chains for the entrypoint, odd names, lying tar headers. */
export function pathTricks(rng: Rng, binary: Uint8Array): Uint8Array {
  const entries: TarEntry[] = rng.pick<TarEntry[]>([
    [{ name: "usr/local/bin/app", type: "symlink", linkname: "app" }],
    [
      { name: "usr/local/bin/app", type: "symlink", linkname: "/a" },
      { name: "a", type: "symlink", linkname: "/usr/local/bin/app" },
    ],
    Array.from({ length: 60 }, (_, i) => ({ name: i === 0 ? "usr/local/bin/app" : `l${i}`, type: "symlink" as const, linkname: `/l${i + 1}` })),
    [{ name: "usr", type: "symlink", linkname: "." }, { name: "local/bin/app", data: binary }],
    [{ name: `${"x".repeat(rng.range(200, 70000))}`, data: binary }],
    [{ name: "usr/local/bin/app", type: "link", linkname: "missing" }],
    [{ name: "usr/local/bin/app", data: binary.subarray(0, 100), headerSize: binary.length }],
    [{ name: ".wh.usr" }, { name: "usr/local/bin/app", data: binary }],
    [{ name: "usr/local/bin/app/", type: "directory" }, { name: "usr/local/bin/app/x", data: binary }],
  ]);
  const raw = join(tarParts(entries, rng.chance(0.8)));
  return saveArchive({ config: goodConfig(rng), layers: [rng.chance(0.5) ? gzip(raw) : raw] });
}
