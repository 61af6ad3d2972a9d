/** A fuzz target whose families each end one way, for the campaign test: fine, located error, crash, hang, stall, heap exhaustion. */
import { InvariantViolation } from "../../fuzz/oracle.js";
import type { LoadTarget } from "../../fuzz/target.js";
import { GoModError } from "../../src/gomod/index.js";
import { judgeWith } from "../../fuzz/located.js";

const enc = new TextEncoder();

export const load: LoadTarget = () => ({
  name: "toy",
  ext: "txt",
  shrinkable: true,
  families: ["fine", "located", "crash", "invariant", "hang", "stall", "oom"].map((name) => ({ name, weight: name === "fine" || name === "located" ? 4 : 1, make: () => enc.encode(`${name}\npadding line\n`) })),
  judge: judgeWith(["GoModError"], () => new Map([["go.mod", "module x\n"]])),
  run: (input) => {
    const what = new TextDecoder().decode(input).split("\n")[0];
    if (what === "located") throw new GoModError("go.mod", 1, 1, "a located error");
    if (what === "crash") (null as unknown as { x: number }).x;
    if (what === "invariant") throw new InvariantViolation("a property does not hold");
    if (what === "hang") for (;;);
    if (what === "stall") return new Promise<void>(() => {});
    if (what === "oom") {
      const keep: number[][] = [];
      for (let i = 0; ; i++) keep.push(new Array<number>(1 << 20).fill(i));
    }
    return undefined;
  },
});
