/** Secrets by id from files or the environment; missing ones answer NotFound, as BuildKit expects. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { MAX_SECRET_BYTES, readSecret } from "../../src/session/secrets.js";
import { StatusError } from "../../src/session/grpc-service.js";

const dir = mkdtempSync(join(tmpdir(), "slimgo-secrets-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a secret comes from its file or its variable", async () => {
  writeFileSync(join(dir, "tok"), "from-file");
  const secrets = new Map([["a", { file: join(dir, "tok") }], ["b", { env: "MY_VAR" }], ["C_VAR", {}]]);
  const env = { MY_VAR: "from-env", C_VAR: "same-name" };
  assert.equal(Buffer.from(await readSecret("a", secrets, env)).toString(), "from-file");
  assert.equal(Buffer.from(await readSecret("b", secrets, env)).toString(), "from-env");
  assert.equal(Buffer.from(await readSecret("C_VAR", secrets, env)).toString(), "same-name");
});

test("an unknown id, a missing file or an unset variable is NotFound, naming the fix", async () => {
  const secrets = new Map([["gone", { file: join(dir, "nope") }], ["unset", { env: "NOT_SET_ANYWHERE" }]]);
  const notFound = (re: RegExp) => (err: unknown) => err instanceof StatusError && err.code === status.NOT_FOUND && re.test(err.message);
  await assert.rejects(readSecret("other", secrets, {}), notFound(/secret other not found: pass --secret id=other,src=FILE/));
  await assert.rejects(readSecret("gone", secrets, {}), notFound(/cannot read .*nope: ENOENT/));
  await assert.rejects(readSecret("unset", secrets, {}), notFound(/NOT_SET_ANYWHERE is not set/));
});

test("a secret larger than BuildKit accepts is refused", async () => {
  writeFileSync(join(dir, "big"), Buffer.alloc(MAX_SECRET_BYTES + 1));
  await assert.rejects(readSecret("big", new Map([["big", { file: join(dir, "big") }]]), {}), /more than the/);
});
