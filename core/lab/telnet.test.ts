import { describe, expect, it } from "vitest";
import { TelnetClient } from "./telnet";

const IAC = 255;
const [DONT, DO, WONT, WILL, SB, SE] = [254, 253, 252, 251, 250, 240];

function client(): { telnet: TelnetClient; sent: number[][] } {
  const sent: number[][] = [];
  const telnet = new TelnetClient((b) => sent.push([...b]), () => ({ columns: 120, rows: 40 }));
  return { telnet, sent };
}

describe("TelnetClient", () => {
  it("lets the router echo and suppress go-ahead, refuses other options, and answers each once", () => {
    const { telnet, sent } = client();
    const shown = telnet.receive(Uint8Array.from([IAC, WILL, 1, IAC, WILL, 3, 0x52, IAC, WILL, 1, IAC, DO, 24, 0x31]));
    expect([...shown]).toEqual([0x52, 0x31]);
    expect(sent).toEqual([
      [IAC, DO, 1],
      [IAC, DO, 3],
      [IAC, WONT, 24],
    ]);
  });

  it("reports the window size when asked (NAWS) and again after a resize", () => {
    const { telnet, sent } = client();
    telnet.receive(Uint8Array.from([IAC, DO, 31]));
    telnet.resized();
    const naws = [IAC, SB, 31, 0, 120, 0, 40, IAC, SE];
    expect(sent).toEqual([[IAC, WILL, 31], naws, naws]);
  });

  it("keeps IAC IAC as one 255 byte, skips subnegotiations, and survives split commands", () => {
    const { telnet } = client();
    expect([...telnet.receive(Uint8Array.from([0x41, IAC]))]).toEqual([0x41]);
    expect([...telnet.receive(Uint8Array.from([IAC, 0x42, IAC, SB, 24, 1, IAC, SE, 0x43, IAC]))]).toEqual([255, 0x42, 0x43]);
    expect([...telnet.receive(Uint8Array.from([DONT, 5, 0x44]))]).toEqual([0x44]);
  });

  it("escapes a 255 byte typed by the user", () => {
    expect([...TelnetClient.escape(Uint8Array.from([1, 255, 2]))]).toEqual([1, 255, 255, 2]);
  });
});
