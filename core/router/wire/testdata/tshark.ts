// Running tshark for the interop tests (tshark.test.ts, bgp-tshark.test.ts,
// ikev2-tshark.test.ts): whether it is installed, the expert severity they hold frames
// under, and the field table of a capture file. .ci/run installs tshark.

import { spawnSync } from "node:child_process";

export const HAS_TSHARK = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;

/** Wireshark's expert severities (epan/proto.h): comment, chat, note, warning, error. */
export const PI_WARN = 0x00600000;

/** tshark's stdout for `args`; a failed run throws with its stderr. */
export function runTshark(args: readonly string[]): string {
  const result = spawnSync("tshark", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tshark failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** `fields` for each frame of `file` (matching `filter`, if given), checksum validation on
 * wherever it is optional; a field seen more than once is its values joined by commas. */
export function tsharkFields(file: string, fields: readonly string[], filter?: string): string[][] {
  const args = ["-r", file, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
  if (filter) args.push("-Y", filter);
  args.push("-T", "fields", "-E", "separator=|", "-E", "aggregator=,", ...fields.flatMap((f) => ["-e", f]));
  return runTshark(args).split("\n").filter((line) => line !== "").map((line) => line.split("|"));
}
