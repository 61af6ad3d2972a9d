/** `--metadata-file`: the exporters' response as buildx writes it (JSON values decoded, base64 JSON too). */

export function metadataJson(exporterResponse: Readonly<Record<string, string>>, buildRef: string): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(exporterResponse).sort()) out[key] = decodeValue(exporterResponse[key] ?? "");
  out["buildx.build.ref"] = buildRef;
  return `${JSON.stringify(out, null, 2)}\n`;
}

function decodeValue(v: string): unknown {
  const json = tryJsonObject(v);
  if (json !== undefined) return json;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) {
    const decoded = tryJsonObject(Buffer.from(v, "base64").toString("utf8"));
    if (decoded !== undefined) return decoded;
  }
  return v;
}

function tryJsonObject(s: string): unknown {
  if (!s.startsWith("{") && !s.startsWith("[")) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}
