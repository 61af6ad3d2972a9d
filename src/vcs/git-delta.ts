/**
 * git's delta format (pack-format.txt "Deltified representation"): the base's
 * size, the result's size, then copy-from-base and insert instructions.
 */
import { GitObjectError } from "./git-error.js";

/** The object the delta makes from `base`; at most `maxBytes`. */
export function applyDelta(base: Uint8Array, delta: Uint8Array, maxBytes: number): Uint8Array {
  let i = 0;
  const byte = () => {
    if (i >= delta.length) throw new GitObjectError("a delta ends inside an instruction");
    return delta[i++] as number;
  };
  const size = () => {
    let value = 0;
    let scale = 1;
    let b: number;
    do {
      b = byte();
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (!Number.isSafeInteger(value) || scale > 2 ** 70) throw new GitObjectError("a delta's size is past any real object's");
    } while (b & 0x80);
    return value;
  };
  const baseSize = size();
  if (baseSize !== base.length) throw new GitObjectError(`a delta expects a base of ${baseSize} bytes, but its base has ${base.length}`);
  const outSize = size();
  if (outSize > maxBytes) throw new GitObjectError(`a delta makes ${outSize} bytes, more than ${maxBytes}`);
  const out = new Uint8Array(outSize);
  let at = 0;
  while (i < delta.length) {
    const op = byte();
    if (op & 0x80) {
      // Copy: the low 4 bits say which offset bytes follow, the next 3 which size bytes.
      let offset = 0;
      let length = 0;
      for (let k = 0; k < 4; k++) if (op & (1 << k)) offset += byte() * 2 ** (8 * k);
      for (let k = 0; k < 3; k++) if (op & (1 << (4 + k))) length += byte() * 2 ** (8 * k);
      if (length === 0) length = 0x10000;
      if (offset + length > base.length) throw new GitObjectError("a delta copies from past its base's end");
      if (at + length > outSize) throw new GitObjectError("a delta writes past the size it declares");
      out.set(base.subarray(offset, offset + length), at);
      at += length;
    } else if (op !== 0) {
      if (i + op > delta.length) throw new GitObjectError("a delta's insert runs past its end");
      if (at + op > outSize) throw new GitObjectError("a delta writes past the size it declares");
      out.set(delta.subarray(i, i + op), at);
      at += op;
      i += op;
    } else {
      throw new GitObjectError("a delta holds the reserved instruction 0");
    }
  }
  if (at !== outSize) throw new GitObjectError(`a delta makes ${at} bytes where it declares ${outSize}`);
  return out;
}
