// Builds the addon when npm installs this package, and never fails the install: FlexLab runs
// without packet sockets (memory and UDP links need none), so on macOS or Windows, or with no
// compiler, this prints why the addon is missing and exits 0. `--strict` (npm run build) fails
// instead, for image builds that need the addon.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { dirname, join } = require("node:path");

const strict = process.argv.includes("--strict");

function giveUp(reason) {
  const message = `@flexlab/packet-socket: addon not built: ${reason}. The packet-socket runtime is unavailable; memory and UDP links still work.`;
  if (strict) {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

if (process.platform !== "linux") giveUp(`AF_PACKET is Linux-only (this is ${process.platform})`);

// npm tells its scripts where its bundled node-gyp is; run by hand, look next to this node's
// npm, then on PATH.
const prefix = dirname(dirname(process.execPath));
const nodeGypJs = [
  process.env.npm_config_node_gyp,
  join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
].find((path) => path && existsSync(path));
const command = nodeGypJs ? process.execPath : "node-gyp";
const args = nodeGypJs ? [nodeGypJs, "rebuild"] : ["rebuild"];

// node-gyp downloads Node's headers unless told where they are; use the ones installed next
// to this node binary when nobody configured a nodedir (the build machines are offline).
if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node_api.h"))) {
  args.push(`--nodedir=${prefix}`);
}

const result = spawnSync(command, args, { cwd: __dirname, stdio: "inherit" });
if (result.error) giveUp(`cannot run node-gyp (${result.error.message})`);
if (result.status !== 0) giveUp(`node-gyp rebuild exited with ${result.status ?? result.signal} (is a C compiler, make and python3 installed?)`);
