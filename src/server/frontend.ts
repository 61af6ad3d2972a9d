/**
 * One frontend run: read the spec and go.mod through BuildKit, plan, build
 * the LLB graph, solve it lazily and return the image(s) with their configs.
 */
import type { Logger } from "pino";
import { SourceFile, marshal, normalizeImageRef } from "../llb/index.js";
import type { Gateway, ImageConfigJson, ResolvedImage, ResultInit } from "../gateway/llb-bridge.js";
import { type LaunchEnv, LaunchError, OPT, buildArgs, cacheImports, localNamedContexts, namedContexts, networkMode, optionLabels, sbomRequest } from "../gateway/options.js";
import { platformId } from "../graph/go-env.js";
import { type RecipeInputs, goRecipe } from "../graph/go-recipe.js";
import { CACHE_NAMESPACE_OPTION, parseNoCache } from "../plan/index.js";
import type { Plan, Platform } from "../plan/types.js";
import { RpcError } from "../gateway/rpc.js";
import type { ParsedSpec } from "../spec/index.js";
import { UserError, toStatus } from "./errors.js";
import { planForLog } from "./redact.js";
import { checkCaps } from "./required-caps.js";
import { gatewaySource } from "./gateway-source.js";
import { type LoadOptions, type MutableSources, loadProject } from "./load-project.js";
import { SIZE_REQUEST, answerSubrequest } from "./subrequests.js";
import { checkSizePolicy } from "./size-policy.js";
import { sizeResult } from "./size-request.js";
import { dynamicRuntime } from "./dynamic-runtime.js";
import { showVerdict, verifyBinary } from "./verify.js";
import { withImageContexts } from "./image-contexts.js";
import { type AttestationsInit, sbomAttestations } from "./sbom-attestation.js";
import { planWarnings, reportWarnings, sendWarnings, upxWarnings, warningRanges } from "./warnings.js";
import type { ResolveMode } from "../types.js";

const DEFAULT_SPEC = "slimgo.yaml";

/** Build, then Return exactly once: the result, or an error BuildKit prints. */
export async function runFrontend(gw: Gateway, env: LaunchEnv, log: Logger): Promise<void> {
  const sources: MutableSources = {};
  let result: ResultInit;
  try {
    result = await build(gw, env, log, sources);
  } catch (err) {
    log.debug({ err }, "build failed");
    await gw.returnError(toStatus(err, sources));
    return;
  }
  await gw.returnResult(result);
}


async function build(gw: Gateway, env: LaunchEnv, log: Logger, sources: MutableSources): Promise<ResultInit> {
  const t = phaseTimer();
  const { caps, platforms: workerPlatforms } = await gw.ping();
  t.mark("ping");
  checkCaps(caps, env.product);
  if (caps.frontend.has("importcaches")) gw.importCaches(cacheImports(env.opts));
  const requestId = env.opts.get(OPT.requestId);
  const load = () => loadProject(gatewaySource(gw, caps, env.sessionId), launchOptions(env, workerPlatforms), sources);
  // --call size needs the build; the other subrequests answer from the spec alone.
  const sizeRequest = requestId === SIZE_REQUEST;
  if (requestId !== undefined && requestId !== "" && !sizeRequest) return answerSubrequest(requestId, load, sources);

  const loaded = await load();
  const { filename, specInput, parsed } = loaded;
  const { plan, ociStores } = withImageContexts(loaded.plan, namedContexts(env.opts), parsed, env.sessionId);
  t.mark("read+plan");
  log.info({ plan: planForLog(plan) }, "plan");

  const resolveMode = imageResolveMode(env.opts.get(OPT.imageResolveMode));
  const resolve = async (ref: string, platform: Platform) => {
    const normalized = normalizeImageRef(ref);
    const logName = `[internal] load metadata for ${normalized}`;
    try {
      return await gw.resolveImageConfig(normalized, { platform, resolveMode, logName, sessionId: env.sessionId, ociStore: ociStores.get(ref) });
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      throw imageUnavailable(ref, err, plan, parsed);
    }
  };
  // The headers are read while the images resolve; a failed resolve leaves the read to end unobserved.
  const headersRead = loaded.readGoHeaders();
  headersRead.catch(() => {});
  const [builder, bases] = await Promise.all([resolve(plan.builderImage, plan.buildPlatform), resolveBases(plan, resolve)]);
  t.mark("resolve");
  const goHeaders = await headersRead;
  t.mark("go headers");
  const recipeInputs: RecipeInputs = {
    sessionId: env.sessionId,
    contextExcludes: loaded.contextExcludes,
    goHeaders,
    builderConfig: builder.config,
    baseConfigs: new Map([...bases].map(([id, b]) => [id, b.config])),
    // The graph names the digests just resolved: the image is the one whose config this build read.
    builderDigest: builder.digest,
    baseDigests: new Map([...bases].map(([id, b]) => [id, b.digest])),
    resolveMode,
    ociStores,
    extraLabels: optionLabels(env.opts),
    specFile: new SourceFile(filename, specInput.data, "YAML"),
  };
  let images = goRecipe(plan, recipeInputs);

  // The build runs now, before Return: a wrong binary must never become an image.
  const cgoRange = parsed.ranges.fields.cgo ?? parsed.ranges.firstLine;
  const attribute = sizeRequest || plan.size !== undefined;
  const verified = await Promise.all(
    images.flatMap((img) => img.binaries.map((b) => verifyBinary(gw, b, img.platform, { plan, caps, cgoRange, attribute }))),
  );
  t.mark("build+verify");
  if (attribute) t.set("size report", Math.max(...verified.map((v) => v.attributionMs ?? 0)));
  const sizeWarnings = checkSizePolicy(plan, verified, parsed.ranges.fields.size ?? parsed.ranges.firstLine);
  if (plan.link === "dynamic") {
    // Only the entrypoint may be dynamic: included binaries are static (see makePlan).
    const entrypoints = verified.filter((v) => v.bin.binaryName === plan.binaryName);
    images = goRecipe(plan, { ...recipeInputs, runtimeFiles: await dynamicRuntime(gw, caps, plan, entrypoints, resolveMode, recipeInputs) });
    t.mark("runtime libs");
  }
  const solved = await Promise.all(
    images.map(async (img) => ({ ...img, ref: await gw.solve(marshal(img.state, { caps: caps.llb, platform: plan.buildPlatform })) })),
  );
  if (sizeRequest) return sizeResult(gw, plan, solved, verified);
  const ranges = warningRanges(parsed);
  const warnings = [...planWarnings(plan, ranges), ...verified.flatMap((v) => reportWarnings(plan, v.bin, v.report, ranges)), ...sizeWarnings];
  warnings.push(...(await upxWarnings(gw, caps, plan, verified, parsed.ranges.fields.compress ?? parsed.ranges.firstLine)));
  const unique = warnings.filter((w, i) => warnings.findIndex((x) => x.message === w.message) === i);
  if (!(await sendWarnings(gw, caps, specInput.vertex, { filename, data: specInput.data }, unique))) {
    for (const w of unique) log.warn({ rule: w.rule }, w.message);
  }
  await showVerdict(gw, caps, verified);
  t.mark("verdict");
  log.info({ phases: t.phases }, "phases (ms)");
  const attestations =
    sbomRequest(env.opts) === "slimgo"
      ? await sbomAttestations(gw, caps, plan, solved.map((img) => img.platform), verified, new Date((plan.sourceDateEpoch ?? 0) * 1000))
      : undefined;
  const result = toResult(solved, {
    forceMulti: env.opts.has(OPT.multiPlatform) || buildArgs(env.opts)["BUILDKIT_MULTI_PLATFORM"] === "1",
    annotations: plan.image.annotations,
    ...(attestations ? { attestations } : {}),
  });
  return withEpoch(result, plan.sourceDateEpoch);
}

/** The plan's options from BuildKit's frontend options; the build platform is the worker's. */
function launchOptions(env: LaunchEnv, workerPlatforms: readonly Platform[]): LoadOptions {
  return {
    filename: env.opts.get(OPT.filename) || DEFAULT_SPEC,
    target: env.opts.get(OPT.target) || undefined,
    platforms: env.opts.get(OPT.platform) ?? "",
    buildPlatform: workerPlatforms[0] ?? env.workers[0]?.platforms[0] ?? { os: "linux", architecture: "amd64" },
    buildArgs: buildArgs(env.opts),
    network: networkMode(env.opts),
    ...noCacheOptions(env.opts.get(OPT.noCache)),
    namedContexts: localNamedContexts(env.opts),
    cacheNamespace: env.opts.get(CACHE_NAMESPACE_OPTION) ?? "",
  };
}

/** `no-cache=` is --no-cache; `no-cache=a,b` is --no-cache-filter a,b. */
function noCacheOptions(value: string | undefined): { noCache: boolean; noCacheFilter?: string[] } {
  const { all, names } = parseNoCache(value);
  return all || value === undefined ? { noCache: all } : { noCache: false, noCacheFilter: names };
}

async function resolveBases(plan: Plan, resolve: (ref: string, p: Platform) => Promise<ResolvedImage>) {
  const configs = new Map<string, ResolvedImage>();
  if (plan.base.kind !== "image") return configs;
  const ref = plan.base.ref;
  await Promise.all(plan.targetPlatforms.map(async (p) => configs.set(platformId(p), await resolve(ref, p))));
  return configs;
}

/** SOURCE_DATE_EPOCH for BuildKit's exporter: it dates the image config and its history with it. */
function withEpoch(result: ResultInit, epoch: number | undefined): ResultInit {
  if (epoch === undefined) return result;
  return { ...result, metadata: { ...result.metadata, "source.date.epoch": new TextEncoder().encode(String(epoch)) } };
}

interface ResultOptions {
  readonly forceMulti: boolean;
  readonly annotations: ReadonlyArray<readonly [string, string]>;
  /** Per platform id, like the refs. */
  readonly attestations?: Record<string, AttestationsInit>;
}

function toResult(images: Array<{ platform: Platform; ref: string; config: ImageConfigJson }>, o: ResultOptions): ResultInit {
  const encode = (c: ImageConfigJson) => new TextEncoder().encode(JSON.stringify(c));
  const only = images[0];
  const single = images.length === 1 && only !== undefined && !o.forceMulti;
  const metadata: Record<string, Uint8Array> = annotationMetadata(o.annotations, !single);
  const platforms = () => {
    // Capitalised keys: BuildKit decodes this into a Go struct without json tags.
    const list = images.map((img) => ({ ID: platformId(img.platform), Platform: ociPlatform(img.platform) }));
    return new TextEncoder().encode(JSON.stringify({ Platforms: list }));
  };
  const attestations = o.attestations ? { attestations: o.attestations } : {};
  if (single) {
    // Attestations are keyed by platform id; the platform list tells BuildKit which id the single ref has.
    const keyed = o.attestations ? { "refs.platforms": platforms() } : {};
    return { result: { case: "ref", value: { id: only.ref } }, metadata: { ...metadata, ...keyed, "containerimage.config": encode(only.config) }, ...attestations };
  }
  const refs: Record<string, { id: string }> = {};
  for (const img of images) {
    const id = platformId(img.platform);
    refs[id] = { id: img.ref };
    metadata[`containerimage.config/${id}`] = encode(img.config);
  }
  metadata["refs.platforms"] = platforms();
  return { result: { case: "refs", value: { refs } }, metadata, ...attestations };
}

/**
 * The exporter reads `annotation.KEY` (every manifest) and `annotation-index.KEY`
 * from the result metadata; an index exists only in the multi-platform form.
 */
function annotationMetadata(annotations: ReadonlyArray<readonly [string, string]>, index: boolean): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [key, value] of annotations) {
    out[`annotation.${key}`] = new TextEncoder().encode(value);
    if (index) out[`annotation-index.${key}`] = new TextEncoder().encode(value);
  }
  return out;
}

function ociPlatform(p: Platform) {
  return p.variant === undefined ? { architecture: p.architecture, os: p.os } : { architecture: p.architecture, os: p.os, variant: p.variant };
}

function imageResolveMode(v: string | undefined): ResolveMode {
  if (v === undefined || v === "" || v === "default") return "default";
  if (v === "pull" || v === "local") return v;
  throw new LaunchError(`unknown image-resolve-mode "${v}": use default, pull or local`);
}

/** Milliseconds spent in each phase, for the log and the benchmarks. */
function phaseTimer() {
  const phases: Record<string, number> = {};
  let last = performance.now();
  return {
    phases,
    mark(name: string) {
      const now = performance.now();
      phases[name] = Math.round(now - last);
      last = now;
    },
    /** A figure measured inside a phase, logged beside the phases. */
    set(name: string, ms: number) {
      phases[name] = ms;
    },
  };
}

/** An image that cannot be resolved, named with the spec field that chose it and how to choose another. */
function imageUnavailable(ref: string, err: RpcError, plan: Plan, parsed: ParsedSpec): UserError {
  const isBuilder = ref === plan.builderImage;
  const field = isBuilder ? (parsed.ranges.fields.builder ?? parsed.ranges.fields.go) : parsed.ranges.fields.base;
  const where = field ?? parsed.ranges.firstLine;
  const why = isBuilder
    ? parsed.spec.builder
      ? "set builder: to an image this BuildKit can pull or has locally"
      : `it follows Go ${plan.goVersion} (from ${parsed.spec.go ? "go:" : "go.mod"}): set go: to a version whose golang image you have, or builder: to an image`
    : "set base: to an image this BuildKit can pull or has locally, or use base: static";
  return new UserError(`${isBuilder ? "builder" : "base"} image ${ref} is not available (${err.details}): ${why}`, {
    file: "spec",
    line: where.start.line,
    col: where.start.col,
  });
}
