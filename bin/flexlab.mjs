#!/usr/bin/env node
// Entry point of the `flexlab` command (also `npx flexlab` in a clone). Runs the TypeScript
// sources through tsx so a fresh `npm install` is all it takes; packaged builds use the bundle.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const bundle = fileURLToPath(new URL("../dist/flexlab.mjs", import.meta.url));
if (process.env.FLEXLAB_FROM_SOURCE !== "1" && existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../core/cli/main.ts");
}
