// The server side of the console's telnet (RFC 854), on wire/telnet.ts's codec: answers
// option negotiation and reads the window size (NAWS, RFC 1073). The server offers what IOS
// offers: it echoes (WILL ECHO) and never sends go-ahead (WILL SUPPRESS-GO-AHEAD), which puts
// clients in character mode, and asks for the window size (DO NAWS). Pure: bytes in, bytes
// and events out, so it is tested without sockets.
import {
  AYT,
  BRK,
  DO,
  DONT,
  EC,
  EL,
  IAC,
  IP,
  TelnetDecoder,
  TelnetOption,
  WILL,
  WONT,
  decodeNaws,
  telnetText,
  type TelnetHandler,
  type WindowSize,
} from "../wire/telnet";

export interface TelnetInput {
  /** The user's bytes, IAC commands removed (IAC IAC is one 255; Interrupt Process is Ctrl-C). */
  readonly data: Uint8Array;
  /** What to send back (negotiation answers, "[Yes]" to Are You There). */
  readonly reply: Uint8Array;
  /** The last window size the client reported in this input, if it did. */
  readonly windowSize?: WindowSize;
}

export class TelnetConnection {
  private readonly decoder = new TelnetDecoder();
  /** Options we do (ECHO, SGA), and options the client does (NAWS): enabled from our offer. */
  private readonly ours = new Set<number>([TelnetOption.ECHO, TelnetOption.SUPPRESS_GO_AHEAD]);
  private readonly theirs = new Set<number>([TelnetOption.NAWS]);
  private reply: number[] = [];
  private windowSize: WindowSize | undefined;
  private readonly handler: TelnetHandler = {
    negotiate: (verb, option) => this.negotiate(verb, option),
    subnegotiation: (bytes) => {
      this.windowSize = decodeNaws(bytes) ?? this.windowSize;
    },
    command: (code, data) => {
      if (code === IP || code === BRK) data.push(0x03);
      else if (code === EC) data.push(0x7f);
      else if (code === EL) data.push(0x15);
      else if (code === AYT) this.reply.push(...telnetText("\r\n[Yes]\r\n"));
      // NOP, DM, GA, AO and unknown commands: nothing to do.
    },
  };

  /** What the server says first: IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD, IAC DO NAWS. */
  hello(): Uint8Array {
    return Uint8Array.of(IAC, WILL, TelnetOption.ECHO, IAC, WILL, TelnetOption.SUPPRESS_GO_AHEAD, IAC, DO, TelnetOption.NAWS);
  }

  receive(chunk: Uint8Array): TelnetInput {
    this.reply = [];
    this.windowSize = undefined;
    const data = this.decoder.decode(chunk, this.handler);
    return { data, reply: Uint8Array.from(this.reply), windowSize: this.windowSize };
  }

  /**
   * Answers DO/DONT/WILL/WONT. We only answer when the request changes an option's state, so
   * two ends that both follow the rule never loop (RFC 854's "don't acknowledge" rule).
   */
  private negotiate(verb: number, option: number): void {
    switch (verb) {
      case DO:
        if (!this.ours.has(option)) this.reply.push(IAC, WONT, option); // we do nothing we did not offer
        break;
      case DONT:
        if (this.ours.delete(option)) this.reply.push(IAC, WONT, option);
        break;
      case WILL:
        if (!this.theirs.has(option)) this.reply.push(IAC, DONT, option);
        break;
      case WONT:
        if (this.theirs.delete(option)) this.reply.push(IAC, DONT, option);
        break;
    }
  }
}
