/** A commit object's text: the committer's time is SOURCE_DATE_EPOCH when .git is in the build context. */

// "committer Name <email> 1700000000 +0100": the seconds follow the last '>'.
const COMMITTER_TIME = /> (\d{1,12}) [+-]\d{4}$/;

/** The committer time of a commit object's body (headers, a blank line, the message), in seconds since 1970; undefined when it has none. */
export function committerTime(body: Uint8Array): number | undefined {
  // The headers end at the first blank line; only they are decoded.
  let end = body.indexOf(0x0a);
  let start = 0;
  while (end !== -1 && end > start) {
    const line = new TextDecoder().decode(body.subarray(start, end));
    if (line.startsWith("committer ")) {
      const m = COMMITTER_TIME.exec(line);
      return m ? Number(m[1]) : undefined;
    }
    start = end + 1;
    end = body.indexOf(0x0a, start);
  }
  return undefined;
}

/** A loose object, inflated: "<type> <size>\0<body>". */
export function looseObject(data: Uint8Array): { type: string; body: Uint8Array } | undefined {
  const nul = data.indexOf(0);
  if (nul === -1 || nul > 32) return undefined;
  const m = /^(commit|tree|blob|tag) (\d{1,12})$/.exec(new TextDecoder().decode(data.subarray(0, nul)));
  if (!m) return undefined;
  const body = data.subarray(nul + 1);
  // A body shorter than its header says was cut short (we may have inflated only a prefix).
  return { type: m[1] as string, body: body.subarray(0, Number(m[2])) };
}
