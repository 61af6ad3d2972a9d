// Bundles the frontend and the CLI into one file each: BuildKit starts the
// frontend on every build, and one file loads much faster than a node_modules tree.
import { constants as http2Constants } from "node:http2";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { slimgo: "src/cli/entry.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  format: "esm",
  // slimgo serve's SQLite is a native addon that finds its .node file from its own path: loaded from node_modules.
  external: ["better-sqlite3"],
  // grpc-js is CommonJS and requires Node built-ins at run time.
  banner: { js: "import { createRequire as __slimgoRequire } from 'node:module'; const require = __slimgoRequire(import.meta.url);" },
});

// The frontend, as one CommonJS script: `node --build-snapshot` takes only that (the Dockerfile builds the
// snapshot with the image's own node), and it also runs as it is where no snapshot was built. Beside it, the
// frontend image's filesystem builder, which the Dockerfile runs on the build platform's node. A snapshot cannot hold the http and http2 bindings, which grpc-js requires at load:
// those two are loaded on first use instead; the http2 constants grpc-js reads at load are fixed here.
const LAZY = new Set(["http", "http2", "tls", "worker_threads", "module"]);
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https?2?|tls|worker_threads|module)$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      // The stand-in's own require is the real module.
      if (args.namespace === "lazy-builtin") return { path: args.path, external: true };
      return LAZY.has(name) ? { path: name, namespace: "lazy-builtin" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
      const fixed = args.path === "http2" ? { constants: http2Constants } : {};
      return {
        contents: `const fixed = ${JSON.stringify(fixed)};
let real;
const load = () => (real ??= require("node:${args.path}"));
module.exports = new Proxy(fixed, {
  get: (t, k) => (k in t ? t[k] : load()[k]),
  has: (t, k) => k in t || k in load(),
});`,
        loader: "js",
      };
    });
  },
};
await build({
  ...common,
  entryPoints: { frontend: "src/server/main.ts", "node-rootfs": "scripts/frontend-image/node-rootfs.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  plugins: [lazyBuiltins],
});

