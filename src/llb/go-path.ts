/**
 * Slash-path helpers with the exact semantics of Go's `path` package, which
 * client/llb uses for working directories and file-op paths. Node's
 * `path.posix` differs in corner cases (it keeps a trailing slash).
 */

/** Go's `path.IsAbs`. */
export function isAbs(p: string): boolean {
  return p.startsWith("/");
}

/** Go's `path.Clean`: the shortest equivalent path, "." for an empty one. */
export function clean(p: string): string {
  if (p === "") return ".";
  const rooted = isAbs(p);
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const body = out.join("/");
  if (rooted) return `/${body}`;
  return body === "" ? "." : body;
}

/** Go's `path.Join`: joins the non-empty elements and cleans; "" when all are empty. */
export function join(...elems: string[]): string {
  const parts = elems.filter((e) => e !== "");
  return parts.length === 0 ? "" : clean(parts.join("/"));
}

/**
 * Resolves a file-op path against the state's working directory. With
 * `keepSlash`, a trailing "/" or "/." on the input survives cleaning, because
 * copy gives both a meaning ("into this directory", "its contents").
 */
export function resolvePath(parent: string, p: string, keepSlash: boolean): string {
  let out = clean(p);
  if (!isAbs(out)) out = join("/", parent, out);
  if (keepSlash) {
    if (p.endsWith("/") && !out.endsWith("/")) {
      out += "/";
    } else if (p.endsWith("/.")) {
      if (out !== "/") out += "/";
      out += ".";
    }
  }
  return out;
}
