// Loads the compiled addon. packet.ts in core/router/io wraps it in a Nic; load errors say
// why the addon is missing (not Linux, never built).
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const candidates = ["Release", "Debug"].map((dir) => join(__dirname, "build", dir, "packet_socket.node"));
const found = candidates.find((path) => existsSync(path));
if (process.platform !== "linux") {
  throw new Error(`AF_PACKET is Linux-only (this is ${process.platform})`);
}
if (!found) {
  throw new Error(`no build/Release/packet_socket.node in ${__dirname}; build it with \`npm run build:packet-socket\` at the repository root (needs a C compiler, make and python3)`);
}
module.exports = require(found);
