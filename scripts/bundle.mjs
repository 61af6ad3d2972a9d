// Bundles the frontend into one file: BuildKit starts it on every build,
// and one file loads much faster than a node_modules tree.
import { build } from "esbuild";

await build({
  entryPoints: { frontend: "src/server/main.ts", slimgo: "src/cli/entry.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  // grpc-js is CommonJS and requires Node built-ins at run time.
  banner: { js: "import { createRequire as __slimgoRequire } from 'node:module'; const require = __slimgoRequire(import.meta.url);" },
  logLevel: "warning",
});
