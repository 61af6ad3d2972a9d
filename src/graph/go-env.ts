/** Target platform → the Go toolchain's cross-compilation variables. */
import type { Platform } from "../plan/types.js";

/** GOOS/GOARCH plus GOARM/GOAMD64 where the platform variant sets them; sorted by name. */
export function goPlatformEnv(p: Platform): Array<[string, string]> {
  const env: Array<[string, string]> = [];
  if (p.architecture === "amd64" && p.variant !== undefined) env.push(["GOAMD64", p.variant]); // v1..v4
  if (p.architecture === "arm") env.push(["GOARM", (p.variant ?? "v7").replace(/^v/, "")]);
  env.push(["GOARCH", p.architecture], ["GOOS", p.os]);
  return env.sort(([a], [b]) => (a < b ? -1 : 1));
}

/** "linux/arm/v7" */
export function platformId(p: Platform): string {
  return p.variant === undefined ? `${p.os}/${p.architecture}` : `${p.os}/${p.architecture}/${p.variant}`;
}
