// The telnet side of the console (RFC 854): separates the user's bytes from IAC commands,
// answers option negotiation, and reads the window size (NAWS, RFC 1073). The server offers
// what IOS offers: it echoes (WILL ECHO) and never sends go-ahead (WILL SUPPRESS-GO-AHEAD),
// which puts clients in character mode, and asks for the window size (DO NAWS). Pure: bytes
// in, bytes and events out, so it is tested without sockets.

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
export const NOP = 241;
export const SE = 240;

export const TelnetOption = { ECHO: 1, SUPPRESS_GO_AHEAD: 3, NAWS: 31 } as const;

/** Subnegotiations longer than this are garbage; IOS's are a few bytes. */
const MAX_SUBNEGOTIATION_BYTES = 64;

export interface WindowSize {
  readonly columns: number;
  readonly rows: number;
}

export interface TelnetInput {
  /** The user's bytes, IAC commands removed (IAC IAC is one 255; Interrupt Process is Ctrl-C). */
  readonly data: Uint8Array;
  /** What to send back (negotiation answers, "[Yes]" to Are You There). */
  readonly reply: Uint8Array;
  /** The last window size the client reported in this input, if it did. */
  readonly windowSize?: WindowSize;
}

type ParseState = "data" | "iac" | "option" | "sb" | "sb-iac";

export class TelnetConnection {
  private state: ParseState = "data";
  private verb = 0;
  private sb: number[] = [];
  /** Options we do (ECHO, SGA), and options the client does (NAWS): enabled from our offer. */
  private readonly ours = new Set<number>([TelnetOption.ECHO, TelnetOption.SUPPRESS_GO_AHEAD]);
  private readonly theirs = new Set<number>([TelnetOption.NAWS]);

  /** What the server says first: IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD, IAC DO NAWS. */
  hello(): Uint8Array {
    return Uint8Array.of(IAC, WILL, TelnetOption.ECHO, IAC, WILL, TelnetOption.SUPPRESS_GO_AHEAD, IAC, DO, TelnetOption.NAWS);
  }

  receive(chunk: Uint8Array): TelnetInput {
    const data: number[] = [];
    const reply: number[] = [];
    let windowSize: WindowSize | undefined;
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
          } else if (byte === IP || byte === BRK) data.push(0x03);
          else if (byte === EC) data.push(0x7f);
          else if (byte === EL) data.push(0x15);
          else if (byte === AYT) reply.push(...telnetText("\r\n[Yes]\r\n"));
          // NOP, DM, GA, AO and unknown commands: nothing to do.
          break;
        case "option":
          this.state = "data";
          reply.push(...this.negotiate(this.verb, byte));
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
            // IAC SE ends it; anything else is a broken client, and ends it too.
            this.state = "data";
            windowSize = this.subnegotiation(this.sb) ?? windowSize;
          }
          break;
      }
    }
    return { data: Uint8Array.from(data), reply: Uint8Array.from(reply), windowSize };
  }

  /**
   * Answers DO/DONT/WILL/WONT. We only answer when the request changes an option's state, so
   * two ends that both follow the rule never loop (RFC 854's "don't acknowledge" rule).
   */
  private negotiate(verb: number, option: number): number[] {
    switch (verb) {
      case DO:
        if (this.ours.has(option)) return [];
        return [IAC, WONT, option]; // we do nothing we did not offer
      case DONT:
        if (!this.ours.delete(option)) return [];
        return [IAC, WONT, option];
      case WILL:
        if (this.theirs.has(option)) return [];
        return [IAC, DONT, option];
      case WONT:
        if (!this.theirs.delete(option)) return [];
        return [IAC, DONT, option];
      default:
        return [];
    }
  }

  private subnegotiation(bytes: readonly number[]): WindowSize | undefined {
    // RFC 1073: IAC SB NAWS <width16> <height16> IAC SE; 0 means "not known".
    if (bytes[0] !== TelnetOption.NAWS || bytes.length < 5) return undefined;
    return { columns: (bytes[1] << 8) | bytes[2], rows: (bytes[3] << 8) | bytes[4] };
  }
}

/** Text to send on a telnet connection. UTF-8 never contains a 255 byte, so no IAC needs doubling. */
export function telnetText(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
