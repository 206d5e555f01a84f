// IKEv2 sample pieces shared by the IKEv2 unit tests, the tshark agreement test, the sample
// frames (frames.ts) and the IKEv2 benchmark: the small IKE proposal FlexLab's tests send,
// IOS's default proposal, and the header of an IKE_SA_INIT request around given payloads.

import type { IkeMessageRepr } from "../ikev2";
import type { IkePayload } from "../ikev2-payloads";
import { DhGroup, EncrId, IkeExchangeType, IkeProtocolId, IntegId, PrfId, TransformType } from "../ikev2-registry";
import { transform, type IkeProposal } from "../ikev2-sa";

/** Proposal 1 for the IKE SA: AES-CBC 256, HMAC-SHA2-256 as PRF and integrity, group 14. */
export const IKE_PROPOSAL_AES256_SHA256_G14: IkeProposal = {
  number: 1, protocolId: IkeProtocolId.IKE, spi: new Uint8Array(0),
  transforms: [
    transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 256),
    transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_256),
    transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_256_128),
    transform(TransformType.DH, DhGroup.MODP_2048),
  ],
};

/** IOS's default IKEv2 proposal: AES-CBC 256/192/128, SHA-512/384/256 as PRF and
 * integrity, groups 19/20/14. */
export const IOS_DEFAULT_IKE_PROPOSAL: IkeProposal = {
  number: 1, protocolId: IkeProtocolId.IKE, spi: new Uint8Array(0),
  transforms: [
    transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 256),
    transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 192),
    transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 128),
    transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_512),
    transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_384),
    transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_256),
    transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_512_256),
    transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_384_192),
    transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_256_128),
    transform(TransformType.DH, DhGroup.ECP_256),
    transform(TransformType.DH, DhGroup.ECP_384),
    transform(TransformType.DH, DhGroup.MODP_2048),
  ],
};

/** An IKE_SA_INIT request (message ID 0, responder SPI zero, I flag) carrying `payloads`. */
export function ikeSaInitRequest(initiatorSpi: bigint, payloads: IkePayload[]): IkeMessageRepr {
  return { initiatorSpi, responderSpi: 0n, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: true, response: false, messageId: 0, payloads };
}
