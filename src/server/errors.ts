/** Every failure becomes one google.rpc.Status that buildx prints, framed on the user's file where we know the line. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { LaunchError } from "../gateway/options.js";
import { FileTooLargeError, GatewayReplyError, ImageConfigError } from "../gateway/reply-errors.js";
import { RpcError } from "../gateway/rpc.js";
import { Code, errorStatus } from "../gateway/status.js";
import { GoModError } from "../gomod/index.js";
import { LlbError } from "../llb/index.js";
import { PlatformError } from "../plan/index.js";
import { SpecErrors } from "../spec/index.js";
import { MissingFileError } from "./project-source.js";

/** The files an error may point into. */
export interface ErrorSources {
  readonly spec?: { filename: string; data: Uint8Array } | undefined;
  readonly goMod?: { filename: string; data: Uint8Array } | undefined;
  /** go.work and the go.mod files of its modules, by context path. */
  readonly goFiles?: ReadonlyMap<string, Uint8Array>;
}

/** A failure the user must fix, with the file span to show. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly where?: { file: "spec" | "goMod"; line: number; col?: number },
  ) {
    super(message);
  }
}

export function toStatus(err: unknown, sources: ErrorSources): MessageInitShape<typeof StatusSchema> {
  if (err instanceof SpecErrors) {
    const first = err.errors[0];
    const span = first && sources.spec ? spanOf(sources.spec, "YAML", first.line, first.col, first.endLine, first.endCol) : undefined;
    return errorStatus(Code.InvalidArgument, err.message, span);
  }
  if (err instanceof GoModError) {
    const data = sources.goFiles?.get(err.file);
    const file = data ? { filename: err.file, data } : err.file === "go.mod" ? sources.goMod : undefined;
    const span = file ? spanOf(file, err.file.endsWith("go.work") ? "go.work" : "go.mod", err.line, err.col) : undefined;
    return errorStatus(Code.InvalidArgument, err.message, span);
  }
  if (err instanceof UserError) {
    const file = err.where ? sources[err.where.file] : undefined;
    const span = err.where && file ? spanOf(file, err.where.file === "spec" ? "YAML" : "go.mod", err.where.line, err.where.col ?? 1) : undefined;
    return errorStatus(Code.InvalidArgument, err.message, span);
  }
  if (err instanceof MissingFileError) return errorStatus(Code.NotFound, err.message);
  if (err instanceof LaunchError || err instanceof LlbError || err instanceof PlatformError || err instanceof FileTooLargeError || err instanceof ImageConfigError) {
    return errorStatus(Code.InvalidArgument, `slimgo: ${err.message}`);
  }
  // The daemon (or whatever answers as it) broke the protocol: nothing the spec can fix.
  if (err instanceof GatewayReplyError) return errorStatus(Code.Internal, `slimgo: ${err.message}`);
  if (err instanceof RpcError) return errorStatus(err.code, `slimgo: ${err.message}`);
  return errorStatus(Code.Unknown, `slimgo: internal error: ${err instanceof Error ? err.message : String(err)}`);
}

function spanOf(file: { filename: string; data: Uint8Array }, language: string, line: number, col: number, endLine = line, endCol = col) {
  return {
    filename: file.filename,
    data: file.data,
    language,
    ranges: [{ start: { line, col }, end: { line: endLine, col: endCol } }],
  };
}
