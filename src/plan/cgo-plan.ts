/** What cgo changes in the build: link mode, tags and linker flags. */
import type { Problem } from "../spec/checks.js";
import type { Spec } from "../spec/types.js";
import type { Platform } from "./types.js";

export interface CgoPlan {
  readonly link?: "static" | "dynamic";
  readonly tags: readonly string[];
  /** The whole -ldflags value, "-s -w" first. */
  readonly ldflags: string;
}

/** Tags that keep a static glibc binary away from NSS modules it cannot load. */
const STATIC_CGO_TAGS = ["netgo", "osusergo"];

export function cgoPlan(spec: Spec): CgoPlan | { problem: Problem; field: "link" } {
  const extra = spec.ldflags.trim();
  const ldflags = (flags: string) => [flags, extra].filter((f) => f !== "").join(" ");
  if (!spec.cgo) {
    if (spec.link !== undefined) {
      return { field: "link", problem: { message: "link only applies when cgo is true", hint: "remove link, or set cgo: true" } };
    }
    return { tags: [...spec.tags], ldflags: ldflags("-s -w") };
  }
  if (spec.link === "static") {
    const tags = [...spec.tags, ...STATIC_CGO_TAGS.filter((t) => !spec.tags.includes(t))];
    return { link: "static", tags, ldflags: ldflags(`-s -w -linkmode external -extldflags "-static"`) };
  }
  return { link: "dynamic", tags: [...spec.tags], ldflags: ldflags("-s -w") };
}

/** cgo needs a C compiler for the target; the builder only has one for its own platform. */
export function cgoCrossProblem(targets: readonly Platform[], build: Platform): Problem | undefined {
  const foreign = targets.filter((t) => t.os !== build.os || t.architecture !== build.architecture);
  if (foreign.length === 0) return undefined;
  const names = foreign.map((p) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`).join(", ");
  return {
    message: `cgo is on, but ${names} differs from the build platform ${build.os}/${build.architecture} and the builder has no C cross-compiler for it`,
    hint: "set cgo: false to cross-compile natively, or build that platform on a BuildKit worker of its own architecture",
  };
}
