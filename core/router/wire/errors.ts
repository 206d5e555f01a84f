// The one error shape every wire/ parser returns for malformed input. Parsers never throw
// on bad bytes: they return a WireError naming the protocol, the field and the byte offset,
// so a router can count the drop with a reason and carry on.

export class WireError {
  readonly kind = "wire-error" as const;
  constructor(
    /** Protocol whose parser rejected the bytes, e.g. "ipv4". */
    readonly protocol: string,
    /** The field at fault, in the RFC's words, e.g. "header checksum". */
    readonly field: string,
    /** Byte offset of that field from the start of the buffer handed to the parser. */
    readonly offset: number,
    /** What was wrong, e.g. "truncated: need 20 bytes, have 12". */
    readonly reason: string,
  ) {}

  toString(): string {
    return `${this.protocol}: ${this.field} at offset ${this.offset}: ${this.reason}`;
  }
}

export function isWireError(value: unknown): value is WireError {
  return value instanceof WireError;
}

/** A short-buffer error, the most common one. */
export function truncated(protocol: string, field: string, offset: number, need: number, have: number): WireError {
  return new WireError(protocol, field, offset, `truncated: need ${need} bytes, have ${have}`);
}
