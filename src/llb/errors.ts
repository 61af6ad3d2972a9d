/** A graph that cannot be built or marshalled: bad reference, missing platform, invalid mount. */
export class LlbError extends Error {
  override name = "LlbError";

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** True when `err` is an {@link LlbError}, also across module copies. */
export function isLlbError(err: unknown): err is LlbError {
  return err instanceof Error && err.name === "LlbError";
}
