import { describe, expect, it } from "vitest";
import { concatBytes } from "./bytes";
import { isWireError } from "./errors";
import { LinkType, readCapture, readPcap, writePcap } from "./pcap";
import { PcapngWriter } from "./pcapng";

const FRAMES = [
  { timestampNs: 1_764_300_000_123_456_789n, data: Uint8Array.of(1, 2, 3, 4, 5) },
  { timestampNs: 1_764_300_001_000_000_001n, data: Uint8Array.of(6, 7) },
];

describe("classic pcap", () => {
  for (const bigEndian of [false, true]) {
    for (const nanoseconds of [false, true]) {
      it(`reads back what it wrote (${bigEndian ? "big" : "little"}-endian, ${nanoseconds ? "nano" : "micro"}seconds)`, () => {
        const file = writePcap(FRAMES, { bigEndian, nanoseconds, linkType: LinkType.LinuxSll2 });
        const records = readPcap(file);
        if (isWireError(records)) throw new Error(records.toString());
        expect(records.map((r) => [r.linkType, r.timestampNs, [...r.data], r.originalLength])).toEqual([
          [276, nanoseconds ? 1_764_300_000_123_456_789n : 1_764_300_000_123_456_000n, [1, 2, 3, 4, 5], 5],
          [276, nanoseconds ? 1_764_300_001_000_000_001n : 1_764_300_001_000_000_000n, [6, 7], 2],
        ]);
      });
    }
  }

  it("writes the magic tcpdump writes: a1b2c3d4 little-endian, version 2.4", () => {
    expect([...writePcap([]).subarray(0, 8)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
    expect([...writePcap([], { bigEndian: true, nanoseconds: true }).subarray(0, 4)]).toEqual([0xa1, 0xb2, 0x3c, 0x4d]);
  });

  it("names the magic number when the file is not a capture", () => {
    const error = readPcap(new TextEncoder().encode("this is not a capture file at all"));
    expect(error.toString()).toBe("pcap: magic number at offset 0: 0x74686973 is neither 0xa1b2c3d4 nor 0xa1b23c4d in either byte order");
  });

  it("names the record that runs past the end of the file, with its offset", () => {
    const file = writePcap(FRAMES);
    expect(readPcap(file.subarray(0, file.length - 1)).toString()).toBe("pcap: record 2 data at offset 61: truncated: need 2 bytes, have 1");
    expect(readPcap(file.subarray(0, 50)).toString()).toBe("pcap: record 2 header at offset 45: truncated: need 16 bytes, have 5");
    expect(readPcap(file.subarray(0, 10)).toString()).toBe("pcap: global header at offset 0: truncated: need 24 bytes, have 10");
  });

  it("refuses a sub-second field of a second or more, and a major version other than 2", () => {
    const file = writePcap(FRAMES);
    new DataView(file.buffer).setUint32(28, 1_000_000, true);
    expect(readPcap(file).toString()).toBe("pcap: record 1 microseconds at offset 28: 1000000 is not less than one second");
    const version = writePcap(FRAMES);
    version[4] = 1;
    expect(readPcap(version).toString()).toBe("pcap: major version at offset 4: 1 is not 2");
  });
});

describe("readCapture", () => {
  it("opens pcapng and classic pcap alike", () => {
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((c) => chunks.push(c));
    const id = writer.addInterface("Ethernet0/0", LinkType.Ethernet, { tsresol: 9 });
    for (const f of FRAMES) writer.writePacket(id, f.timestampNs, f.data);
    const pcapng = concatBytes(chunks);
    const fromNg = readCapture(pcapng);
    const fromPcap = readCapture(writePcap(FRAMES, { nanoseconds: true }));
    if (isWireError(fromNg) || isWireError(fromPcap)) throw new Error("unreadable");
    expect(fromNg.map((r) => [r.timestampNs, [...r.data], r.interfaceName])).toEqual(FRAMES.map((f) => [f.timestampNs, [...f.data], "Ethernet0/0"]));
    expect(fromPcap.map((r) => [r.timestampNs, [...r.data], r.interfaceName])).toEqual(FRAMES.map((f) => [f.timestampNs, [...f.data], undefined]));
  });

  it("says why a file too short for any magic is not a capture", () => {
    expect(readCapture(Uint8Array.of(1, 2)).toString()).toBe("capture: magic number at offset 0: truncated: need 4 bytes, have 2");
  });
});
