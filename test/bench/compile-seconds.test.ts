import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSeconds } from "../../bench/runners.js";

const log = `#9 [build 3/4] RUN --mount=type=cache,target=/go/pkg/mod go mod download
#9 DONE 6.8s

#10 [build 4/4] RUN CGO_ENABLED=0 go build -o /out/app ./cmd/server
#10 0.512 go build: compiling
#10 DONE 35.2s

#11 go build ./cmd/server
#11 DONE 1.4s

#12 [linux/arm64] go build ./cmd/server
#12 CACHED
`;

test("sums the DONE times of every step named go build, skipping cached ones", () => {
  assert.equal(compileSeconds(log), 36.6);
});

test("a log without a go build step gives 0", () => {
  assert.equal(compileSeconds("#1 [internal] load build definition\n#1 DONE 0.0s\n"), 0);
});
