// Fuzzes the CDP codec by itself (codec-fuzz.ts), as nhrp-codec.ts does NHRP: the corpus's
// advertisements, with the checksum usually repaired so edits reach the TLVs behind it.
import { cdpChecksum, emitCdp, parseCdp, type CdpRepr } from "../../core/router/wire/cdp";
import { checkRoundTrip, fuzzCodec, type Codec, type CodecFuzzReport } from "./codec-fuzz";
import { cdpPdus } from "./corpus";
import { Random } from "./mutator";

const CDP: Codec<CdpRepr> = { parse: parseCdp, emit: emitCdp };

/** The oracle for one input: undefined when it holds, else what broke. */
export function checkCdpInput(input: Uint8Array): string | undefined {
  return checkRoundTrip(CDP, input);
}

/** Puts a valid checksum in the PDU's header. */
export function repairCdpChecksum(pdu: Uint8Array): void {
  if (pdu.length < 4) return;
  pdu[2] = pdu[3] = 0;
  const c = cdpChecksum(pdu);
  pdu[2] = c >>> 8;
  pdu[3] = c & 0xff;
}

export function fuzzCdpCodec(inputs: number, seed: number): CodecFuzzReport {
  // Seven inputs in eight get a good checksum; the eighth tests the check itself.
  const random = new Random(seed ^ 0xcd9);
  return fuzzCodec(CDP, cdpPdus().map((bytes) => ({ bytes, ipv4At: [] })), inputs, seed, (input) => {
    if (random.below(8) !== 0) repairCdpChecksum(input);
  });
}
