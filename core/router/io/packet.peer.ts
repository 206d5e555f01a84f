// Test helper for packet.test.ts, run inside a network namespace (`ip netns exec NS node
// --import tsx packet.peer.ts IFNAME`): opens a PacketNic on IFNAME, prints "ready MAC",
// then answers every test frame (EtherType 0x88b5, VLAN-tagged or not) with a copy whose MACs
// are swapped and whose first payload byte has its top bit set. Exits when stdin closes.
import { formatMac } from "../wire/addr";
import { dot1qFrameEtherType, dot1qFramePayloadOffset } from "../wire/dot1q";
import { ETHERNET_HEADER_LENGTH, ethernetDst, ethernetSrc, setEthernetAddresses } from "../wire/ethernet";
import { PacketNic } from "./packet";

const TEST_ETHERTYPE = 0x88b5; // IEEE 802 local experimental

const ifname = process.argv[2];
const nic = new PacketNic({ ifname });
nic.onReceive((frame) => {
  if (frame.length < ETHERNET_HEADER_LENGTH) return;
  const payloadAt = dot1qFramePayloadOffset(frame, 0);
  if (frame.length <= payloadAt || dot1qFrameEtherType(frame, 0) !== TEST_ETHERTYPE) return; // kernel chatter
  const reply = frame.slice();
  setEthernetAddresses(reply, 0, ethernetSrc(frame, 0), ethernetDst(frame, 0));
  reply[payloadAt] |= 0x80;
  nic.send(reply);
});
process.stdout.write(`ready ${nic.bia === undefined ? "none" : formatMac(nic.bia)}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  nic.close();
  process.exit(0);
});
