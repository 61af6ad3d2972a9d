/** Go's strconv.Unquote for double-quoted strings, as go.mod and build info both need it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { unquoteGo } from "../../src/gostring/unquote.js";

const text = (raw: string) => {
  const u = unquoteGo(raw);
  assert.ok(u.ok, `${raw}: ${u.ok ? "" : u.message}`);
  return Buffer.from(u.bytes).toString("latin1");
};

test("escapes: simple ones, \\x and octal as bytes, \\u and \\U as UTF-8", () => {
  assert.equal(text('"a\\tb\\n\\\\\\""'), 'a\tb\n\\"');
  assert.equal(text('"\\xff\\377"'), "\xff\xff");
  assert.equal(Buffer.from((unquoteGo('"\\u00e9\\U0001F600"') as { bytes: Uint8Array }).bytes).toString("utf8"), "é😀");
  assert.equal(Buffer.from((unquoteGo('"é plain"') as { bytes: Uint8Array }).bytes).toString("utf8"), "é plain");
});

test("what Go refuses is refused, with the escape's offset", () => {
  for (const [raw, offset, message] of [
    ['"a\\q"', 2, /invalid escape "\\q"/],
    ['"\\\'"', 1, /invalid escape "\\'"/],
    ['"\\x4"', 1, /\\x takes 2 hex digits/],
    ['"\\U00110000"', 1, /not a Unicode character/],
    ['"\\ud800"', 1, /not a Unicode character/],
    ['"\\400"', 1, /above \\377/],
    ['"\\12"', 1, /octal escapes have three digits/],
    ['"a"b"', 2, /unescaped quote/],
    ["'a'", 0, /not a double-quoted string/],
  ] as const) {
    const u = unquoteGo(raw);
    assert.equal(u.ok, false, raw);
    if (!u.ok) {
      assert.equal(u.offset, offset, raw);
      assert.match(u.message, message, raw);
    }
  }
});
