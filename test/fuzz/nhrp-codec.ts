// Fuzzes the NHRP codec by itself (codec-fuzz.ts): the receive-path corpus's NHRP packets, with
// the mutator repairing their checksums so edits reach the fields behind it.
import { emitNhrp, parseNhrp, type NhrpPacket } from "../../core/router/wire/nhrp";
import { checkRoundTrip, fuzzCodec, type Codec, type CodecFuzzReport } from "./codec-fuzz";
import { nhrpPackets } from "./corpus";

const NHRP: Codec<NhrpPacket> = { parse: (bytes) => parseNhrp(bytes), emit: emitNhrp };

/** The oracle for one input: undefined when it holds, else what broke. */
export function checkNhrpInput(input: Uint8Array): string | undefined {
  return checkRoundTrip(NHRP, input);
}

export function fuzzNhrpCodec(inputs: number, seed: number): CodecFuzzReport {
  return fuzzCodec(NHRP, nhrpPackets().map((bytes) => ({ bytes, ipv4At: [], nhrpAt: 0 })), inputs, seed);
}
