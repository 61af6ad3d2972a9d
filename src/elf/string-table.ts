/**
 * Names in a string table (.dynstr, .strtab, .shstrtab, Go's function name
 * table), read within limits: entries of a hostile file can all point at one
 * long name, so each name is bounded and so is everything read from a table.
 */
import { ElfError } from "./elf-error.js";
import type { ByteReader } from "./reader.js";

/** The longest name read: far above real symbol and function names, small enough that one costs little. */
export const MAX_NAME = 64 << 10;
/** PATH_MAX: the longest path the kernel and the loader take (PT_INTERP, DT_NEEDED, DT_SONAME). */
export const PATH_MAX = 4096;
/** Names read from one table may add up to this many times its size, plus BUDGET_FLOOR: linkers share tails of names, not more. */
const BUDGET_FACTOR = 4;
const BUDGET_FLOOR = 1 << 20;

const utf8 = new TextDecoder();

/** Reads NUL-terminated names from [start, end) of a file. */
export class StringTable {
  private spent = 0;
  private readonly budget: number;

  /** `table` names the table in errors; `corrupt` makes the error (an ElfError naming the file part). */
  constructor(
    private readonly r: ByteReader,
    private readonly start: number,
    private readonly end: number,
    private readonly table: string,
    private readonly corrupt: (what: string) => ElfError = (what) => new ElfError(`corrupt ELF: ${what}`),
  ) {
    this.budget = BUDGET_FLOOR + BUDGET_FACTOR * Math.max(0, end - start);
  }

  /** The name `at` bytes into the table, decoded; `what` says what it names, for errors. */
  name(at: number, what: string, max = MAX_NAME): string {
    return utf8.decode(this.bytes(at, what, max));
  }

  /** The name's bytes without its NUL; at most `max` of them, and counted against the table's budget. */
  bytes(at: number, what: string, max = MAX_NAME): Uint8Array {
    const from = this.start + at;
    const end = Math.min(this.end, this.r.bytes.length);
    if (!Number.isSafeInteger(at) || at < 0 || from >= end) throw this.corrupt(`${what} at byte ${from} lies outside ${this.table}`);
    // Only max + 1 bytes are searched, so a long run without a NUL costs no more than a name may.
    const window = this.r.bytes.subarray(from, Math.min(end, from + max + 1));
    const nul = window.indexOf(0);
    if (nul < 0) {
      throw this.corrupt(window.length > max ? `${what} at byte ${from} is longer than ${max} bytes, the limit for a name` : `${what} at byte ${from} is not terminated in ${this.table}`);
    }
    this.spent += nul + 1;
    if (this.spent > this.budget) {
      throw this.corrupt(`names read from ${this.table} add up to more than ${this.budget} bytes (${BUDGET_FACTOR} times its ${end - this.start} bytes plus ${BUDGET_FLOOR}, the limit): its entries share names`);
    }
    return window.subarray(0, nul);
  }
}
