/** Constructors for source states: registry images and client-side local directories. */
import { Caps } from "./caps.js";
import { LlbError } from "./errors.js";
import { goJsonStringArray } from "./go-json.js";
import { normalizeImageRef } from "./image-ref.js";
import type { Platform } from "./platform.js";
import { SourceOp } from "./source-op.js";
import { State } from "./state.js";
import type { OpOptions } from "./vertex.js";

export type { ResolveMode } from "../types.js";
import type { ResolveMode } from "../types.js";

export interface ImageOptions {
  /** Platform to pull; also the default platform of execs on this state. */
  readonly platform?: Platform;
  readonly resolveMode?: ResolveMode;
  readonly customName?: string;
  /** `image.recordtype`, e.g. "internal" for images that are not part of the user's build. */
  readonly recordType?: string;
  /** The image comes from an OCI layout the client serves (`--build-context NAME=oci-layout://…`), not a registry. */
  readonly ociStore?: OciStore;
}

/** An OCI layout store a client session serves. */
export interface OciStore {
  readonly sessionId: string;
  readonly storeId: string;
}

/** A registry image (`docker-image://`), with its reference normalised like Go's; or one from a client's OCI layout (`oci-layout://`). */
export function image(ref: string, opts: ImageOptions = {}): State {
  if (opts.ociStore !== undefined) return ociLayout(ref, opts.ociStore, opts);
  const attrs = new Map<string, string>();
  const caps = new Set<string>([Caps.sourceImage]);
  const mode = opts.resolveMode ?? "default";
  if (mode !== "default") {
    if (mode !== "pull" && mode !== "local") throw new LlbError(`image ${ref}: unknown resolve mode ${JSON.stringify(mode)}`);
    attrs.set("image.resolvemode", mode);
    // Only forced pulls are a security promise the daemon must understand.
    if (mode === "pull") caps.add(Caps.sourceImageResolveMode);
  }
  if (opts.recordType !== undefined && opts.recordType !== "") attrs.set("image.recordtype", opts.recordType);
  const op = new SourceOp({
    identifier: `docker-image://${normalizeImageRef(ref)}`,
    attrs,
    caps,
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    options: nameOnly(opts.customName),
  });
  return State.fromOutput(op.output);
}

// Like client/llb's OCILayout: the reference names the image by digest; the store and session say where it is.
function ociLayout(ref: string, store: OciStore, opts: ImageOptions): State {
  if (store.sessionId === "" || store.storeId === "") throw new LlbError(`oci-layout image ${ref}: no session or store id`);
  const op = new SourceOp({
    identifier: `oci-layout://${normalizeImageRef(ref)}`,
    attrs: new Map([
      ["oci.session", store.sessionId],
      ["oci.store", store.storeId],
    ]),
    caps: new Set([Caps.sourceOciLayout]),
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    options: nameOnly(opts.customName),
  });
  return State.fromOutput(op.output);
}

export interface LocalOptions {
  /** The gateway session that serves the directory. Without it, marshal adds a `local.unique` id. */
  readonly sessionId?: string;
  readonly includePatterns?: readonly string[];
  readonly excludePatterns?: readonly string[];
  readonly followPaths?: readonly string[];
  readonly sharedKeyHint?: string;
  /** How changed files are detected: "metadata" (the daemon's default) or "none" (always resend). */
  readonly differ?: "none" | "metadata";
  readonly customName?: string;
}

/** A directory the client sends (`local://<name>`). */
export function local(name: string, opts: LocalOptions = {}): State {
  if (name === "") throw new LlbError("local source name is empty");
  const attrs = new Map<string, string>();
  const caps = new Set<string>();
  const list = (key: string, cap: string, values: readonly string[] | undefined) => {
    if (values === undefined || values.length === 0) return;
    attrs.set(key, goJsonStringArray(values));
    caps.add(cap);
  };
  const text = (key: string, cap: string | undefined, value: string | undefined) => {
    if (value === undefined || value === "") return;
    attrs.set(key, value);
    if (cap !== undefined) caps.add(cap);
  };
  text("local.session", Caps.sourceLocalSessionId, opts.sessionId);
  list("local.includepattern", Caps.sourceLocalIncludePatterns, opts.includePatterns);
  list("local.followpaths", Caps.sourceLocalFollowPaths, opts.followPaths);
  list("local.excludepatterns", Caps.sourceLocalExcludePatterns, opts.excludePatterns);
  text("local.sharedkeyhint", Caps.sourceLocalSharedKeyHint, opts.sharedKeyHint);
  // The differ is advisory (as dockerui sets it): older daemons ignore the attr, so no cap is required.
  text("local.differ", undefined, opts.differ);
  caps.add(Caps.sourceLocal);
  const op = new SourceOp({ identifier: `local://${name}`, attrs, caps, options: nameOnly(opts.customName) });
  return State.fromOutput(op.output);
}

function nameOnly(customName: string | undefined): OpOptions {
  return customName !== undefined ? { customName } : {};
}
