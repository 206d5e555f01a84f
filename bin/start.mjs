#!/usr/bin/env node
// `npm start [-- LABDIR]`: the desktop app. It opens the Electron window when it can; where
// the Electron binary or a display is missing it says which, then does exactly what
// `flexlab serve LABDIR` does: serves the same app on 127.0.0.1 and prints its URL. Without
// LABDIR it opens the seed lab, labs/mpls-over-flexvpn.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const labdir = process.argv[2] ?? join(ROOT, "labs/mpls-over-flexvpn");

/** The Electron binary's path, or why there is none. */
function electronBinary() {
  let path;
  try {
    // The electron package's main export is the path of its downloaded binary.
    path = createRequire(import.meta.url)("electron");
  } catch {
    return { missing: "no Electron binary: the electron package is not installed (its install step downloads the binary from outside the npm registry)" };
  }
  if (typeof path !== "string" || !existsSync(path)) return { missing: "no Electron binary: the electron package is installed but its binary was not downloaded" };
  return { path };
}

function hasDisplay() {
  if (process.platform !== "linux") return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Runs `cmd args` with this terminal, passes Ctrl-C and SIGTERM on, exits with its code. */
function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
}

const electron = electronBinary();
if (electron.path && hasDisplay()) {
  const { buildElectron } = await import("./electron-bundle.mjs");
  run(electron.path, [await buildElectron(), labdir]);
} else {
  const why = electron.missing ?? "no display: neither DISPLAY nor WAYLAND_DISPLAY is set";
  console.error(`FlexLab: ${why}; serving the app for a browser instead (flexlab serve).`);
  run(process.execPath, [join(ROOT, "bin/flexlab.mjs"), "serve", labdir]);
}
