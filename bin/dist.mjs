#!/usr/bin/env node
// `npm run dist`: the desktop app as installable packages (AppImage and deb, dmg, nsis) in
// dist/packages/, with electron-builder and build/electron-builder.json. It builds what the
// packages hold first: the renderer, the Electron main and preload bundles, the CLI and
// agent bundles, and the router image as a tar file (dist/router-image.tar, `flexlab image
// save`), so a packaged app runs labs offline. electron-builder and Electron are not
// dependencies: both fetch binaries from outside the npm registry, so they are installed for
// this step only (`npm install --no-save electron-builder electron@39`).
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, buildBundle } from "./cli-bundle.mjs";
import { buildElectron } from "./electron-bundle.mjs";
import { buildRenderer } from "./renderer-bundle.mjs";

export const BUILDER_CONFIG = "build/electron-builder.json";
export const ROUTER_IMAGE_TAR = "dist/router-image.tar";

/** Builds everything the packages hold, then runs electron-builder; exits 1 without it. */
export async function dist(builderArgs) {
  const require = createRequire(import.meta.url);
  let builderCli;
  try {
    builderCli = require.resolve("electron-builder/cli.js", { paths: [ROOT] });
    require.resolve("electron/package.json", { paths: [ROOT] });
  } catch {
    console.error("flexlab dist: electron-builder and electron are not installed (they download Electron and packaging tools from outside the npm registry).");
    console.error("Install them for this step with: npm install --no-save electron-builder electron@39");
    process.exitCode = 1;
    return;
  }
  const flexlab = (...args) => execFileSync(process.execPath, [join(ROOT, "bin/flexlab.mjs"), ...args], { cwd: ROOT, stdio: "inherit" });
  await buildBundle();
  await buildRenderer();
  await buildElectron();
  flexlab("image", "build");
  flexlab("image", "save", join(ROOT, ROUTER_IMAGE_TAR));
  execFileSync(process.execPath, [builderCli, "--config", BUILDER_CONFIG, "--linux", "--mac", "--win", ...builderArgs], { cwd: ROOT, stdio: "inherit" });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await dist(process.argv.slice(2));
