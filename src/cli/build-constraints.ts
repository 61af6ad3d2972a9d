/**
 * Whether a Go file is part of a Linux build, as go/build decides it: the
 * file name's _GOOS/_GOARCH suffixes and its //go:build line. Enough for
 * `slimgo init` to find main packages and cgo without a Go toolchain.
 */

const KNOWN_OS = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"]);
const KNOWN_ARCH = new Set(["386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x", "wasm", "sparc64"]);
const UNIX = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux", "netbsd", "openbsd", "solaris"]);

/** The tags a Linux build with `cgo` on or off satisfies; any architecture slimgo builds for. */
function satisfied(tag: string, cgo: boolean): boolean {
  if (tag === "linux" || tag === "unix" || tag === "gc") return true;
  if (tag === "cgo") return cgo;
  if (/^go1\.\d+$/.test(tag)) return true;
  if (KNOWN_ARCH.has(tag)) return tag === "amd64" || tag === "arm64" || tag === "arm" || tag === "386" || tag === "ppc64le" || tag === "s390x" || tag === "riscv64";
  if (KNOWN_OS.has(tag) || UNIX.has(tag)) return false;
  return false; // a custom tag: off unless the spec sets tags:
}

/** _windows.go, _darwin_arm64_test.go, _js_wasm.go: a suffix naming another OS leaves the file out. */
function nameExcludes(file: string): boolean {
  const parts = file.replace(/(_test)?\.go$/, "").split("_").slice(1);
  const last = parts.at(-1);
  const before = parts.at(-2);
  if (last !== undefined && KNOWN_OS.has(last)) return last !== "linux";
  if (last !== undefined && KNOWN_ARCH.has(last) && before !== undefined && KNOWN_OS.has(before)) return before !== "linux";
  return false;
}

/** Evaluates a //go:build expression: identifiers, !, &&, || and parentheses. */
function evaluate(expr: string, cgo: boolean): boolean {
  const tokens = expr.match(/!|&&|\|\||\(|\)|[A-Za-z0-9_.]+/g) ?? [];
  let i = 0;
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === "||") {
      i++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === "&&") {
      i++;
      const r = not();
      v = v && r;
    }
    return v;
  };
  const not = (): boolean => {
    if (tokens[i] === "!") {
      i++;
      return !not();
    }
    if (tokens[i] === "(") {
      i++;
      const v = or();
      i++; // ")"
      return v;
    }
    return satisfied(tokens[i++] ?? "", cgo);
  };
  return or();
}

/** True when go build for Linux (cgo on or off, as given) would compile this file. */
export function inLinuxBuild(file: string, src: string, cgo: boolean): boolean {
  if (nameExcludes(file)) return false;
  const header = src.slice(0, Math.max(0, src.search(/^package\s/m)));
  const line = /^\/\/go:build\s+(.+)$/m.exec(header);
  return line?.[1] === undefined ? true : evaluate(line[1], cgo);
}
