import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { TaskPool } from "../../src/async/task-pool.js";

test("never runs more than the limit at once, and runs tasks that tasks add", async () => {
  const pool = new TaskPool(3);
  let running = 0;
  let peak = 0;
  const ran: number[] = [];
  const task = (n: number) => async () => {
    running++;
    peak = Math.max(peak, running);
    await sleep(2);
    ran.push(n);
    if (n < 10) pool.add(task(n + 10));
    running--;
  };
  for (let n = 0; n < 8; n++) pool.add(task(n));
  await pool.done();
  assert.equal(peak, 3);
  assert.deepEqual([...ran].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]);
});

test("the first error settles done() after the running tasks end, and nothing new starts", async () => {
  const pool = new TaskPool(2);
  const ended: string[] = [];
  pool.add(async () => {
    await sleep(1);
    throw new Error("first");
  });
  pool.add(async () => {
    await sleep(20);
    ended.push("slow");
  });
  pool.add(async () => void ended.push("queued"));
  await assert.rejects(pool.done(), /first/);
  assert.deepEqual(ended, ["slow"]);
});

test("an empty pool is done at once; a bad limit is refused", async () => {
  await new TaskPool(1).done();
  assert.throws(() => new TaskPool(0), /want a whole number/);
});
