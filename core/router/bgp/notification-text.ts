// IOS's words for a NOTIFICATION's code/subcode, as `%BGP-3-NOTIFICATION` and `show ip bgp
// neighbors` ("Last reset … due to BGP Notification sent, hold time expired") print them.
import { BgpCeaseSubcode, BgpErrorCode, BgpHeaderSubcode, BgpOpenSubcode, BgpUpdateSubcode } from "../wire/bgp-errors";

const TEXT = new Map<number, string>([
  [BgpErrorCode.MessageHeader * 256 + BgpHeaderSubcode.ConnectionNotSynchronized, "header synchronization problems"],
  [BgpErrorCode.MessageHeader * 256 + BgpHeaderSubcode.BadMessageLength, "illegal header length"],
  [BgpErrorCode.MessageHeader * 256 + BgpHeaderSubcode.BadMessageType, "illegal header type"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.UnsupportedVersionNumber, "unsupported version"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.BadPeerAs, "peer in wrong AS"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.BadBgpIdentifier, "BGP identifier wrong"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.UnsupportedOptionalParameter, "unsupported optional parameter"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.UnacceptableHoldTime, "unacceptable hold time"],
  [BgpErrorCode.OpenMessage * 256 + BgpOpenSubcode.UnsupportedCapability, "unsupported/disjoint capability"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.MalformedAttributeList, "malformed attribute list"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.UnrecognizedWellKnownAttribute, "unrecognized well-known attribute"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.MissingWellKnownAttribute, "missing well-known attribute"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.AttributeFlagsError, "attribute flags error"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.AttributeLengthError, "attribute length error"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.InvalidOriginAttribute, "invalid origin attribute"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.InvalidNextHopAttribute, "invalid next hop attribute"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.OptionalAttributeError, "optional attribute error"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.InvalidNetworkField, "invalid network field"],
  [BgpErrorCode.UpdateMessage * 256 + BgpUpdateSubcode.MalformedAsPath, "malformed AS_PATH"],
  [BgpErrorCode.HoldTimerExpired * 256, "hold time expired"],
  [BgpErrorCode.FiniteStateMachine * 256, "finite state machine error"],
  [BgpErrorCode.Cease * 256, "cease"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.MaximumPrefixesReached, "Maximum Number of Prefixes Reached"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.AdministrativeShutdown, "Administrative Shutdown"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.PeerDeconfigured, "Peer De-configured"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.AdministrativeReset, "Administrative Reset"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.ConnectionRejected, "Connection Rejected"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.OtherConfigurationChange, "Other Configuration Change"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.ConnectionCollisionResolution, "Connection Collision Resolution"],
  [BgpErrorCode.Cease * 256 + BgpCeaseSubcode.OutOfResources, "Out of Resources"],
]);

export function notificationText(code: number, subcode: number): string {
  return TEXT.get(code * 256 + subcode) ?? TEXT.get(code * 256) ?? "unknown";
}
