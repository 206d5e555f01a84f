// IKEv2 message formats: wire.ikev2.sa-init.parse-emit is one IKE_SA_INIT request as IOS's
// default proposal sends it (AES-CBC 256/192/128, SHA-512/384/256 as PRF and integrity,
// groups 19/20/14), a group-14 KE, a 32-byte nonce, both NAT-D notifies, fragmentation
// support and two vendor IDs: parsed to its repr (every proposal, transform and attribute)
// and emitted back into a preallocated buffer. What a FlexVPN hub pays per new spoke before
// any crypto, and the ceiling on IKE_SA_INIT it can take.
import { isWireError } from "../../core/router/wire/errors";
import { buildIkeMessage, emitIkeMessage, parseIkeMessage, type IkeMessageRepr } from "../../core/router/wire/ikev2";
import { DhGroup, NotifyType } from "../../core/router/wire/ikev2-registry";
import { IOS_DEFAULT_IKE_PROPOSAL, ikeSaInitRequest } from "../../core/router/wire/testdata/ikev2-messages";
import { opsPerSecond, type Benchmark } from "./bench";

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);

const request: IkeMessageRepr = ikeSaInitRequest(0x8f3a5c2e11d04b77n, [
  { kind: "sa", proposals: [IOS_DEFAULT_IKE_PROPOSAL] },
  { kind: "ke", dhGroup: DhGroup.MODP_2048, data: bytes(256, 1) },
  { kind: "nonce", data: bytes(32, 2) },
  { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.NAT_DETECTION_SOURCE_IP, data: bytes(20, 3) },
  { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.NAT_DETECTION_DESTINATION_IP, data: bytes(20, 4) },
  { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, data: new Uint8Array(0) },
  { kind: "vendor-id", data: bytes(16, 5) },
  { kind: "vendor-id", data: new TextEncoder().encode("FLEXVPN-SUPPORTED") },
]);

const wire = buildIkeMessage(request);

const benchmarks: Benchmark[] = [
  {
    name: "wire.ikev2.sa-init.parse-emit",
    run() {
      const out = new Uint8Array(wire.length);
      let sink = 0;
      const rate = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) {
          const m = parseIkeMessage(wire);
          if (isWireError(m)) throw new Error(m.toString());
          sink += emitIkeMessage(m.repr, out, 0);
        }
      });
      if (out.some((b, i) => b !== wire[i]) || sink <= 0) throw new Error("the emitted message differs from the one parsed");
      return { name: "wire.ikev2.sa-init.parse-emit", value: rate, unit: "msgs/s" };
    },
  },
];
export default benchmarks;
