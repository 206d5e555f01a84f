// The one control message of the frames-over-UDP link between a lab bridge and a router's
// UdpNic (io/udp.ts): the bridge saying its cable was pulled or plugged back. Eight bytes,
// "FLXCARR" and 0 (down) or 1 (up): shorter than any Ethernet header, so no frame can be
// taken for one.

const MAGIC = [0x46, 0x4c, 0x58, 0x43, 0x41, 0x52, 0x52]; // "FLXCARR"
export const CARRIER_MESSAGE_LENGTH = MAGIC.length + 1;

export function emitCarrierMessage(up: boolean): Uint8Array {
  const out = new Uint8Array(CARRIER_MESSAGE_LENGTH);
  out.set(MAGIC);
  out[MAGIC.length] = up ? 1 : 0;
  return out;
}

/** The carrier a datagram announces, or undefined when it is not a carrier message. */
export function parseCarrierMessage(datagram: Uint8Array): boolean | undefined {
  if (datagram.length !== CARRIER_MESSAGE_LENGTH) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (datagram[i] !== MAGIC[i]) return undefined;
  const state = datagram[MAGIC.length];
  return state === 1 ? true : state === 0 ? false : undefined;
}
