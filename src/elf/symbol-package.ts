/** Which Go package a function or data symbol belongs to, from its linker name alone. */

/** Linker-made prefixes whose rest names a type: equality functions and itabs. */
const TYPE_PREFIXES = ["type:.eq.", "go:itab."] as const;

/**
 * The import path of `name`'s package, or undefined when the name has none
 * (linker tables like go:func.*, constants like $f64.*, runtime assembly like
 * _rt0_amd64_linux). Handles methods `pkg.(*T).M`, generics `pkg.F[...]`,
 * closures `pkg.F.func1`, `type:.eq.pkg.T` and dots in the last path element,
 * which the linker writes as %2e (`gopkg.in/yaml%2ev3.F`).
 */
export function symbolPackage(name: string): string | undefined {
  for (const prefix of TYPE_PREFIXES) if (name.startsWith(prefix)) return typePackage(name.slice(prefix.length));
  if (name.startsWith("go:") || name.startsWith("type:") || name.startsWith("$")) return undefined;
  // Type arguments may hold other packages' paths, so only the part before them counts.
  const bracket = name.indexOf("[");
  const head = bracket < 0 ? name : name.slice(0, bracket);
  const dot = head.indexOf(".", head.lastIndexOf("/") + 1);
  if (dot <= 0) return undefined;
  return unescapePath(head.slice(0, dot));
}

/** A qualified name inside a type expression: a path (its last element without dots) followed by `.Ident`. */
const QUALIFIED = /(?<![\w./%-])((?:[\w.%-]+\/)*[\w%-]+)\.[\p{L}_]/u;

/** The package of the first named type in a type expression such as `[8]internal/cpu.option` or `*gopkg.in/yaml%2ev3.Node`. */
export function typePackage(type: string): string | undefined {
  const m = QUALIFIED.exec(type);
  const path = m?.[1];
  // go.shape.* stands for a type argument's shape, not a package.
  return path === undefined || path === "go" ? undefined : unescapePath(path);
}

/** Undo the linker's %XX escaping of import paths. */
export function unescapePath(path: string): string {
  if (!path.includes("%")) return path;
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
