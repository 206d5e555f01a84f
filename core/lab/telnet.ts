// The client side of telnet (RFC 854) for a node's console: separates option negotiation
// from the bytes to show, and answers it the way a character-mode client does: let the
// router echo (RFC 857) and suppress go-ahead (RFC 858), tell it the window size when it
// asks (NAWS, RFC 1073), refuse the rest.
const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;
const OPT_ECHO = 1;
const OPT_SGA = 3;
const OPT_NAWS = 31;

type ParseState = "data" | "iac" | "option" | "sb" | "sb-iac";

export class TelnetClient {
  private state: ParseState = "data";
  private verb = 0;
  /** Our last answer per option: "remote:N" → DO/DONT, "local:N" → WILL/WONT. */
  private readonly sent = new Map<string, number>();

  constructor(
    /** Bytes to send to the server (negotiation replies). */
    private readonly reply: (bytes: Uint8Array) => void,
    private readonly windowSize: () => { columns: number; rows: number } = () => ({ columns: 80, rows: 24 }),
  ) {}

  /** Takes bytes from the server; returns those meant for the screen. */
  receive(bytes: Uint8Array): Uint8Array {
    const out: number[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case "data":
          if (b === IAC) this.state = "iac";
          else out.push(b);
          break;
        case "iac":
          if (b === IAC) {
            out.push(IAC);
            this.state = "data";
          } else if (b === DO || b === DONT || b === WILL || b === WONT) {
            this.verb = b;
            this.state = "option";
          } else if (b === SB) this.state = "sb";
          else this.state = "data"; // NOP, GA, and other two-byte commands
          break;
        case "option":
          this.negotiate(this.verb, b);
          this.state = "data";
          break;
        case "sb":
          if (b === IAC) this.state = "sb-iac";
          break;
        case "sb-iac":
          this.state = b === SE ? "data" : "sb";
          break;
      }
    }
    return Uint8Array.from(out);
  }

  /** Escapes user bytes for the wire (a 255 byte is sent twice). */
  static escape(bytes: Uint8Array): Uint8Array {
    if (!bytes.includes(IAC)) return bytes;
    const out: number[] = [];
    for (const b of bytes) {
      out.push(b);
      if (b === IAC) out.push(IAC);
    }
    return Uint8Array.from(out);
  }

  /** Sends the window size again (after a terminal resize), if the server asked for it. */
  resized(): void {
    if (this.sent.get(`local:${OPT_NAWS}`) === WILL) this.sendWindowSize();
  }

  private negotiate(verb: number, option: number): void {
    // Answer only a change of mind, so two polite ends never loop (RFC 854 "rules" 2 and 3).
    const answer = (side: "remote" | "local", ours: number): boolean => {
      const key = `${side}:${option}`;
      if (this.sent.get(key) === ours) return false;
      this.sent.set(key, ours);
      this.reply(Uint8Array.from([IAC, ours, option]));
      return true;
    };
    switch (verb) {
      case WILL:
        answer("remote", option === OPT_ECHO || option === OPT_SGA ? DO : DONT);
        break;
      case WONT:
        answer("remote", DONT);
        break;
      case DO:
        if (option === OPT_NAWS) {
          answer("local", WILL);
          this.sendWindowSize();
        } else answer("local", option === OPT_SGA ? WILL : WONT);
        break;
      case DONT:
        answer("local", WONT);
        break;
    }
  }

  private sendWindowSize(): void {
    const { columns, rows } = this.windowSize();
    const size = [(columns >> 8) & 0xff, columns & 0xff, (rows >> 8) & 0xff, rows & 0xff];
    this.reply(Uint8Array.from([IAC, SB, OPT_NAWS, ...size.flatMap((b) => (b === IAC ? [IAC, IAC] : [b])), IAC, SE]));
  }
}
