/** Errors returned to BuildKit as google.rpc.Status, framed on a source file when we know the line. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { StatusSchema } from "../gen/google/rpc/status_pb.js";

/** gRPC codes we return (google.golang.org/grpc/codes). */
export const Code = { Unknown: 2, InvalidArgument: 3, DeadlineExceeded: 4, NotFound: 5, FailedPrecondition: 9, Unimplemented: 12, Internal: 13 } as const;

/** A place in a user's file: 1-based lines and columns. */
export interface SourceSpan {
  readonly filename: string;
  readonly data: Uint8Array;
  readonly language: string;
  readonly ranges: ReadonlyArray<{ start: { line: number; col: number }; end: { line: number; col: number } }>;
}

/**
 * BuildKit decodes error details with typeurl; its own detail types are
 * registered as `<go type>+json`, so a JSON value frames the error on the
 * user's file (buildx prints the lines with `>>>`).
 */
const SOURCE_TYPE_URL = "github.com/moby/buildkit/errdefs.Source+json";

export function errorStatus(code: number, message: string, source?: SourceSpan): MessageInitShape<typeof StatusSchema> {
  if (source === undefined || source.ranges.length === 0) return { code, message };
  const json = {
    info: {
      filename: source.filename,
      data: Buffer.from(source.data).toString("base64"),
      language: source.language,
    },
    // Both ends must be set: buildx's printer reads End.Line unconditionally.
    ranges: source.ranges.map((r) => ({
      start: { line: r.start.line, character: r.start.col },
      end: { line: r.end.line, character: r.end.col },
    })),
  };
  return { code, message, details: [{ typeUrl: SOURCE_TYPE_URL, value: new TextEncoder().encode(JSON.stringify(json)) }] };
}
