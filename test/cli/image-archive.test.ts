/** Damaged and hostile `docker save` archives: one ImageArchiveError naming archive, member and problem, within bounded time and memory. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { ImageArchiveError, ImageError, entrypointBinary, readSavedImage } from "../../src/cli/image-files.js";
import { summariseImage } from "../../src/report/image-summary.js";
import { failedWith, succeeded, withinBounds } from "../support/bounded.js";
import { gzipBomb, manyFiles, saved, savedJson, tar } from "./saved-archive.js";

const LAYER = "the saved image: layer blobs/sha256/layer0: ";

async function rejectsWith(archive: Buffer | Promise<Buffer>, message: RegExp, what: string, opts: Parameters<typeof readSavedImage>[1] = {}): Promise<void> {
  const bytes = await archive;
  failedWith(await withinBounds(what, () => readSavedImage(bytes, opts)), ImageArchiveError, message, what);
}

test("a gzip layer cut anywhere or with any byte damaged: an ImageArchiveError naming the layer, never a zlib error", async () => {
  const layer = gzipSync(await tar([{ name: "bin/app", body: "a binary".repeat(100) }, { name: "etc/passwd", body: "root:x:0:0::/:/bin/sh\n" }]));
  const problems = new Set<string>();
  const check = async (bytes: Buffer, what: string): Promise<void> => {
    try {
      await readSavedImage(await saved([bytes], { Entrypoint: ["/bin/app"] }));
    } catch (e) {
      assert.ok(e instanceof ImageArchiveError, `${what}: ${String(e)}`);
      assert.ok(e.message.startsWith(LAYER), `${what}: ${e.message}`);
      assert.equal(e.member, "layer blobs/sha256/layer0");
      assert.ok(!e.message.includes("\n"), what);
      problems.add(e.problem.replace(/\(.*\)/, "(…)"));
    }
  };
  for (let cut = 1; cut < layer.length; cut++) await check(layer.subarray(0, cut), `cut at ${cut}`);
  for (let at = 0; at < layer.length; at++) {
    for (const bit of [0x01, 0x10, 0x80]) {
      const bad = Buffer.from(layer);
      bad[at] = (bad[at] as number) ^ bit;
      await check(bad, `byte ${at} ^ ${bit}`);
    }
  }
  assert.ok(problems.has("the gzip data is cut short"), [...problems].join("; "));
  assert.ok(problems.has("the gzip data is corrupt (…)"), [...problems].join("; "));
  for (const p of problems) assert.match(p, /^(the gzip data is cut short|the gzip data is corrupt \(…\)|not a readable tar \(…\))$/);
});

test("an archive cut short names the archive", async () => {
  const whole = await saved([await tar([{ name: "a", body: "a" }])], {});
  await rejectsWith(whole.subarray(0, 700), /^the saved image: the archive: not a readable tar \(Unexpected end of data\): is it `docker save` output\?$/, "cut archive");
});

test("manifest.json of the wrong shape: what is wrong with it, not a TypeError", async () => {
  const layers = [await tar([])];
  const cases: Array<[string, RegExp]> = [
    ["null", /manifest\.json: is null, expected a list of images$/],
    ["{}", /manifest\.json: is an object, expected a list of images$/],
    ["[]", /manifest\.json: is an empty list, expected a list of images$/],
    ["[null]", /manifest\.json: image 0 is null, expected an object$/],
    ['["x"]', /manifest\.json: image 0 is a string, expected an object$/],
    ['[{"Config":5,"Layers":[]}]', /manifest\.json: image 0 has Config a number, expected the path of its config$/],
    ['[{"Config":"blobs/sha256/config","Layers":"l"}]', /manifest\.json: image 0's Layers is a string, expected a list of strings$/],
    ['[{"Config":"blobs/sha256/config","Layers":[null]}]', /manifest\.json: image 0's Layers\[0\] is null, expected a string$/],
    ['[{"Config":"blobs/sha256/config","Layers":["nowhere"]}]', /^the saved image: layer nowhere: missing from the archive$/],
    ["[1,", /manifest\.json: not JSON \(.+\)$/],
  ];
  for (const [manifest, message] of cases) await rejectsWith(savedJson(layers, "{}", manifest), message, manifest);
});

test("a config of the wrong shape: the field and what it should be, not a TypeError", async () => {
  const layers = [await tar([])];
  const member = /^the saved image: config blobs\/sha256\/config: /;
  const cases: Array<[string, string]> = [
    ["null", "is null, expected an object"],
    ["[]", "is a list, expected an object"],
    ['{"config":"x"}', "config is a string, expected an object"],
    ['{"config":{"Env":"PATH=/bin"}}', "config.Env is a string, expected a list of strings"],
    ['{"config":{"Env":[5]}}', "config.Env[0] is a number, expected a string"],
    ['{"config":{"Entrypoint":"/app"}}', "config.Entrypoint is a string, expected a list of strings"],
    ['{"config":{"Cmd":{"0":"x"}}}', "config.Cmd is an object, expected a list of strings"],
    ['{"config":{"Cmd":["x",true]}}', "config.Cmd[1] is a boolean, expected a string"],
    ['{"config":{"WorkingDir":5}}', "config.WorkingDir is a number, expected a string"],
    ['{"config":{"WorkingDir":[]}}', "config.WorkingDir is a list, expected a string"],
  ];
  for (const [config, problem] of cases) await rejectsWith(savedJson(layers, config), new RegExp(`${member.source}${problem.replace(/[[\]().]/g, "\\$&")}$`), config);
  // null and absent fields are what images without them have.
  const bare = await readSavedImage(await savedJson(layers, '{"config":{"Entrypoint":null,"Cmd":null,"Env":null,"WorkingDir":null}}'));
  assert.deepEqual([bare.entrypoint, bare.cmd, bare.env, bare.workingDir], [[], [], [], "/"]);
  const none = await readSavedImage(await savedJson(layers, '{"architecture":"amd64"}'));
  assert.deepEqual([none.entrypoint, none.workingDir], [[], "/"]);
});

test("a 1 GiB gzip bomb in a 1 MB archive stops at the ratio limit, streaming", async () => {
  const bomb = gzipBomb(1 << 30);
  const archive = await saved([bomb], { Entrypoint: ["/zeros"] });
  assert.ok(archive.length < 1.2e6, `${archive.length} bytes`);
  // Seen from the ratio of what it inflated to against what it was fed, after a few pieces: not 1 GiB, nor 32 MiB + 50 × 1 MB.
  const stopped = new RegExp(`^${LAYER}inflates to more than (\\d+) bytes from its first (\\d+) bytes in the archive: 50 times plus 33554432 is the limit \\(a decompression bomb\\?\\)$`);
  await rejectsWith(archive, stopped, "bomb");
  try {
    await readSavedImage(archive);
  } catch (err) {
    const [, inflated = "0", fed = "0"] = stopped.exec((err as Error).message) ?? [];
    assert.ok(Number(fed) <= 256 * 1024, `fed ${fed} bytes before stopping`);
    assert.ok(Number(inflated) < 48 * 2 ** 20, `inflated ${inflated} bytes before stopping`);
  }
});

test("one layer listed many times counts its blob once, and the layers a manifest lists are capped", async () => {
  // A plain 1 MB layer listed 1000 times: counted per listing, 1 GB of tar would pass the ratio limit.
  const layer = await tar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: Buffer.alloc(20_000) })));
  const names = Array<string>(1000).fill("blobs/sha256/layer0");
  const repeated = await savedJson([layer], "{}", JSON.stringify([{ Config: "blobs/sha256/config", Layers: names }]));
  const limit = 32 * 2 ** 20 + 50 * layer.length;
  await rejectsWith(repeated, new RegExp(`layer0: the layers inflate to more than ${limit} bytes: 50 times their ${layer.length} bytes in the archive plus 33554432 is the limit`), "one layer 1000 times");
  const many = JSON.stringify([{ Config: "blobs/sha256/config", Layers: Array<string>(1001).fill("blobs/sha256/layer0") }]);
  await rejectsWith(savedJson([layer], "{}", many), /^the saved image: manifest\.json: lists 1001 layers, more than 1000, the limit$/, "1001 layers");
});

test("the limits on bytes per layer, bytes in all, entries, members and a file read whole are each named", async () => {
  const files = (n: number, prefix: string) => manyFiles(Array.from({ length: n }, (_, i) => `${prefix}${i}`));
  const twoLayers = await saved([gzipSync(files(50, "a")), gzipSync(files(50, "b"))], { Entrypoint: ["/a0"] });
  await rejectsWith(twoLayers, /layer0: inflates to more than 20000 bytes, the limit for one layer$/, "layerBytes", { limits: { layerBytes: 20_000 } });
  await rejectsWith(twoLayers, /layer1: the layers inflate to more than 70000 bytes in all, the limit$/, "totalBytes", { limits: { totalBytes: 70_000 } });
  await rejectsWith(twoLayers, /layer1: the layers hold more than 60 entries in all, the limit$/, "entries", { limits: { entries: 60 } });
  await rejectsWith(twoLayers, /^the saved image: the archive: more than 3 members, the limit$/, "members", { limits: { members: 3 } });
  const image = await readSavedImage(twoLayers, { limits: { fileBytes: 0 } });
  await assert.rejects(image.read(entrypointBinary(image)), /^ImageArchiveError: the saved image: layer blobs\/sha256\/layer0: \/a0 is 1 bytes, more than the 0 slimgo size reads$/);
});

test("a layer of 40,000 files reads in linear time, and later layers delete and replace in bulk", async () => {
  const names = Array.from({ length: 40_000 }, (_, i) => `srv/d${i % 200}/f${i}`);
  const lower = gzipSync(manyFiles(names));
  // Every directory replaced by a file, then made opaque and written again: each would walk all files before.
  const upper = manyFiles([...Array.from({ length: 200 }, (_, d) => `srv/d${d}`), ...Array.from({ length: 20_000 }, () => "srv/.wh..wh..opq")]);
  const single = await saved([lower], { Entrypoint: ["/srv/d0/f0"] });
  const archive = await saved([lower, upper], { Entrypoint: ["/srv/d0/f0"] });
  const one = succeeded(await withinBounds("40k files", () => readSavedImage(single)), "40k files");
  assert.equal(one.files.size, 40_000);
  const image = succeeded(await withinBounds("40k files, then 200 replacements and 20k opaque markers", () => readSavedImage(archive)), "replaced");
  assert.equal(image.files.size, 200);
  assert.equal(image.files.get("/srv/d7")?.type, "file");
  assert.equal(summariseImage(image, { path: "/srv/d0" }).files, 200);
});

test("whiteouts and opaque markers keep what their own layer wrote, as before", async () => {
  const lower = await tar([
    { name: "d/", type: "directory" },
    { name: "d/old", body: "o" },
    { name: "d/sub/old", body: "o" },
    { name: "e/x/old", body: "o" },
    { name: "f/old", body: "o" },
  ]);
  const upper = await tar([
    { name: "d/sub/new", body: "n" },
    { name: "d/.wh..wh..opq" },
    { name: "d/later", body: "n" },
    { name: "e/x/new", body: "n" },
    { name: "e", body: "now a file" },
    { name: "f/new", body: "n" },
    { name: "f/.wh..wh..opq" },
    { name: "d/.wh.sub" },
  ]);
  const image = await readSavedImage(await saved([lower, upper], {}));
  assert.deepEqual([...image.files.keys()].sort(), ["/d", "/d/later", "/e", "/e/x/new", "/f/new"]);
  assert.equal(image.files.get("/e")?.bytes, 10);
});

test("a config naming an entrypoint of 100,000 path elements or a PATH of 300,000 directories: bounded, with the limit named", async () => {
  const image = await readSavedImage(await saved([await tar([{ name: "bin/app", body: "x" }])], {}));
  const runs = (entrypoint: string[], env: string[] = []) => () => entrypointBinary({ ...image, entrypoint, env });
  const deep = await withinBounds("deep entrypoint", runs([`/${"a/".repeat(100_000)}app`]));
  failedWith(deep, ImageError, /^the image runs a path of 200004 bytes, more than PATH_MAX \(4096\), the limit$/, "deep entrypoint");
  const near = await withinBounds("entrypoint of 2,000 elements", runs([`/${"a/".repeat(2000)}app`]));
  failedWith(near, ImageError, /^the image runs "\/a\/a\/.+\/app" but no such file is in it \(looked at \/a\/a\/.+\/app\)$/, "2,000 elements");
  const path = await withinBounds("long PATH", runs(["app"], [`PATH=${"/x:".repeat(300_000)}/bin`]));
  failedWith(path, ImageError, /^the image's PATH lists 300001 directories, more than 1024, the limit$/, "long PATH");
  const some = await withinBounds("PATH of 1,000 directories", runs(["nothere"], [`PATH=${Array.from({ length: 1000 }, (_, i) => `/d${i}`).join(":")}`]));
  failedWith(some, ImageError, /^the image runs "nothere" but no such file is in it \(looked at \/d0\/nothere, \/d1\/nothere, \/d2\/nothere, \/d3\/nothere, \/d4\/nothere and 995 more\)$/, "1,000 directories");
  assert.equal(succeeded(await withinBounds("PATH found", runs(["app"], ["PATH=/nope:/bin"])), "found").path, "/bin/app");
});
