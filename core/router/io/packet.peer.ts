// Test helper for packet.test.ts, run inside a network namespace (`ip netns exec NS node
// --import tsx packet.peer.ts IFNAME`): opens a PacketNic on IFNAME, prints "ready MAC",
// then answers every test frame (EtherType 0x88b5, VLAN-tagged or not) with a copy whose MACs
// are swapped and whose first payload byte has its top bit set. Exits when stdin closes.
import { formatMac } from "../wire/addr";
import { PacketNic } from "./packet";

const TEST_ETHERTYPE = 0x88b5; // IEEE 802 local experimental

const ifname = process.argv[2];
const nic = new PacketNic({ ifname });
nic.onReceive((frame) => {
  const tagged = frame[12] === 0x81 && frame[13] === 0x00;
  const typeAt = tagged ? 16 : 12;
  if (frame.length < typeAt + 3 || ((frame[typeAt] << 8) | frame[typeAt + 1]) !== TEST_ETHERTYPE) return; // kernel chatter
  const reply = frame.slice();
  reply.set(frame.subarray(6, 12), 0);
  reply.set(frame.subarray(0, 6), 6);
  reply[typeAt + 2] |= 0x80;
  nic.send(reply);
});
process.stdout.write(`ready ${nic.bia === undefined ? "none" : formatMac(nic.bia)}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  nic.close();
  process.exit(0);
});
