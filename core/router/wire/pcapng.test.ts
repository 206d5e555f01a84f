import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { concatBytes } from "./bytes";
import { isWireError } from "./errors";
import { LINKTYPE_ETHERNET, PcapngWriter, readPcapng, type PcapngRecord } from "./pcapng";

/** A writer whose blocks land in an array, and the whole capture as one buffer. */
function capture(): { writer: PcapngWriter; chunks: Uint8Array[]; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  const writer = new PcapngWriter((chunk) => chunks.push(chunk));
  const bytes = () => concatBytes(chunks);
  return { writer, chunks, bytes };
}

function records(bytes: Uint8Array): PcapngRecord[] {
  const result = readPcapng(bytes);
  if (isWireError(result)) throw new Error(result.toString());
  return result;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

// Hand-assembled little-endian blocks, from the pcapng draft's layouts.
const SHB = [
  0x0a, 0x0d, 0x0d, 0x0a, 44, 0, 0, 0, // block type, total length 44
  0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, // byte-order magic, version 1.0
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // section length -1 (unknown)
  4, 0, 7, 0, ...ascii("FlexLab"), 0, // shb_userappl, padded to 8
  0, 0, 0, 0, // opt_endofopt
  44, 0, 0, 0,
];
const IDB = [
  1, 0, 0, 0, 40, 0, 0, 0, // block type 1, total length 40
  1, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, // link type 1 (Ethernet), reserved, snaplen 262144
  2, 0, 4, 0, ...ascii("eth0"), // if_name
  9, 0, 1, 0, 6, 0, 0, 0, // if_tsresol 6 (microseconds), padded
  0, 0, 0, 0, 40, 0, 0, 0,
];
const EPB = [
  6, 0, 0, 0, 48, 0, 0, 0, // block type 6, total length 48
  0, 0, 0, 0, // interface 0
  0, 0, 0, 0, 0x60, 0xe3, 0x16, 0x00, // timestamp 1 500 000 µs: high word, low word
  3, 0, 0, 0, 3, 0, 0, 0, // captured and original length
  0xaa, 0xbb, 0xcc, 0, // frame padded to 32 bits
  1, 0, 2, 0, ...ascii("hi"), 0, 0, // opt_comment
  0, 0, 0, 0, 48, 0, 0, 0,
];

describe("pcapng writer", () => {
  it("streams a section header, an interface description and an enhanced packet, one sink call per block", () => {
    const { writer, chunks } = capture();
    expect(writer.addInterface("eth0", LINKTYPE_ETHERNET)).toBe(0);
    writer.writePacket(0, 1500, Uint8Array.of(0xaa, 0xbb, 0xcc), "hi");
    expect(chunks.map((c) => [...c])).toEqual([SHB, IDB, EPB]);
  });

  it("numbers interfaces in the order they are added", () => {
    const { writer } = capture();
    expect([writer.addInterface("Gi1"), writer.addInterface("Gi2"), writer.addInterface("Tunnel0")]).toEqual([0, 1, 2]);
  });

  it("writes if_tsresol 9 and nanosecond timestamps for a nanosecond interface", () => {
    const { writer, chunks, bytes } = capture();
    writer.addInterface("eth0", LINKTYPE_ETHERNET, { tsresol: 9 });
    expect([...chunks[1].subarray(24, 32)]).toEqual([9, 0, 1, 0, 9, 0, 0, 0]);
    writer.writePacket(0, 1_764_300_000_123_456_789n, new Uint8Array(60));
    writer.writePacket(0, 1_764_300_000_123.25, new Uint8Array(60));
    expect(records(bytes()).map((r) => r.timestampNs)).toEqual([1_764_300_000_123_456_789n, 1_764_300_000_123_250_000n]);
  });

  it("rounds nanoseconds down to the microsecond on a microsecond interface", () => {
    const { writer, bytes } = capture();
    writer.addInterface("eth0");
    writer.writePacket(0, 1_764_300_000_123_456_789n, new Uint8Array(1));
    expect(records(bytes())[0].timestampNs).toBe(1_764_300_000_123_456_000n);
  });

  it("cuts frames to the snaplen and keeps the original length", () => {
    const { writer, bytes } = capture();
    writer.addInterface("eth0", LINKTYPE_ETHERNET, { snaplen: 64 });
    writer.writePacket(0, 0, new Uint8Array(100).fill(7));
    const [record] = records(bytes());
    expect([record.data.length, record.originalLength]).toEqual([64, 100]);
  });

  it("refuses an unknown interface or a negative time, which are caller bugs", () => {
    const { writer } = capture();
    writer.addInterface("eth0");
    expect(() => writer.writePacket(1, 0, new Uint8Array(1))).toThrow(RangeError);
    expect(() => writer.writePacket(0, -1, new Uint8Array(1))).toThrow(RangeError);
  });
});

describe("pcapng reader (for tests)", () => {
  it("reads back the hand-assembled capture", () => {
    expect(records(Uint8Array.from([...SHB, ...IDB, ...EPB]))).toEqual([
      {
        interfaceId: 0,
        interfaceName: "eth0",
        linkType: LINKTYPE_ETHERNET,
        timestampNs: 1_500_000_000n,
        data: Uint8Array.of(0xaa, 0xbb, 0xcc),
        originalLength: 3,
        comment: "hi",
      },
    ]);
  });

  it("reads a big-endian section", () => {
    const be = Uint8Array.of(
      0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28,
      0, 0, 0, 1, 0, 0, 0, 20, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 20,
      0, 0, 0, 6, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0x12, 0x34, 0, 0, 0, 0, 0, 36,
    );
    const [record] = records(be);
    expect(record.timestampNs).toBe(((1n << 32n) + 2n) * 1000n);
    expect([...record.data]).toEqual([0x12, 0x34]);
  });

  it("skips blocks it does not know, and restarts interface numbering in a new section", () => {
    const unknown = [0xad, 0x0b, 0, 0, 16, 0, 0, 0, 1, 2, 3, 4, 16, 0, 0, 0];
    const result = records(Uint8Array.from([...SHB, ...unknown, ...IDB, ...EPB, ...SHB, ...IDB, ...EPB]));
    expect(result.map((r) => r.interfaceId)).toEqual([0, 0]);
  });

  it.each([
    ["a capture that does not start with a section header", [...IDB], "block type", 0],
    ["an unknown byte-order magic", [...SHB.slice(0, 8), 1, 2, 3, 4, ...SHB.slice(12)], "byte-order magic", 8],
    ["a block length that is not a multiple of 4", [...SHB.slice(0, 4), 45, ...SHB.slice(5)], "block total length", 4],
    ["a trailer length that differs", [...SHB.slice(0, 40), 40, 0, 0, 0], "block total length (trailer)", 40],
    ["a packet on an interface never described", [...SHB, ...EPB], "interface ID", 52],
    ["a captured length past the block", [...SHB, ...IDB, ...EPB.slice(0, 20), 99, ...EPB.slice(21)], "captured packet length", 104],
    ["an option running past the block", [...SHB, ...IDB.slice(0, 18), 40, ...IDB.slice(19)], "option length", 62],
    ["a block cut short", [...SHB, ...IDB.slice(0, 30)], "block body", 44],
  ])("rejects %s", (_name, input, field, offset) => {
    const err = readPcapng(Uint8Array.from(input));
    expect(isWireError(err) && [err.field, err.offset]).toEqual([field, offset]);
  });

  it("reads back whatever the writer wrote", () => {
    const arbPacket = fc.record({
      iface: fc.integer({ min: 0, max: 1 }),
      ns: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
      frame: fc.uint8Array({ maxLength: 70 }),
      comment: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbPacket, { maxLength: 6 }), (packets) => {
        const { writer, bytes } = capture();
        writer.addInterface("Gi1", LINKTYPE_ETHERNET, { tsresol: 6 });
        writer.addInterface("Tunnel0", LINKTYPE_ETHERNET, { tsresol: 9 });
        for (const p of packets) writer.writePacket(p.iface, p.ns, p.frame, p.comment);
        expect(records(bytes())).toEqual(
          packets.map((p) => ({
            interfaceId: p.iface,
            interfaceName: p.iface === 0 ? "Gi1" : "Tunnel0",
            linkType: LINKTYPE_ETHERNET,
            timestampNs: p.iface === 0 ? (p.ns / 1000n) * 1000n : p.ns,
            data: p.frame,
            originalLength: p.frame.length,
            comment: p.comment,
          })),
        );
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => void readPcapng(bytes)));
    const valid = Uint8Array.from([...SHB, ...IDB, ...EPB]);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (cut, at, value) => {
        readPcapng(valid.subarray(0, cut % (valid.length + 1)));
        const mutated = valid.slice();
        mutated[at % mutated.length] = value;
        readPcapng(mutated);
      }),
    );
  });
});
