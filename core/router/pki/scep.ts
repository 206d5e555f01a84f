// SCEP messages (RFC 8894 §3): a pkiMessage is a CMS SignedData whose signed attributes say
// what it is (messageType, transactionID, nonces, pkiStatus, failInfo) and whose content, when
// there is one, is an EnvelopedData (the pkcsPKIEnvelope) for the other side. PKCSReq carries
// a PKCS#10 request; CertRep answers with the issued certificate (in a certificates-only
// SignedData), PENDING or FAILURE; CertPoll (GetCertInitial) asks again about a pending one.
import { randomBytes, type KeyObject, type X509Certificate } from "node:crypto";
import { octetString, printableString } from "./der";
import { TAG, stringOf, type Tlv } from "./der-read";
import { buildEnvelopedData, buildSignedData, CMS_OID, openEnvelopedData, parseSignedData, type Attribute } from "./cms";

/** id-Verisign id-pki id-attributes (RFC 8894 §3.2.1). */
const SCEP_ATTR = "2.16.840.1.113733.1.9";
export const SCEP_OID = {
  messageType: `${SCEP_ATTR}.2`,
  pkiStatus: `${SCEP_ATTR}.3`,
  failInfo: `${SCEP_ATTR}.4`,
  senderNonce: `${SCEP_ATTR}.5`,
  recipientNonce: `${SCEP_ATTR}.6`,
  transactionID: `${SCEP_ATTR}.7`,
} as const;

/** messageType values (§3.2.1.2). */
export const MessageType = { CertRep: 3, RenewalReq: 17, PKCSReq: 19, CertPoll: 20, GetCert: 21, GetCRL: 22 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** pkiStatus values (§3.2.1.3). */
export const PkiStatus = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type PkiStatus = (typeof PkiStatus)[keyof typeof PkiStatus];

/** failInfo values (§3.2.1.4). */
export const FailInfo = { badAlg: 0, badMessageCheck: 1, badRequest: 2, badTime: 3, badCertId: 4 } as const;
export type FailInfo = (typeof FailInfo)[keyof typeof FailInfo];

export const SCEP_PATH = "/cgi-bin/pkiclient.exe";
export const NONCE_BYTES = 16;

export interface PkiMessage {
  readonly messageType: number;
  readonly transactionId: string;
  readonly senderNonce: Uint8Array | undefined;
  readonly recipientNonce: Uint8Array | undefined;
  readonly pkiStatus: number | undefined;
  readonly failInfo: number | undefined;
  /** The pkcsPKIEnvelope (EnvelopedData DER), when the message has one. */
  readonly envelope: Uint8Array | undefined;
  /** The signer's certificate: the requester's self-signed one, or the CA's. */
  readonly signerCert: X509Certificate;
}

export interface PkiMessageSpec {
  readonly messageType: MessageType;
  readonly transactionId: string;
  readonly senderNonce?: Uint8Array;
  readonly recipientNonce?: Uint8Array;
  readonly pkiStatus?: PkiStatus;
  readonly failInfo?: FailInfo;
  /** What to envelope for `recipient` (a PKCS#10, a certificates-only SignedData, …). */
  readonly payload?: Uint8Array;
  readonly recipient?: X509Certificate;
  readonly signerCert: X509Certificate;
  readonly signerKey: KeyObject;
  /** The content cipher for the envelope (CMS_OID.aes256Cbc unless the peer asks otherwise). */
  readonly cipherOid?: string;
}

export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

export function buildPkiMessage(spec: PkiMessageSpec): Uint8Array {
  const attributes: Attribute[] = [
    { type: SCEP_OID.messageType, value: printableString(String(spec.messageType)) },
    { type: SCEP_OID.transactionID, value: printableString(spec.transactionId) },
    { type: SCEP_OID.senderNonce, value: octetString(spec.senderNonce ?? newNonce()) },
  ];
  if (spec.recipientNonce) attributes.push({ type: SCEP_OID.recipientNonce, value: octetString(spec.recipientNonce) });
  if (spec.pkiStatus !== undefined) attributes.push({ type: SCEP_OID.pkiStatus, value: printableString(String(spec.pkiStatus)) });
  if (spec.failInfo !== undefined) attributes.push({ type: SCEP_OID.failInfo, value: printableString(String(spec.failInfo)) });
  let content: Uint8Array | undefined;
  if (spec.payload) {
    if (!spec.recipient) throw new RangeError("a SCEP payload needs a recipient to envelope it for");
    content = buildEnvelopedData(spec.payload, spec.recipient, spec.cipherOid ?? CMS_OID.aes256Cbc);
  }
  return buildSignedData({ content, signerCert: spec.signerCert, signerKey: spec.signerKey, attributes });
}

/** Reads and checks a pkiMessage (signature by the certificate it carries); a string says
 * what is wrong. Whether that signer is one to believe is the caller's question. */
export function parsePkiMessage(der: Uint8Array): PkiMessage | string {
  const sd = parseSignedData(der);
  if (typeof sd === "string") return sd;
  const signer = sd.signer;
  if (!signer) return "pkiMessage has no signer";
  if (!signer.cert) return "pkiMessage's signer certificate is not in it";
  if (!signer.valid) return "pkiMessage's signature does not verify";
  const a = signer.attributes;
  try {
    const num = (t: Tlv | undefined, what: string): number | undefined => {
      if (!t) return undefined;
      const text = stringOf(t, what);
      return /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    };
    const nonce = (t: Tlv | undefined): Uint8Array | undefined => (t && t.tag === TAG.octetString ? t.content : undefined);
    const messageType = num(a.get(SCEP_OID.messageType), "messageType");
    const transactionId = a.get(SCEP_OID.transactionID);
    if (messageType === undefined || Number.isNaN(messageType)) return "pkiMessage has no valid messageType";
    if (!transactionId) return "pkiMessage has no transactionID";
    return {
      messageType,
      transactionId: stringOf(transactionId, "transactionID"),
      senderNonce: nonce(a.get(SCEP_OID.senderNonce)),
      recipientNonce: nonce(a.get(SCEP_OID.recipientNonce)),
      pkiStatus: num(a.get(SCEP_OID.pkiStatus), "pkiStatus"),
      failInfo: num(a.get(SCEP_OID.failInfo), "failInfo"),
      envelope: sd.content,
      signerCert: signer.cert,
    };
  } catch (err) {
    return `malformed pkiMessage attribute: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The pkcsPKIEnvelope's content, opened with our certificate and key. */
export function openPayload(msg: PkiMessage, cert: X509Certificate, key: KeyObject): Uint8Array | string {
  if (!msg.envelope) return "pkiMessage has no content";
  return openEnvelopedData(msg.envelope, cert, key);
}
