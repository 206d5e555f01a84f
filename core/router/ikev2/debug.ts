// `debug crypto ikev2 packet` and `debug crypto ikev2 internal`: IOS's payload-by-payload
// dump of each IKE message sent and received, and its internal state-machine trace lines.
// `debug crypto ikev2` alone keeps the packet headers and the protocol events (engine.ts).

import { formatIpv4 } from "../wire/addr";
import type { IkePayload } from "../wire/ikev2-payloads";
import { authMethodName, ikeIdTypeName, ikeProtocolIdName, notifyTypeName, transformIdName, transformTypeName } from "../wire/ikev2-registry";
import { payloadList } from "./messages";

/** The debug flags, as `debug …` names them. */
export const DEBUG_IKEV2 = "crypto ikev2";
export const DEBUG_IKEV2_PACKET = "crypto ikev2 packet";
export const DEBUG_IKEV2_INTERNAL = "crypto ikev2 internal";

function typeName(p: IkePayload): string {
  return p.kind === "notify" ? "NOTIFY" : payloadList([p]);
}

/** One line per payload (and per proposal, transform and selector), as IOS's packet debug
 * prints a message: `Next payload: KE, reserved: 0x0, length: 72` and what is inside. */
export function payloadDump(payloads: readonly IkePayload[]): string[] {
  const lines: string[] = [];
  payloads.forEach((p, i) => {
    const next = payloads[i + 1];
    lines.push(`${typeName(p)}  Next payload: ${next ? typeName(next) : "NONE"}, reserved: 0x0`);
    switch (p.kind) {
      case "sa":
        for (const proposal of p.proposals) {
          lines.push(`  Proposal: ${proposal.number}, Protocol id: ${ikeProtocolIdName(proposal.protocolId)}, SPI size: ${proposal.spi.length}, #trans: ${proposal.transforms.length}`);
          for (const t of proposal.transforms) lines.push(`    type: ${t.type}, reserved: 0x0, id: ${transformIdName(t.type, t.id)} (${transformTypeName(t.type)})`);
        }
        break;
      case "ke":
        lines.push(`    DH group: ${p.dhGroup}, Reserved: 0x0, length: ${p.data.length}`);
        break;
      case "nonce":
        lines.push(`    Nonce length: ${p.data.length}`);
        break;
      case "idi":
      case "idr":
        lines.push(`    Id type: ${ikeIdTypeName(p.idType)}, Reserved: 0x0 0x0`);
        break;
      case "auth":
        lines.push(`    Auth method ${authMethodName(p.method)}, reserved: 0x0, reserved 0x0`);
        break;
      case "notify":
        lines.push(`    Security protocol id: ${ikeProtocolIdName(p.protocolId)}, spi size: ${p.spi.length}, type: ${notifyTypeName(p.notifyType)}`);
        break;
      case "delete":
        lines.push(`    Security protocol id: ${ikeProtocolIdName(p.protocolId)}, spi size: ${p.spiSize}, num of spi: ${p.spis.length}`);
        break;
      case "tsi":
      case "tsr":
        lines.push(`    Num of TSs: ${p.selectors.length}, reserved 0x0, reserved 0x0`);
        for (const ts of p.selectors) {
          if (ts.kind === "ipv4-range") lines.push(`    TS type: TS_IPV4_ADDR_RANGE, proto id: ${ts.ipProtocol}, start port: ${ts.startPort}, end port: ${ts.endPort} start addr: ${formatIpv4(ts.startAddress)}, end addr: ${formatIpv4(ts.endAddress)}`);
          else lines.push(`    TS type: ${ts.tsType}, proto id: ${ts.ipProtocol}`);
        }
        break;
      case "cp":
        lines.push(`    Cfg type: ${p.cfgType}, #attributes: ${p.attributes.length}`);
        break;
      case "skf":
        // RFC 7383 §2.5: each fragment is encrypted alone; its contents show once reassembled.
        lines.push(`    Fragment number: ${p.fragmentNumber}, Total fragments: ${p.totalFragments}, length: ${p.data.length}`);
        break;
      default:
        break;
    }
  });
  return lines;
}
