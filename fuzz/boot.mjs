// Worker entry: TypeScript hooks are not inherited by workers on Node 20, so register them here.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
