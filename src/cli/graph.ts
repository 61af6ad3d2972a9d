/**
 * The LLB a plan becomes, offline: what `slimgo plan --llb` and `--dot` show.
 * A real build resolves the builder image's config through BuildKit; here the
 * official golang image's PATH and GOPATH stand in for it.
 */
import { toJson } from "@bufbuild/protobuf";
import { type Definition, DefinitionSchema } from "../gen/pb/ops_pb.js";
import { goRecipe } from "../graph/go-recipe.js";
import { SourceFile, marshal } from "../llb/index.js";
import type { GoHeaders } from "../types.js";
import type { Project } from "./project.js";

const GOLANG_IMAGE_CONFIG = {
  config: { Env: ["PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOPATH=/go"], WorkingDir: "/go" },
};
/** The caps a current BuildKit answers with that change how the graph is marshalled. */
const CAPS = new Set(["exec.meta.setsdefaultpath", "file.base", "source.local.differ"]);

/** One definition per target platform, as the frontend would solve them. */
export function planDefinitions({ plan, specFile, contextExcludes }: Project, goHeaders: GoHeaders | undefined): Definition[] {
  const images = goRecipe(plan, {
    sessionId: "slimgo-plan",
    contextExcludes,
    goHeaders,
    builderConfig: GOLANG_IMAGE_CONFIG,
    baseConfigs: new Map(),
    resolveMode: "default",
    extraLabels: [],
    specFile: new SourceFile(specFile.filename, specFile.data, "YAML"),
  });
  return images.map((img) => marshal(img.state, { caps: CAPS, platform: plan.buildPlatform }));
}

export function definitionsJson(defs: readonly Definition[]): string {
  return `${JSON.stringify(defs.map((d) => toJson(DefinitionSchema, d)), null, 2)}\n`;
}
