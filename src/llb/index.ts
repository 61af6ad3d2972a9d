export { LlbError, isLlbError } from "./errors.js";
export { normalizePlatform, formatPlatform, type Platform } from "./platform.js";
export { State, ExecState, scratch } from "./state.js";
export { image, local, type ImageOptions, type LocalOptions, type OciStore, type ResolveMode } from "./sources.js";
export type { RunOptions, MountOptions, SessionMount, NetworkMode, CacheSharing } from "./exec-op.js";
export {
  FileActionChain,
  mkdir,
  mkfile,
  copy,
  type FileAction,
  type Owner,
  type MkdirOptions,
  type MkfileOptions,
  type CopyOptions,
  type Timestamped,
} from "./file-action.js";
export { SourceFile, type SourceLocation, type SourceRange, type Position } from "./source-map.js";
export { marshal, definitionDigests, headDigest, type MarshalOptions } from "./marshal.js";
export { toDot } from "./dot.js";
export { digestOf } from "./digest.js";
export { normalizeImageRef, parseNormalizedNamed } from "./image-ref.js";
export { goJsonStringArray } from "./go-json.js";
export type { Vertex, Output } from "./vertex.js";
