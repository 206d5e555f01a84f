import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AYT, DO, IAC, SB, SE, TelnetDecoder, TelnetOption, WILL, decodeNaws, encodeNaws, telnetEscape, type TelnetHandler } from "./telnet";

/** A handler that records what the decoder reports, and turns AYT into a marker data byte. */
function recorder(): { handler: TelnetHandler; events: string[] } {
  const events: string[] = [];
  return {
    events,
    handler: {
      negotiate: (verb, option) => events.push(`negotiate ${verb} ${option}`),
      subnegotiation: (bytes) => events.push(`sb ${bytes.join(",")}`),
      command: (code, data) => {
        events.push(`command ${code}`);
        if (code === AYT) data.push(0x3f);
      },
    },
  };
}

describe("the telnet codec", () => {
  it("separates data from negotiation, subnegotiation and commands, keeping a command's place in the data", () => {
    const { handler, events } = recorder();
    const data = new TelnetDecoder().decode(Uint8Array.from([0x61, IAC, WILL, 1, 0x62, IAC, AYT, 0x63, IAC, SB, 31, 0, 80, 0, 24, IAC, SE, IAC, IAC]), handler);
    expect([...data]).toEqual([0x61, 0x62, 0x3f, 0x63, 255]);
    expect(events).toEqual([`negotiate ${WILL} 1`, `command ${AYT}`, "sb 31,0,80,0,24"]);
  });

  it("carries a command split anywhere across chunks", () => {
    const bytes = [0x41, IAC, DO, 31, IAC, SB, 31, 0, IAC, IAC, 0, 24, IAC, SE, 0x42];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { handler, events } = recorder();
      const decoder = new TelnetDecoder();
      const data = [...decoder.decode(Uint8Array.from(bytes.slice(0, cut)), handler), ...decoder.decode(Uint8Array.from(bytes.slice(cut)), handler)];
      expect(data).toEqual([0x41, 0x42]);
      expect(events).toEqual([`negotiate ${DO} 31`, "sb 31,0,255,0,24"]);
    }
  });

  it("bounds a subnegotiation that never ends", () => {
    const { handler, events } = recorder();
    const decoder = new TelnetDecoder();
    decoder.decode(Uint8Array.from([IAC, SB, 31, ...new Array<number>(10_000).fill(7)]), handler);
    decoder.decode(Uint8Array.from([IAC, SE]), handler);
    expect(events[0].split(",").length).toBeLessThanOrEqual(64);
  });

  it("round-trips user bytes through escaping and decoding", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect([...new TelnetDecoder().decode(telnetEscape(bytes), recorder().handler)]).toEqual([...bytes]);
      }),
    );
  });

  it("encodes and decodes the NAWS window size, doubling a 255 in it", () => {
    expect([...encodeNaws({ columns: 255, rows: 40 })]).toEqual([IAC, SB, TelnetOption.NAWS, 0, 255, 255, 0, 40, IAC, SE]);
    const { handler, events } = recorder();
    new TelnetDecoder().decode(encodeNaws({ columns: 300, rows: 255 }), handler);
    expect(decodeNaws(events[0].slice(3).split(",").map(Number))).toEqual({ columns: 300, rows: 255 });
    expect(decodeNaws([24, 0, 80, 0, 24])).toBeUndefined();
  });
});
