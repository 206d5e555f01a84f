// The telnet byte stream (RFC 854): the command codes, a decoder that separates the data
// bytes from IAC commands, option negotiation and subnegotiations, and the encoders both
// ends need (IAC doubling, the NAWS window size of RFC 1073). Both the router's console
// server (agent/telnet.ts) and the lab's console client (lab/telnet.ts) use it; each keeps
// its own negotiation policy, since a server offers what a client accepts.

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const EL = 248;
export const EC = 247;
export const AYT = 246;
export const AO = 245;
export const IP = 244;
export const BRK = 243;
export const DM = 242;
export const NOP = 241;
export const SE = 240;

/** The options FlexLab's consoles negotiate: echo (RFC 857), suppress go-ahead (RFC 858), window size (RFC 1073). */
export const TelnetOption = { ECHO: 1, SUPPRESS_GO_AHEAD: 3, NAWS: 31 } as const;

/** Subnegotiations longer than this are garbage; the ones we read are a few bytes. */
const MAX_SUBNEGOTIATION_BYTES = 64;

export interface WindowSize {
  readonly columns: number;
  readonly rows: number;
}

/** What a decoder reports besides data. Each end answers in its own way. */
export interface TelnetHandler {
  /** IAC DO/DONT/WILL/WONT `option`. */
  negotiate(verb: number, option: number): void;
  /** IAC SB … IAC SE, the bytes between (option first), IAC IAC already undoubled. */
  subnegotiation(bytes: readonly number[]): void;
  /** A two-byte command (IP, AYT, EC, NOP, GA, …). Bytes pushed onto `data` take its place in the data stream. */
  command(code: number, data: number[]): void;
}

type DecodeState = "data" | "iac" | "option" | "sb" | "sb-iac";

/** Splits a telnet stream into data and commands; a command split across chunks is kept for the next one. */
export class TelnetDecoder {
  private state: DecodeState = "data";
  private verb = 0;
  private sb: number[] = [];

  /** Returns the data bytes of `chunk` (IAC IAC is one 255) and hands every command to `handler`, in order. */
  decode(chunk: Uint8Array, handler: TelnetHandler): Uint8Array {
    const data: number[] = [];
    for (const byte of chunk) {
      switch (this.state) {
        case "data":
          if (byte === IAC) this.state = "iac";
          else data.push(byte);
          break;
        case "iac":
          this.state = "data";
          if (byte === IAC) data.push(IAC);
          else if (byte === DO || byte === DONT || byte === WILL || byte === WONT) {
            this.verb = byte;
            this.state = "option";
          } else if (byte === SB) {
            this.sb = [];
            this.state = "sb";
          } else handler.command(byte, data);
          break;
        case "option":
          this.state = "data";
          handler.negotiate(this.verb, byte);
          break;
        case "sb":
          if (byte === IAC) this.state = "sb-iac";
          else if (this.sb.length < MAX_SUBNEGOTIATION_BYTES) this.sb.push(byte);
          break;
        case "sb-iac":
          if (byte === IAC) {
            // An escaped 255 inside the subnegotiation (a 255-column window).
            if (this.sb.length < MAX_SUBNEGOTIATION_BYTES) this.sb.push(IAC);
            this.state = "sb";
          } else {
            // IAC SE ends it; anything else is a broken peer, and ends it too.
            this.state = "data";
            handler.subnegotiation(this.sb);
          }
          break;
      }
    }
    return Uint8Array.from(data);
  }
}

/** Data bytes for the wire: a 255 byte is sent twice (RFC 854). */
export function telnetEscape(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(IAC)) return bytes;
  const out: number[] = [];
  for (const b of bytes) {
    out.push(b);
    if (b === IAC) out.push(IAC);
  }
  return Uint8Array.from(out);
}

/** Text to send on a telnet connection. UTF-8 never contains a 255 byte, so no IAC needs doubling. */
export function telnetText(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** IAC SB NAWS <width16> <height16> IAC SE (RFC 1073), a 255 in the sizes doubled. */
export function encodeNaws(size: WindowSize): Uint8Array {
  const { columns, rows } = size;
  const body = [(columns >> 8) & 0xff, columns & 0xff, (rows >> 8) & 0xff, rows & 0xff];
  return Uint8Array.from([IAC, SB, TelnetOption.NAWS, ...body.flatMap((b) => (b === IAC ? [IAC, IAC] : [b])), IAC, SE]);
}

/** The window size in a NAWS subnegotiation's bytes (option first); undefined for any other. 0 means "not known". */
export function decodeNaws(bytes: readonly number[]): WindowSize | undefined {
  if (bytes[0] !== TelnetOption.NAWS || bytes.length < 5) return undefined;
  return { columns: (bytes[1] << 8) | bytes[2], rows: (bytes[3] << 8) | bytes[4] };
}
