import { describe, expect, it } from "vitest";
import { AYT, DO, DONT, IAC, IP, NOP, SB, SE, TelnetOption, WILL, WONT } from "../wire/telnet";
import { TelnetConnection } from "./telnet";

const { ECHO, SUPPRESS_GO_AHEAD: SGA, NAWS } = TelnetOption;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const naws = (columns: number, rows: number): number[] => [IAC, SB, NAWS, columns >> 8, columns & 0xff, rows >> 8, rows & 0xff, IAC, SE];

describe("the console's telnet", () => {
  it("offers to echo and suppress go-ahead, and asks for the window size", () => {
    expect([...new TelnetConnection().hello()]).toEqual([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS]);
  });

  it("passes typed text through and strips IAC commands from it", () => {
    const t = new TelnetConnection();
    const r = t.receive(bytes(0x65, IAC, NOP, 0x6e, IAC, DO, ECHO, 0x61));
    expect(text(r.data)).toBe("ena");
    expect(r.reply).toHaveLength(0);
  });

  it("does not answer the client agreeing to what we offered (no negotiation loop)", () => {
    const t = new TelnetConnection();
    const r = t.receive(bytes(IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, NAWS));
    expect(r.reply).toHaveLength(0);
  });

  it("refuses options it does not support", () => {
    const t = new TelnetConnection();
    const r = t.receive(bytes(IAC, DO, 24, IAC, WILL, 24));
    expect([...r.reply]).toEqual([IAC, WONT, 24, IAC, DONT, 24]);
  });

  it("acknowledges a client turning an option off once, and only once", () => {
    const t = new TelnetConnection();
    expect([...t.receive(bytes(IAC, DONT, ECHO)).reply]).toEqual([IAC, WONT, ECHO]);
    expect(t.receive(bytes(IAC, DONT, ECHO)).reply).toHaveLength(0);
    expect([...t.receive(bytes(IAC, WONT, NAWS)).reply]).toEqual([IAC, DONT, NAWS]);
    expect(t.receive(bytes(IAC, WONT, NAWS)).reply).toHaveLength(0);
  });

  it("reads the window size from NAWS", () => {
    const t = new TelnetConnection();
    expect(t.receive(bytes(...naws(132, 50))).windowSize).toEqual({ columns: 132, rows: 50 });
  });

  it("reads a NAWS split across packets, with an escaped 255 in it", () => {
    const t = new TelnetConnection();
    const all = [IAC, SB, NAWS, 0, IAC, IAC, 0, 40, IAC, SE];
    expect(t.receive(bytes(...all.slice(0, 5))).windowSize).toBeUndefined();
    expect(t.receive(bytes(...all.slice(5))).windowSize).toEqual({ columns: 255, rows: 40 });
  });

  it("keeps a doubled IAC as one 255 data byte", () => {
    const r = new TelnetConnection().receive(bytes(0x41, IAC, IAC, 0x42));
    expect([...r.data]).toEqual([0x41, 255, 0x42]);
  });

  it("turns Interrupt Process into Ctrl-C", () => {
    expect([...new TelnetConnection().receive(bytes(IAC, IP)).data]).toEqual([0x03]);
  });

  it("answers Are You There", () => {
    expect(text(new TelnetConnection().receive(bytes(IAC, AYT)).reply)).toBe("\r\n[Yes]\r\n");
  });

  it("handles a command split between two packets", () => {
    const t = new TelnetConnection();
    expect(t.receive(bytes(0x61, IAC)).data).toEqual(bytes(0x61));
    const r = t.receive(bytes(DO, 24, 0x62));
    expect([...r.data]).toEqual([0x62]);
    expect([...r.reply]).toEqual([IAC, WONT, 24]);
  });
});
