/** The OCI image config BuildKit's exporter writes for each platform. */
import type { HealthcheckJson, ImageConfigJson } from "../types.js";
import type { Healthcheck } from "../spec/types.js";
import type { Plan, Platform } from "../plan/types.js";
import { mergeEnv, parseEnvList } from "./env.js";
import { BIN_DIR } from "./paths.js";

export interface ImageConfigInputs {
  readonly plan: Plan;
  readonly platform: Platform;
  /** Config of the base image for `base: <image>`; undefined for static/scratch. */
  readonly baseConfig?: ImageConfigJson | undefined;
  /** `--label` options, applied after the spec's labels. */
  readonly extraLabels?: ReadonlyArray<readonly [string, string]>;
}

/** Path of the binary inside the image. */
export function binaryPath(bin: { readonly binaryName: string }): string {
  return `${BIN_DIR}/${bin.binaryName}`;
}

export function imageConfig({ plan, platform, baseConfig, extraLabels = [] }: ImageConfigInputs): ImageConfigJson {
  const base = baseConfig?.config ?? {};
  const env = mergeEnv(parseEnvList(base.Env), plan.image.env);
  const labels = Object.fromEntries(
    mergeEnv(Object.entries(base.Labels ?? {}), plan.image.labels, extraLabels).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const ports = Object.fromEntries([...Object.keys(base.ExposedPorts ?? {}), ...plan.image.exposedPorts].sort().map((p) => [p, {}]));
  const config: NonNullable<ImageConfigJson["config"]> = {
    User: plan.image.user,
    Entrypoint: [binaryPath(plan)],
    WorkingDir: plan.image.workdir,
  };
  if (env.length > 0) config.Env = env.map(([k, v]) => `${k}=${v}`);
  if (plan.image.cmd.length > 0) config.Cmd = [...plan.image.cmd];
  if (Object.keys(ports).length > 0) config.ExposedPorts = ports;
  if (Object.keys(labels).length > 0) config.Labels = labels;
  // Like FROM, the base image's health check and stop signal stay unless the spec sets its own.
  const healthcheck = plan.image.healthcheck ? healthcheckJson(plan.image.healthcheck) : base.Healthcheck;
  if (healthcheck !== undefined) config.Healthcheck = healthcheck;
  const stopSignal = plan.image.stopSignal ?? base.StopSignal;
  if (stopSignal !== undefined) config.StopSignal = stopSignal;
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    config,
    rootfs: { type: "layers", diff_ids: [] },
  };
}

/** As Docker writes HEALTHCHECK CMD: unset durations left out, so Docker's defaults apply. */
function healthcheckJson(h: Healthcheck): HealthcheckJson {
  return {
    Test: ["CMD", ...h.test],
    ...(h.interval !== undefined ? { Interval: h.interval } : {}),
    ...(h.timeout !== undefined ? { Timeout: h.timeout } : {}),
    ...(h.startPeriod !== undefined ? { StartPeriod: h.startPeriod } : {}),
    ...(h.startInterval !== undefined ? { StartInterval: h.startInterval } : {}),
    ...(h.retries !== undefined ? { Retries: h.retries } : {}),
  };
}
