/** Ctrl-C for commands that talk to a build: the first one aborts (the command cancels and reports), a second exits at once. */
export function interruptible(): { readonly signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: abort.signal, dispose: () => process.off("SIGINT", onSigint) };
}
