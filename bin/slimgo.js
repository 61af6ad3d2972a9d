#!/usr/bin/env node
// The slimgo command: the bundled CLI built by `npm run bundle`.
import "../dist/slimgo.mjs";
