export { GoModError, isGoModError } from "./go-mod-error.js";
export { isDirectoryPath } from "./directives.js";
export { parseGoMod } from "./parse-go-mod.js";
export { parseGoWork } from "./parse-go-work.js";
export type { GoModReplace, GoModRequire, GoWorkUse, ModuleVersion, ParsedGoMod, ParsedGoWork } from "./types.js";
