import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { demuxLog, describeExit, macMismatch, readyLineOn, tailLines, type ContainerFacts } from "./docker-node";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("docker router container", () => {
  it("splits the engine's multiplexed log into stdout and stderr", () => {
    const log = Buffer.concat([frame(1, "flexlab-agent ready name=R1 console=2323 mgmt=2324\n"), frame(2, "oops\n"), frame(1, "more\n")]);
    expect(demuxLog(log)).toEqual({ stdout: "flexlab-agent ready name=R1 console=2323 mgmt=2324\nmore\n", stderr: "oops\n" });
  });

  it("ignores a frame cut short at the end of the buffer", () => {
    const cut = frame(2, "complete\n").subarray(0, 12);
    expect(demuxLog(Buffer.concat([frame(1, "a\n"), cut])).stdout).toBe("a\n");
  });

  it("sees the ready line on the attached output however the engine cuts its frames, and only on stdout", async () => {
    const ready = "flexlab-agent ready name=R1 console=2323 mgmt=2324\n";
    const bytes = Buffer.concat([frame(2, ready), frame(1, "booting\nflexlab-agent rea"), frame(1, ready.slice(17))]);
    for (const cut of [1, 3, 8, 9, 20, bytes.length - 1]) {
      const output = new PassThrough();
      const seen = readyLineOn(output);
      output.write(bytes.subarray(0, cut));
      output.write(bytes.subarray(cut));
      expect(await seen).toBe(true);
    }
    const ended = new PassThrough();
    const seen = readyLineOn(ended);
    ended.end(Buffer.concat([frame(2, ready), frame(1, "flexlab-agent ready name=R1\n")]));
    expect(await seen).toBe(false);
  });

  it("keeps the last lines of a log for a crash report", () => {
    expect(tailLines("a\nb\n\nc\n", 2)).toEqual(["b", "c"]);
  });

  it("reports just the error when the agent refused its arguments, not the usage after it", () => {
    expect(tailLines("error: option '--port <spec>' argument 'x' is invalid.\n\nUsage: flexlab-agent [options]\n  --name <name>\n")).toEqual([
      "error: option '--port <spec>' argument 'x' is invalid.",
    ]);
  });

  it("says how a container ended", () => {
    expect(describeExit({ exitCode: 2, oomKilled: false })).toBe("exited with code 2");
    expect(describeExit({ exitCode: 137, oomKilled: false })).toBe("killed by SIGKILL");
    expect(describeExit({ exitCode: 137, oomKilled: true })).toMatch(/out of memory/);
  });

  it("notices an engine that gave a link NIC another MAC than the agent was told", () => {
    const wiring = { name: "R1", containerName: "c", links: [{ network: "link0", iface: "Ethernet0/0", mac: "02:42:0a:ff:00:0a" }] };
    const facts = (mac: string): ContainerFacts => ({ id: "x", running: true, exitCode: 0, oomKilled: false, macs: new Map([["link0", mac]]) });
    expect(macMismatch(wiring, facts("02:42:0a:ff:00:0a"))).toBeUndefined();
    expect(macMismatch(wiring, facts("5e:11:22:33:44:55"))).toMatch(/R1 Ethernet0\/0: the engine gave the NIC on link0 MAC 5e:11:22:33:44:55, not 02:42:0a:ff:00:0a/);
  });
});
