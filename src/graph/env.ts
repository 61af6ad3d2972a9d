/** Environment lists where a later entry replaces an earlier one with the same name. */
export function mergeEnv(...lists: ReadonlyArray<ReadonlyArray<readonly [string, string]>>): Array<[string, string]> {
  const merged = new Map<string, string>();
  for (const list of lists) for (const [k, v] of list) merged.set(k, v);
  return [...merged];
}

/** "K=V" strings (image config Env) → pairs. */
export function parseEnvList(list: readonly string[] | undefined): Array<[string, string]> {
  return (list ?? []).map((kv): [string, string] => {
    const eq = kv.indexOf("=");
    return eq < 0 ? [kv, ""] : [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}
