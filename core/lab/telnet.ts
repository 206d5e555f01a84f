// The client side of telnet (RFC 854) for a node's console, on wire/telnet.ts's codec:
// answers negotiation the way a character-mode client does: let the router echo (RFC 857)
// and suppress go-ahead (RFC 858), tell it the window size when it asks (NAWS, RFC 1073),
// refuse the rest.
import { DO, DONT, IAC, TelnetDecoder, TelnetOption, WILL, WONT, encodeNaws, telnetEscape, type TelnetHandler, type WindowSize } from "../router/wire/telnet";

export class TelnetClient {
  private readonly decoder = new TelnetDecoder();
  /** Our last answer per option: "remote:N" → DO/DONT, "local:N" → WILL/WONT. */
  private readonly sent = new Map<string, number>();
  private readonly handler: TelnetHandler = {
    negotiate: (verb, option) => this.negotiate(verb, option),
    subnegotiation: () => {}, // the server asks nothing of us by subnegotiation
    command: () => {}, // NOP, GA, and the other two-byte commands
  };

  constructor(
    /** Bytes to send to the server (negotiation replies). */
    private readonly reply: (bytes: Uint8Array) => void,
    private readonly windowSize: () => WindowSize = () => ({ columns: 80, rows: 24 }),
  ) {}

  /** Takes bytes from the server; returns those meant for the screen. */
  receive(bytes: Uint8Array): Uint8Array {
    return this.decoder.decode(bytes, this.handler);
  }

  /** Escapes user bytes for the wire (a 255 byte is sent twice). */
  static escape(bytes: Uint8Array): Uint8Array {
    return telnetEscape(bytes);
  }

  /** Sends the window size again (after a terminal resize), if the server asked for it. */
  resized(): void {
    if (this.sent.get(`local:${TelnetOption.NAWS}`) === WILL) this.reply(encodeNaws(this.windowSize()));
  }

  private negotiate(verb: number, option: number): void {
    // Answer only a change of mind, so two polite ends never loop (RFC 854 "rules" 2 and 3).
    const answer = (side: "remote" | "local", ours: number): void => {
      const key = `${side}:${option}`;
      if (this.sent.get(key) === ours) return;
      this.sent.set(key, ours);
      this.reply(Uint8Array.from([IAC, ours, option]));
    };
    switch (verb) {
      case WILL:
        answer("remote", option === TelnetOption.ECHO || option === TelnetOption.SUPPRESS_GO_AHEAD ? DO : DONT);
        break;
      case WONT:
        answer("remote", DONT);
        break;
      case DO:
        if (option === TelnetOption.NAWS) {
          answer("local", WILL);
          this.reply(encodeNaws(this.windowSize()));
        } else answer("local", option === TelnetOption.SUPPRESS_GO_AHEAD ? WILL : WONT);
        break;
      case DONT:
        answer("local", WONT);
        break;
    }
  }
}
