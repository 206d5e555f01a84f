import { describe, expect, it } from "vitest";
import { dataFrame, PortForwardReader } from "./kube-portforward";

describe("the v4.channel.k8s.io port-forward framing", () => {
  it("sends data on channel 0, the channel byte first", () => {
    expect([...dataFrame(Buffer.from("hi"))]).toEqual([0, 0x68, 0x69]);
  });

  it("drops each channel's two-byte little-endian port header, also when split across messages", () => {
    const r = new PortForwardReader();
    expect(r.read(Buffer.from([0, 0x14]))).toEqual([]);
    expect(r.read(Buffer.from([0, 0x09, 0x41]))).toEqual([
      { kind: "port", channel: 0, port: 2324 },
      { kind: "data", bytes: Buffer.from("A") },
    ]);
    expect(r.read(Buffer.from([0, 0x00, 0x00]))).toEqual([{ kind: "data", bytes: Buffer.from([0, 0]) }]); // later bytes are data
    expect(r.read(Buffer.from([1, 0x14, 0x09]))).toEqual([{ kind: "port", channel: 1, port: 2324 }]);
    expect(r.read(Buffer.concat([Buffer.from([1]), Buffer.from("refused")]))).toEqual([{ kind: "error", text: "refused" }]);
  });

  it("counts and drops empty messages and channels of ports it did not ask for", () => {
    const r = new PortForwardReader();
    expect(r.read(Buffer.alloc(0))).toEqual([]);
    expect(r.read(Buffer.from([2, 1, 2, 3]))).toEqual([]);
    expect(r.dropped).toBe(2);
  });
});
