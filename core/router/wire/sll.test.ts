import { describe, expect, it } from "vitest";
import { isWireError } from "./errors";
import { ARPHRD_ETHER, SllPacketType, buildSll, buildSll2, parseSll, parseSll2 } from "./sll";

const address = Uint8Array.of(0xaa, 0xbb, 0xcc, 0, 1, 0);
const payload = Uint8Array.of(0x45, 0, 0, 20);

describe("Linux cooked capture headers", () => {
  it("round-trips an SLL v1 header: 16 bytes, protocol last", () => {
    const bytes = buildSll({ packetType: SllPacketType.Outgoing, arphrdType: ARPHRD_ETHER, address, protocol: 0x0800 }, payload);
    expect([...bytes.subarray(0, 16)]).toEqual([0, 4, 0, 1, 0, 6, 0xaa, 0xbb, 0xcc, 0, 1, 0, 0, 0, 0x08, 0x00]);
    const p = parseSll(bytes);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ packetType: 4, arphrdType: 1, address, protocol: 0x0800 });
    expect([...p.payload]).toEqual([...payload]);
  });

  it("round-trips an SLL2 header: 20 bytes, protocol first, with the interface index", () => {
    const bytes = buildSll2({ packetType: SllPacketType.Host, arphrdType: ARPHRD_ETHER, address, protocol: 0x8847, interfaceIndex: 7 }, payload);
    expect([...bytes.subarray(0, 12)]).toEqual([0x88, 0x47, 0, 0, 0, 0, 0, 7, 0, 1, 0, 6]);
    const p = parseSll2(bytes);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ packetType: 0, arphrdType: 1, address, protocol: 0x8847, interfaceIndex: 7 });
    expect([...p.payload]).toEqual([...payload]);
  });

  it("rejects a short header naming the version", () => {
    expect(parseSll(new Uint8Array(15)).toString()).toBe("sll: header at offset 0: truncated: need 16 bytes, have 15");
    expect(parseSll2(new Uint8Array(19)).toString()).toBe("sll2: header at offset 0: truncated: need 20 bytes, have 19");
  });
});
