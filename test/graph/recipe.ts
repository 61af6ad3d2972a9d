/** The Go recipe marshalled from spec and go.mod text, as the frontend would solve it, for graph tests. */
import { fromBinary } from "@bufbuild/protobuf";
import { type Definition, type ExecOp, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { type RecipeInputs, goRecipe } from "../../src/graph/go-recipe.js";
import { parseGoMod } from "../../src/gomod/index.js";
import { SourceFile, definitionDigests, marshal } from "../../src/llb/index.js";
import { type FrontendOptions, type PlanInput, makePlan, parsePlatforms } from "../../src/plan/index.js";
import type { Plan } from "../../src/plan/types.js";
import { parseSpec } from "../../src/spec/index.js";

export const AMD64 = { os: "linux", architecture: "amd64" };
export const CAPS = new Set(["exec.meta.setsdefaultpath", "exec.mount.cache.content", "file.base", "source.local.differ"]);
/** What ResolveImageConfig answers for the builder in these tests. */
export const BUILDER_DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
export const BUILDER_CONFIG = { config: { Env: ["PATH=/go/bin:/usr/local/go/bin:/usr/bin:/bin", "GOPATH=/go", "GOTOOLCHAIN=local"], WorkingDir: "/go" } };

export interface RecipeCase {
  readonly spec: string;
  readonly goMod: string;
  readonly platforms?: string;
  readonly buildArgs?: Record<string, string>;
  readonly target?: string;
  readonly options?: Partial<FrontendOptions>;
  readonly input?: Partial<Omit<PlanInput, "spec" | "goMod" | "options">>;
  readonly inputs?: Partial<RecipeInputs>;
}

/** The plan and one definition per target platform. */
export function recipeDefinitions(c: RecipeCase): { plan: Plan; defs: Definition[] } {
  const plan = makePlan({
    spec: parseSpec(c.spec),
    goMod: parseGoMod(c.goMod),
    ...c.input,
    options: {
      platforms: c.platforms ? parsePlatforms(c.platforms) : [],
      buildPlatform: AMD64,
      buildArgs: c.buildArgs ?? {},
      network: "sandbox",
      noCache: false,
      ...(c.target ? { target: c.target } : {}),
      ...c.options,
    },
  });
  const images = goRecipe(plan, {
    sessionId: "session-golden",
    contextExcludes: ["bin", "*.test"],
    builderConfig: BUILDER_CONFIG,
    builderDigest: BUILDER_DIGEST,
    baseConfigs: new Map(),
    resolveMode: "default",
    extraLabels: [],
    specFile: new SourceFile("slimgo.yaml", new TextEncoder().encode(c.spec), "YAML"),
    ...c.inputs,
  });
  return { plan, defs: images.map((img) => marshal(img.state, { caps: CAPS, platform: plan.buildPlatform })) };
}

/** Each exec op of a definition with its progress name. */
export function namedExecs(def: Definition): Array<{ name: string; exec: ExecOp }> {
  const digests = definitionDigests(def);
  return def.def.flatMap((bytes, i) => {
    const op = fromBinary(OpSchema, bytes);
    if (op.op.case !== "exec") return [];
    return [{ name: def.metadata[digests[i] ?? ""]?.description["llb.customname"] ?? "", exec: op.op.value }];
  });
}

/** Each image source's identifier. */
export function imageSources(def: Definition): string[] {
  return def.def.flatMap((bytes) => {
    const op = fromBinary(OpSchema, bytes);
    return op.op.case === "source" && op.op.value.identifier.startsWith("docker-image://") ? [op.op.value.identifier] : [];
  });
}
