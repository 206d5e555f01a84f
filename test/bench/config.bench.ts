// Loading a 20,000-line IOS config: parsing it with the grammar, and booting a router from it
// (parse + building interfaces, VRFs and 10,000 static routes in the data plane).
import { parseConfig } from "../../core/router/config/parse";
import { renderRunningConfig } from "../../core/router/config/render";
import { VirtualClock } from "../../core/router/clock/virtual";
import { Router } from "../../core/router/node/router";
import type { Benchmark } from "./bench";

/** A config of exactly `lines` lines: VRFs, loopbacks, subinterfaces, static routes. */
export function bigConfig(lines: number): string {
  const out = ["hostname BIG", "!"];
  for (let v = 1; v <= 200; v++) out.push(`vrf definition v${v}`, ` rd ${v}:${v}`, ` route-target export ${v}:${v}`, ` route-target import ${v}:${v}`, " !", " address-family ipv4", " exit-address-family", "!");
  for (let i = 1; i <= 2000; i++) {
    const a = Math.floor(i / 250);
    out.push(`interface Loopback${i}`, ` description loopback number ${i}`, ` ip address 10.${100 + a}.${i % 250}.1 255.255.255.255`, "!");
  }
  for (let s = 1; out.length < lines - 1; s++) {
    out.push(`ip route 172.${16 + (s >> 16)}.${(s >> 8) & 255}.${s & 255} 255.255.255.255 Null0 tag ${(s % 1000) + 1} name route${s}`);
  }
  out.push("end");
  return out.join("\n");
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const benchmarks: Benchmark[] = [
  {
    name: "config.load-20k-lines",
    run() {
      const text = bigConfig(20_000);
      if (text.split("\n").length !== 20_000) throw new Error("generator is off");
      timeMs(() => parseConfig(text)); // warm up
      const parse = Math.min(timeMs(() => parseConfig(text)), timeMs(() => parseConfig(text)));
      let router: Router | undefined;
      const boot = timeMs(() => {
        router = new Router({ clock: new VirtualClock() });
        const r = router.boot(text);
        if (r.diagnostics.length) throw new Error(`config has errors: ${r.diagnostics[0].message}`);
      });
      const render = timeMs(() => renderRunningConfig(router!.running));
      router?.close();
      return [
        { name: "config.load-20k-lines.parse", value: parse, unit: "ms" },
        { name: "config.load-20k-lines.boot", value: boot, unit: "ms" },
        { name: "config.load-20k-lines.render", value: render, unit: "ms" },
      ];
    },
  },
];
export default benchmarks;
