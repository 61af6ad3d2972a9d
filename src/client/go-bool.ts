/** Go's strconv.ParseBool, which buildx uses for its boolean flag values and environment variables. */
export function goBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}
