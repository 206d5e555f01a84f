// Test-only fault injection for router hosts (core/router/agent/host.ts). Loaded into a
// process with `--import` (by the tests that want it, never by FlexLab; it arms itself in
// router hosts only), it makes one frame throw where a router's UDP port delivers it: an
// ICMP echo request of exactly HOST_FAULT_PING_SIZE bytes (`ping ADDRESS size 1111`).
// That is an exception escaping every guard of the router owning the port, as a bug in the
// agent would; the host must close that router alone and report it crashed, and every other
// router in the process runs on. Without this file the same ping is an ordinary ping.
import dgram from "node:dgram";

/** The IPv4 total length that trips the fault: `ping … size 1111`. */
export const HOST_FAULT_PING_SIZE = 1111;

function isFaultPing(frame) {
  // Ethernet II, IPv4 (0x0800); total length; protocol ICMP; echo request.
  return frame.length >= 14 + 20 + 8 && frame.readUInt16BE(12) === 0x0800 && frame.readUInt16BE(16) === HOST_FAULT_PING_SIZE && frame[23] === 1 && frame[14 + (frame[14] & 0x0f) * 4] === 8;
}

if (process.argv.some((a) => a.startsWith("--router-host"))) {
  const emit = dgram.Socket.prototype.emit;
  dgram.Socket.prototype.emit = function (event, ...args) {
    if (event === "message" && Buffer.isBuffer(args[0]) && isFaultPing(args[0])) throw new Error("injected fault (test/support/host-fault.mjs)");
    return emit.call(this, event, ...args);
  };
}
