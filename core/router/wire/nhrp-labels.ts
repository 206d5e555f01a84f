// FlexLab's MPLS label extension to NHRP, for MPLS over FlexVPN (`mpls nhrp`). No public
// standard encodes a label in NHRP (see protocols.md), so this is our own format: a vendor
// private extension (type 8, not compulsory, so other NHRP speakers skip it, and Wireshark
// shows it as vendor data) whose value is:
//   vendor ID (3) = FLEXLAB_LABEL_OUI ("FLX"), format version (1) = 1, then sub-TLVs, each
//   type (2), length (2, bytes of value), value, 4-byte aligned since the header is:
//     1 = VRF label: length 4, the label in the low 20 bits of a 4-byte field (top 12 bits
//         zero), so label 16 reads 00 00 00 10 in a hex dump.
//     2 = CIE labels: length 4 x n, one such 4-byte field per label.
//   Each sub-TLV at most once; an unknown sub-TLV type, a wrong length or a set top bit is a
//   WireError (we own both ends, so anything else is a bug, not a newer peer).
// It carries `vrfLabel` (the overlay label that names the VRF a redirect or a resolution
// request is about) and `cieLabels` (one label per CIE, in CIE order: the mandatory part's
// CIEs, then the responder address extension's CIE; 3 is implicit-null).
// The extension list around it is nhrp-extensions.ts.
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { WireError, truncated } from "./errors";
import { LABEL_MAX, type Label } from "./mpls";

/** The vendor ID of FlexLab's label extension: "FLX", a locally administered CID (the
 * second-lowest bit of its first octet is set), so it claims no IEEE-assigned OUI. */
export const FLEXLAB_LABEL_OUI = 0x464c58;

/** A vendor-private extension starts with the vendor's 3-byte ID (RFC 2332 §5.3). */
export const VENDOR_ID_LENGTH = 3;

/** FlexLab's label extension: the byte after the vendor ID, and its sub-TLV types. */
export const FLEXLAB_LABEL_FORMAT = 1;
export const FlexlabLabelTlv = { VrfLabel: 1, CieLabels: 2 } as const;
const LABEL_FIELD_LENGTH = 4;
const LABEL_TLV_HEADER_LENGTH = 4;

/** A sub-TLV's length field is 16 bits. */
const MAX_TLV_LENGTH = 0xffff;

const P = "nhrp";

/** FlexLab's MPLS label extension; see the file comment. */
export interface NhrpLabels {
  readonly vrfLabel?: Label;
  readonly cieLabels?: readonly Label[];
}

function parseLabelField(buf: Uint8Array, at: number, what: string): Label | WireError {
  const value = readU32(buf, at);
  if (value > LABEL_MAX) return new WireError(P, what, at, `0x${value.toString(16)}: a label is 20 bits, the top 12 bits of its field must be zero`);
  return value as Label;
}

/** FlexLab's label extension: `buf[at, end)` is the value after the vendor ID. */
export function parseLabels(buf: Uint8Array, at: number, end: number): NhrpLabels | WireError {
  if (at >= end) return truncated(P, "label extension format", at, 1, 0);
  if (buf[at] !== FLEXLAB_LABEL_FORMAT) return new WireError(P, "label extension format", at, `format ${buf[at]} is not ${FLEXLAB_LABEL_FORMAT}`);
  at++;
  let vrfLabel: Label | undefined;
  let cieLabels: Label[] | undefined;
  while (at < end) {
    if (end - at < LABEL_TLV_HEADER_LENGTH) return truncated(P, "label sub-TLV header", at, LABEL_TLV_HEADER_LENGTH, end - at);
    const type = readU16(buf, at);
    const length = readU16(buf, at + 2);
    const value = at + LABEL_TLV_HEADER_LENGTH;
    if (length > end - value) return new WireError(P, "label sub-TLV length", at + 2, `${length} bytes run past the extension's end (${end - value} left)`);
    switch (type) {
      case FlexlabLabelTlv.VrfLabel: {
        if (vrfLabel !== undefined) return new WireError(P, "label sub-TLV type", at, "VRF label twice");
        if (length !== LABEL_FIELD_LENGTH) return new WireError(P, "VRF label length", at + 2, `${length} is not ${LABEL_FIELD_LENGTH}`);
        const label = parseLabelField(buf, value, "VRF label");
        if (label instanceof WireError) return label;
        vrfLabel = label;
        break;
      }
      case FlexlabLabelTlv.CieLabels: {
        if (cieLabels !== undefined) return new WireError(P, "label sub-TLV type", at, "CIE labels twice");
        if (length % LABEL_FIELD_LENGTH !== 0) return new WireError(P, "CIE labels length", at + 2, `${length} is not a multiple of ${LABEL_FIELD_LENGTH}`);
        cieLabels = [];
        for (let i = 0; i < length; i += LABEL_FIELD_LENGTH) {
          const label = parseLabelField(buf, value + i, `CIE label ${cieLabels.length + 1}`);
          if (label instanceof WireError) return label;
          cieLabels.push(label);
        }
        break;
      }
      default:
        return new WireError(P, "label sub-TLV type", at, `unknown type ${type}`);
    }
    at = value + length;
  }
  return { vrfLabel, cieLabels };
}

/** Bytes of the extension's value, vendor ID included. */
export function labelsLength(labels: NhrpLabels): number {
  return (
    VENDOR_ID_LENGTH +
    1 +
    (labels.vrfLabel === undefined ? 0 : LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH) +
    (labels.cieLabels === undefined ? 0 : LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH * labels.cieLabels.length)
  );
}

function writeLabelField(buf: Uint8Array, at: number, label: Label): void {
  if (!Number.isInteger(label) || label < 0 || label > LABEL_MAX) throw new RangeError(`emitNhrp: ${label} is not a 20-bit label`);
  writeU32(buf, at, label);
}

/** Writes the extension's value (vendor ID, format, sub-TLVs) at `at`; returns its end. */
export function writeLabels(buf: Uint8Array, at: number, labels: NhrpLabels): number {
  buf[at] = FLEXLAB_LABEL_OUI >>> 16;
  buf[at + 1] = (FLEXLAB_LABEL_OUI >>> 8) & 0xff;
  buf[at + 2] = FLEXLAB_LABEL_OUI & 0xff;
  buf[at + 3] = FLEXLAB_LABEL_FORMAT;
  at += VENDOR_ID_LENGTH + 1;
  if (labels.vrfLabel !== undefined) {
    writeU16(buf, at, FlexlabLabelTlv.VrfLabel);
    writeU16(buf, at + 2, LABEL_FIELD_LENGTH);
    writeLabelField(buf, at + 4, labels.vrfLabel);
    at += LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH;
  }
  if (labels.cieLabels !== undefined) {
    const length = LABEL_FIELD_LENGTH * labels.cieLabels.length;
    if (length > MAX_TLV_LENGTH) throw new RangeError(`emitNhrp: ${labels.cieLabels.length} CIE labels do not fit one sub-TLV`);
    writeU16(buf, at, FlexlabLabelTlv.CieLabels);
    writeU16(buf, at + 2, length);
    at += LABEL_TLV_HEADER_LENGTH;
    for (const label of labels.cieLabels) {
      writeLabelField(buf, at, label);
      at += LABEL_FIELD_LENGTH;
    }
  }
  return at;
}
