/**
 * Source maps: which lines of the user's file an op came from, so BuildKit can
 * point a failing step at them. Each op carries locations; `marshal` collects
 * the files into `Definition.Source.infos` and the locations per op digest.
 */
import { create } from "@bufbuild/protobuf";
import {
  LocationSchema,
  LocationsSchema,
  SourceInfoSchema,
  SourceSchema,
  type Locations,
  type Source,
} from "../gen/pb/ops_pb.js";
import { sortedRecord } from "./bytes.js";

/** A source file the graph was made from (Go's `llb.NewSourceMap`). */
export class SourceFile {
  readonly filename: string;
  readonly data: Uint8Array;
  /** A linguist language name, e.g. "YAML". */
  readonly language: string;

  constructor(filename: string, data: Uint8Array, language: string) {
    this.filename = filename;
    this.data = data;
    this.language = language;
    Object.freeze(this);
  }

  /** Same name, language and bytes: two such files share one `infos` entry. */
  sameAs(other: SourceFile): boolean {
    return (
      this.filename === other.filename &&
      this.language === other.language &&
      this.data.length === other.data.length &&
      this.data.every((b, i) => b === other.data[i])
    );
  }
}

/** A 1-based line, and a character column (0 when unknown). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

/** Where in `file` an op came from. */
export interface SourceLocation {
  readonly file: SourceFile;
  readonly ranges: ReadonlyArray<SourceRange>;
}

/** Gathers files and per-digest locations during one marshal walk, in walk order. */
export class SourceMapCollector {
  readonly #files: SourceFile[] = [];
  readonly #index = new Map<SourceFile, number>();
  readonly #locations = new Map<string, SourceLocation[]>();

  /** Records the op's locations; every op gets an entry, even with none. */
  add(digest: string, locations: ReadonlyArray<SourceLocation>): void {
    for (const loc of locations) {
      if (this.#index.has(loc.file)) continue;
      let idx = this.#files.findIndex((f) => f.sameAs(loc.file));
      if (idx === -1) {
        idx = this.#files.length;
        this.#files.push(loc.file);
      }
      this.#index.set(loc.file, idx);
    }
    const list = this.#locations.get(digest) ?? [];
    list.push(...locations);
    this.#locations.set(digest, list);
  }

  toProto(): Source {
    const locations = [...this.#locations].map(([digest, locs]): [string, Locations] => [
      digest,
      create(LocationsSchema, {
        locations: locs.map((loc) =>
          create(LocationSchema, {
            sourceIndex: this.#index.get(loc.file) ?? 0,
            ranges: loc.ranges.map((r) => ({
              start: { line: r.start.line, character: r.start.character },
              end: { line: r.end.line, character: r.end.character },
            })),
          }),
        ),
      }),
    ]);
    return create(SourceSchema, {
      locations: sortedRecord(locations),
      infos: this.#files.map((f) =>
        create(SourceInfoSchema, { filename: f.filename, data: f.data, language: f.language }),
      ),
    });
  }
}
