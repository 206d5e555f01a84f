#!/usr/bin/env node
// npm's "prepare" (every `npm install` / `npm ci` in a clone): build the flexlab command's
// bundle and the app's renderer (dist/renderer/), and link node_modules/.bin/flexlab to it. The link is made here rather than by a
// "bin" field in package.json on purpose: for a command named in the local package's own
// "bin", `npx` first installs the whole project into its cache (about 0.15 s of npm work on
// every run), while a plain node_modules/.bin entry it runs directly.
import { mkdirSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, buildErrorText } from "./cli-bundle.mjs";
import { buildRenderer } from "./renderer-bundle.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function linkBin() {
  const dir = join(ROOT, "node_modules", ".bin");
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.flexlab.${process.pid}`);
  symlinkSync("../../bin/flexlab.mjs", temp);
  renameSync(temp, join(dir, "flexlab"));
}

try {
  linkBin();
  await buildBundle();
} catch (err) {
  console.error(`flexlab: preparing the command failed:\n${buildErrorText(err)}`);
  process.exitCode = 1;
}
try {
  await buildRenderer();
} catch (err) {
  console.error(`flexlab: building the app (dist/renderer/) failed:\n${buildErrorText(err)}`);
  process.exitCode = 1;
}
