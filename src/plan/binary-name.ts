/** The binary's default file name, by the go command's rule for `go build` output. */

// Go's isVersionElement: "v2", "v10", not "v0" or "v1x".
function isVersionElement(elem: string): boolean {
  return /^v[1-9][0-9]*$/.test(elem);
}

/**
 * The last element of the package's import path, skipping a major-version
 * suffix (example.com/tool/v2 → "tool"), as cmd/go's DefaultExecName does.
 */
export function defaultBinaryName(modulePath: string, main: string): string {
  const importPath = main === "." ? modulePath : `${modulePath}/${main.replace(/^\.\//, "")}`;
  const elems = importPath.split("/").filter((e) => e !== "");
  const last = elems.at(-1) ?? importPath;
  if (elems.length > 1 && isVersionElement(last)) return elems.at(-2) ?? last;
  return last;
}
