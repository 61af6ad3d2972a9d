/** The progress printer `--progress` asks for. */
import { toJsonString } from "@bufbuild/protobuf";
import { type StatusResponse, StatusResponseSchema } from "../../gen/control/control_pb.js";
import type { ProgressMode } from "../build-options.js";
import { PlainPrinter, type Printer } from "./plain.js";
import { TtyPrinter } from "./tty.js";

export type { Printer } from "./plain.js";

/** Each StatusResponse as one JSON line, BuildKit's field names. */
class RawJsonPrinter implements Printer {
  constructor(private readonly write: (s: string) => void) {}
  update(s: StatusResponse): void {
    this.write(`${toJsonString(StatusResponseSchema, s)}\n`);
  }
  end(): void {}
}

class QuietPrinter implements Printer {
  update(): void {}
  end(): void {}
}

export function makePrinter(mode: ProgressMode, stream: NodeJS.WriteStream): Printer {
  const write = (s: string) => void stream.write(s);
  const tty = mode === "tty" || (mode === "auto" && stream.isTTY === true && process.env["TERM"] !== "dumb");
  if (tty) return new TtyPrinter({ write, rows: () => stream.rows || 24, columns: () => stream.columns || 80 });
  if (mode === "rawjson") return new RawJsonPrinter(write);
  if (mode === "quiet") return new QuietPrinter();
  return new PlainPrinter(write);
}
