/** Runs the slimgo command in-process and collects what it prints. */
import { run } from "../../src/cli/main.js";

export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, (s) => void (stdout += s), (s) => void (stderr += s));
  return { code, stdout, stderr };
}
