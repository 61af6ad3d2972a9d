/**
 * Credentials out of the frontend's log. Build args such as
 * GOPROXY=https://user:token@proxy or HTTPS_PROXY=http://u:p@proxy:3128 are
 * part of the plan, and the log goes to the daemon's log, which other people
 * read. Userinfo in any URL becomes "***"; the proxy variables, which Go also
 * reads without a scheme (u:p@proxy:3128), are redacted in that form too.
 */
import type { Plan } from "../plan/types.js";

const MASK = "***";

/** Every "scheme://userinfo@" in `text` with the userinfo masked; linear, and safe on JSON-escaped text. */
export function redactUrlCredentials(text: string): string {
  let out = "";
  let from = 0;
  let at = text.indexOf("://");
  while (at >= 0) {
    const start = at + 3;
    let end = start;
    let lastAt = -1;
    // The authority runs to the first "/", "?", "#", space, quote or next "://"; its userinfo ends at the last "@" (as Go's url.Parse reads it).
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 0x5c /* \ */) {
        end += 2;
        continue;
      }
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x22 || c <= 0x20) break;
      // The next URL of a list ("https://a,https://u:p@b") starts a new authority.
      if (c === 0x3a && text.startsWith("//", end + 1)) break;
      if (c === 0x40) lastAt = end;
      end++;
    }
    if (lastAt >= 0) {
      out += `${text.slice(from, start)}${MASK}`;
      from = lastAt;
    }
    at = text.indexOf("://", Math.max(end, start));
  }
  return from === 0 ? text : out + text.slice(from);
}

// HTTP_PROXY, https_proxy, GOPROXY, ALL_PROXY, …: values that may be "user:pass@host:port" without a scheme.
const PROXY_NAME = /PROXY$/i;

/** An environment value with credentials masked; proxy lists are read entry by entry, with or without a scheme. */
export function redactEnvValue(name: string, value: string): string {
  const withUrls = redactUrlCredentials(value);
  if (!PROXY_NAME.test(name)) return withUrls;
  return withUrls
    .split(/([,|])/)
    .map((entry) => {
      if (entry.includes("://")) return entry;
      const slash = entry.indexOf("/");
      const authority = slash < 0 ? entry : entry.slice(0, slash);
      const lastAt = authority.lastIndexOf("@");
      return lastAt < 0 ? entry : `${MASK}${entry.slice(lastAt)}`;
    })
    .join("");
}

const redactPairs = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([k, v]): [string, string] => [k, redactEnvValue(k, v)]);

/** The plan as the log shows it: the Go and image environments with credentials masked. */
export function planForLog(plan: Plan): Plan {
  return { ...plan, goEnv: redactPairs(plan.goEnv), image: { ...plan.image, env: redactPairs(plan.image.env) } };
}
