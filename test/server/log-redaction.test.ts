/** Credentials passed as build args never reach the frontend's log, which ends up in the daemon's log. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planForLog, redactEnvValue, redactUrlCredentials } from "../../src/server/redact.js";
import { FakeStatus } from "../support/fake-gateway.js";
import { runInProcess } from "./in-process.js";
import { cpuNow } from "../support/bounded.js";

test("userinfo in URLs is masked wherever it stands, up to the last @ of the authority", () => {
  const cases: Array<[string, string]> = [
    ["https://user:pass@proxy.example/go", "https://***@proxy.example/go"],
    ["GOPROXY=https://tok@a.example,https://u:p@b.example|direct", "GOPROXY=https://***@a.example,https://***@b.example|direct"],
    ["http://u:p@ss@proxy:3128", "http://***@proxy:3128"],
    ['{"v":"socks5://a:b@h:1080","w":"https://h/x@y"}', '{"v":"socks5://***@h:1080","w":"https://h/x@y"}'],
    ['{"v":"https://a:p\\"w@h/"}', '{"v":"https://***@h/"}'],
    ["no url here, a@b.c and ://", "no url here, a@b.c and ://"],
    ["https://proxy.example/path?u=a@b", "https://proxy.example/path?u=a@b"],
  ];
  for (const [input, want] of cases) assert.equal(redactUrlCredentials(input), want, input);
});

test("proxy variables are masked without a scheme too, as Go reads them", () => {
  assert.equal(redactEnvValue("HTTPS_PROXY", "u:p@proxy.example:3128"), "***@proxy.example:3128");
  assert.equal(redactEnvValue("https_proxy", "http://u:p@proxy.example:3128"), "http://***@proxy.example:3128");
  assert.equal(redactEnvValue("GOPROXY", "tok@proxy.example/go,direct"), "***@proxy.example/go,direct");
  assert.equal(redactEnvValue("NO_PROXY", "internal.example,.corp"), "internal.example,.corp");
  assert.equal(redactEnvValue("GOFLAGS", "-ldflags=-X=main.mail=a@b"), "-ldflags=-X=main.mail=a@b");
});

test("masking stays linear on long hostile lines", () => {
  const line = `${"a".repeat(2_000_000)}${"://x".repeat(200_000)}${"@".repeat(100_000)}`;
  const started = cpuNow();
  redactUrlCredentials(line);
  assert.ok(cpuNow() - started < 2000);
});

test("a frontend run with credentials in build args and buildEnv logs none of them, at any level", async () => {
  const { log } = await runInProcess({
    spec: "main: .\nldflags: -X main.repo=https://ci:ghp_secret@git.example/app\nbuildEnv:\n  HTTP_PROXY: u:p@proxy.example:3128\nenv:\n  DB_URL: postgres://app:dbpass@db:5432/app\n",
    goMod: "module example.com/app\n\ngo 1.24\n",
    opts: {
      "build-arg:GOPROXY": "https://user:pass@proxy.example/go,direct",
      "build-arg:HTTPS_PROXY": "http://u:p@proxy.example:3128",
      "build-arg:https_proxy": "u:p@proxy.example:3128",
    },
    handlers: {
      // BuildKit's own errors can quote the proxy URL: the log must not.
      resolveImageConfig: () => {
        throw new FakeStatus(2, "failed to resolve: proxyconnect tcp: https://user:pass@proxy.example/go: 407");
      },
    },
  });
  assert.match(log, /"msg":"plan"/, "the plan was logged");
  assert.match(log, /"msg":"build failed"/, "the error was logged");
  for (const secret of ["user:pass", "u:p@", "ghp_secret", "dbpass"]) assert.ok(!log.includes(secret), `the log holds ${secret}:\n${log}`);
  assert.match(log, /https:\/\/\*\*\*@proxy\.example\/go/);
});

test("the plan as logged keeps everything but the credentials", () => {
  const plan = { goEnv: [["GOPROXY", "https://u:p@h/go"], ["GOFLAGS", "-mod=mod"]], image: { env: [["URL", "https://a:b@h/"]] } };
  const logged = planForLog(plan as unknown as Parameters<typeof planForLog>[0]);
  assert.deepEqual(logged.goEnv, [["GOPROXY", "https://***@h/go"], ["GOFLAGS", "-mod=mod"]]);
  assert.deepEqual(logged.image.env, [["URL", "https://***@h/"]]);
});
