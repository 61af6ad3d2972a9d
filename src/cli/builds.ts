/** `slimgo builds list|show|watch|cancel`: the caller's builds on a slimgo serve service. */
import { parseArgs } from "node:util";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { BuildsClient } from "../builds-client/builds-client.js";
import { STATE_NAMES, follow, verdictLine } from "../builds-client/follow.js";
import { ServerError, parseServerUrl, readToken } from "../builds-client/server-address.js";
import { makePrinter } from "../client/progress/index.js";
import type { Build } from "../gen/slimgo/v1/builds_pb.js";
import { FlagError } from "./build-flags.js";
import { interruptible } from "./interrupt.js";

export const BUILDS_USAGE = `usage: slimgo builds list [--json] [--limit N]
       slimgo builds show ID [--json]
       slimgo builds watch ID [--progress plain|tty|rawjson|quiet]
       slimgo builds cancel ID

Your builds on a slimgo serve service (another tenant's builds are not found).

options:
  --server URL               tcp://HOST:PORT or tls://HOST:PORT (default: $SLIMGO_SERVER)
  --token-file FILE          the tenant's token (default: $SLIMGO_TOKEN)
  --server-ca FILE           CA of the service's certificate (tls://)
  --server-cert, --server-key FILE   a client certificate (mTLS)
  --json                     list, show: print JSON
  --limit N                  list: at most N builds (default 50)
`;

export interface BuildsIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly progress: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export async function buildsCommand(argv: readonly string[], io: BuildsIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        server: { type: "string" },
        "token-file": { type: "string" },
        "server-ca": { type: "string" },
        "server-cert": { type: "string" },
        "server-key": { type: "string" },
        json: { type: "boolean" },
        limit: { type: "string" },
        progress: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.err(`slimgo builds: ${(e as Error).message}\n\n${BUILDS_USAGE}`);
    return 2;
  }
  const v = parsed.values;
  const [sub, id, extra] = parsed.positionals;
  if (v.help || sub === undefined) {
    (v.help ? io.out : io.err)(BUILDS_USAGE);
    return v.help ? 0 : 2;
  }
  const needsId = sub === "show" || sub === "watch" || sub === "cancel";
  if (!needsId && sub !== "list") {
    io.err(`slimgo builds: unknown command "${sub}": use list, show, watch or cancel\n`);
    return 2;
  }
  if ((needsId && id === undefined) || (needsId ? extra : id) !== undefined) {
    io.err(`slimgo builds ${sub}: ${needsId ? "takes one build ID" : "takes no arguments"}\n\n${BUILDS_USAGE}`);
    return 2;
  }
  const interrupt = interruptible();
  let client: BuildsClient | undefined;
  try {
    const server = v.server ?? io.env["SLIMGO_SERVER"];
    if (server === undefined || server === "") throw new ServerError("slimgo builds: name the service with --server tcp://HOST:PORT or SLIMGO_SERVER");
    const token = readToken(v["token-file"], io.env);
    if (token === undefined && v["server-cert"] === undefined) throw new ServerError("slimgo builds: no token: set SLIMGO_TOKEN, pass --token-file FILE, or a client certificate");
    process.noDeprecation = true;
    client = new BuildsClient(parseServerUrl(server), { ca: v["server-ca"], cert: v["server-cert"], key: v["server-key"] }, token);
    switch (sub) {
      case "list": {
        const limit = v.limit === undefined ? 50 : Number(v.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new FlagError("slimgo builds list: --limit takes a whole number from 1 to 1000");
        const builds = await client.list(limit);
        io.out(v.json ? `${JSON.stringify(builds.map(buildJson), null, 2)}\n` : listTable(builds));
        return 0;
      }
      case "show": {
        const b = await client.get(id!);
        io.out(v.json ? `${JSON.stringify(buildJson(b), null, 2)}\n` : showText(b));
        return 0;
      }
      case "watch": {
        const mode = v.progress ?? io.env["BUILDKIT_PROGRESS"] ?? "auto";
        if (mode !== "auto" && mode !== "plain" && mode !== "tty" && mode !== "rawjson" && mode !== "quiet") throw new FlagError(`slimgo builds watch: --progress ${mode}: use auto, plain, tty, rawjson or quiet`);
        return await follow(client, id!, makePrinter(mode, io.progress), io.err, interrupt.signal);
      }
      default: {
        const b = await client.cancel(id!);
        io.err(`slimgo: ${verdictLine(b)}\n`);
        return 0;
      }
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.err(`${message.startsWith("slimgo") ? "" : "slimgo: "}${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  } finally {
    interrupt.dispose();
    client?.close();
  }
}

function iso(t: Timestamp | undefined): string | null {
  return t === undefined ? null : new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString();
}

/** A build as JSON with plain names: state as a word, times as ISO 8601, digests sorted by key. */
export function buildJson(b: Build) {
  return {
    id: b.id,
    tenant: b.tenant,
    state: STATE_NAMES[b.state],
    node: b.node,
    platforms: [...b.platforms],
    repository: b.repository,
    commit: b.commit,
    args: [...b.args],
    digests: Object.fromEntries(Object.entries(b.digests).sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))),
    created: iso(b.created),
    started: iso(b.started),
    finished: iso(b.finished),
    attempts: b.attempts,
    error: b.error,
  };
}

function listTable(builds: readonly Build[]): string {
  const rows = [["ID", "STATE", "NODE", "CREATED", "PLATFORMS", "REPOSITORY"], ...builds.map((b) => [b.id, STATE_NAMES[b.state], b.node || "-", iso(b.created) ?? "-", b.platforms.join(",") || "-", b.repository || "-"])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")}\n`).join("");
}

function showText(b: Build): string {
  const j = buildJson(b);
  const lines: [string, string][] = [
    ["id", j.id],
    ["tenant", j.tenant],
    ["state", j.state],
    ["node", j.node || "-"],
    ["platforms", j.platforms.join(", ") || "-"],
    ["repository", j.repository || "-"],
    ...(j.commit !== "" ? [["commit", j.commit] as [string, string]] : []),
    ["args", j.args.join(" ") || "-"],
    ["created", j.created ?? "-"],
    ["started", j.started ?? "-"],
    ["finished", j.finished ?? "-"],
    ["attempts", String(j.attempts)],
    ...Object.entries(j.digests).map(([k, d]): [string, string] => [`digest ${k}`, d]),
  ];
  if (j.error !== "") lines.push(["error", j.error]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, val]) => `${k.padEnd(width)}  ${val}\n`).join("");
}
