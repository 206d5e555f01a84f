// Interface names as IOS spells and abbreviates them. IOS accepts any unique, case-insensitive
// prefix of the type ("e0/0", "eth0/1.10", "lo0", "tu0", "virtual-t1"), with or without a
// space before the number, and always shows the canonical form ("Ethernet0/1.10").

export type InterfaceType = "Ethernet" | "FastEthernet" | "GigabitEthernet" | "Loopback" | "Null" | "Tunnel" | "Virtual-Template" | "Virtual-Access";

export interface InterfaceTypeInfo {
  readonly type: InterfaceType;
  /** The text `interface ?` shows next to the type. */
  readonly help: string;
  /** The label `interface <type> ?` shows for the number. */
  readonly numberLabel: string;
  /** How many numbers the name has, fewest and most: IOL's Ethernet0/1 has two, a CSR's
   * GigabitEthernet1 one, an ISR's GigabitEthernet0/0/0 three. */
  readonly parts: readonly [number, number];
  /** A port with a wire: a link in lab.yaml can plug into it, and no config removes it. */
  readonly physical: boolean;
  readonly unitMin: number;
  readonly unitMax: number;
  /** Whether "name.N" subinterfaces exist for this type. */
  readonly subinterfaces: boolean;
  /** Order of the type in running-config: IOS lists loopbacks and tunnels before physical ports. */
  readonly renderRank: number;
}

export const INTERFACE_TYPES: readonly InterfaceTypeInfo[] = [
  { type: "Ethernet", help: "IEEE 802.3", numberLabel: "<0-15>", parts: [2, 2], physical: true, unitMin: 0, unitMax: 15, subinterfaces: true, renderRank: 2 },
  { type: "FastEthernet", help: "FastEthernet IEEE 802.3", numberLabel: "<0-63>", parts: [1, 3], physical: true, unitMin: 0, unitMax: 63, subinterfaces: true, renderRank: 2.1 },
  { type: "GigabitEthernet", help: "GigabitEthernet IEEE 802.3z", numberLabel: "<0-63>", parts: [1, 3], physical: true, unitMin: 0, unitMax: 63, subinterfaces: true, renderRank: 2.2 },
  { type: "Loopback", help: "Loopback interface", numberLabel: "<0-2147483647>", parts: [1, 1], physical: false, unitMin: 0, unitMax: 2147483647, subinterfaces: false, renderRank: 0 },
  { type: "Null", help: "Null interface", numberLabel: "<0-0>", parts: [1, 1], physical: false, unitMin: 0, unitMax: 0, subinterfaces: false, renderRank: 5 },
  { type: "Tunnel", help: "Tunnel interface", numberLabel: "<0-2147483647>", parts: [1, 1], physical: false, unitMin: 0, unitMax: 2147483647, subinterfaces: false, renderRank: 1 },
  { type: "Virtual-Access", help: "Virtual Access interface", numberLabel: "<1-21845>", parts: [1, 1], physical: false, unitMin: 1, unitMax: 21845, subinterfaces: true, renderRank: 4 },
  { type: "Virtual-Template", help: "Virtual Template interface", numberLabel: "<1-1000>", parts: [1, 1], physical: false, unitMin: 1, unitMax: 1000, subinterfaces: false, renderRank: 3 },
];

export interface InterfaceName {
  readonly type: InterfaceType;
  /** [unit] or [slot, port]. */
  readonly unit: readonly number[];
  readonly sub?: number;
}

const SUB_MAX = 4294967295;

export function interfaceTypeInfo(type: InterfaceType): InterfaceTypeInfo {
  const info = INTERFACE_TYPES.find((t) => t.type === type);
  if (!info) throw new Error(`unknown interface type ${type}`);
  return info;
}

/** The type names in lowercase, for matching what was typed (every `ip route … Null0` asks). */
const LOWER_TYPES: readonly string[] = INTERFACE_TYPES.map((t) => t.type.toLowerCase());

/** Types whose name starts with `prefix` (case-insensitive); an exact name wins alone. */
export function interfaceTypesByPrefix(prefix: string): InterfaceTypeInfo[] {
  const p = prefix.toLowerCase();
  const exact = LOWER_TYPES.indexOf(p);
  if (exact >= 0) return [INTERFACE_TYPES[exact]];
  return INTERFACE_TYPES.filter((_, i) => LOWER_TYPES[i].startsWith(p));
}

function parseUint(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** Parses the number part ("0/1", "0/1.10", "100") for a type; undefined when it does not fit. */
export function parseInterfaceNumber(info: InterfaceTypeInfo, text: string): InterfaceName | undefined {
  const dot = text.indexOf(".");
  const unitText = dot < 0 ? text : text.slice(0, dot);
  let sub: number | undefined;
  if (dot >= 0) {
    if (!info.subinterfaces) return undefined;
    sub = parseUint(text.slice(dot + 1), SUB_MAX);
    if (sub === undefined) return undefined;
  }
  const parts = unitText.split("/");
  if (parts.length < info.parts[0] || parts.length > info.parts[1]) return undefined;
  const unit: number[] = [];
  for (const part of parts) {
    const n = parseUint(part, info.unitMax);
    if (n === undefined || n < info.unitMin) return undefined;
    unit.push(n);
  }
  return sub === undefined ? { type: info.type, unit } : { type: info.type, unit, sub };
}

export type InterfaceParse =
  | { readonly kind: "ok"; readonly name: InterfaceName }
  | { readonly kind: "ambiguous" }
  | { readonly kind: "none" };

/** Parses a whole name in one word: "Ethernet0/1.10", "e0/1.10", "LO0", "virtual-t1". */
export function parseInterfaceWord(word: string): InterfaceParse {
  const m = /^([A-Za-z][A-Za-z-]*?)\s*(\d[\d/.]*)$/.exec(word);
  if (!m) return { kind: "none" };
  const types = interfaceTypesByPrefix(m[1]);
  if (types.length === 0) return { kind: "none" };
  if (types.length > 1) return { kind: "ambiguous" };
  const name = parseInterfaceNumber(types[0], m[2]);
  return name !== undefined ? { kind: "ok", name } : { kind: "none" };
}

export function formatInterfaceName(name: InterfaceName): string {
  return `${name.type}${name.unit.join("/")}${name.sub === undefined ? "" : `.${name.sub}`}`;
}

/** Canonical form of any accepted spelling, or undefined. */
export function canonicalInterfaceName(text: string): string | undefined {
  const p = parseInterfaceWord(text.replace(/\s+/g, ""));
  return p.kind === "ok" ? formatInterfaceName(p.name) : undefined;
}

/** Parses a canonical (or abbreviated) name into its parts. */
export function parseInterfaceName(text: string): InterfaceName | undefined {
  const p = parseInterfaceWord(text.replace(/\s+/g, ""));
  return p.kind === "ok" ? p.name : undefined;
}

/** Whether `text` names a physical port (not a subinterface): Ethernet0/1, Gi1, Fa0/0. */
export function isPhysicalPort(text: string): boolean {
  const n = parseInterfaceName(text);
  return n !== undefined && n.sub === undefined && interfaceTypeInfo(n.type).physical;
}

/** The parent of a subinterface ("Ethernet0/1.10" → "Ethernet0/1"), undefined otherwise. */
export function parentInterface(text: string): string | undefined {
  const n = parseInterfaceName(text);
  if (!n || n.sub === undefined) return undefined;
  return formatInterfaceName({ type: n.type, unit: n.unit });
}

/** Sorts names the way running-config lists interfaces. */
export function compareInterfaceNames(a: string, b: string): number {
  const x = parseInterfaceName(a);
  const y = parseInterfaceName(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  const rank = interfaceTypeInfo(x.type).renderRank - interfaceTypeInfo(y.type).renderRank;
  if (rank !== 0) return rank;
  for (let i = 0; i < Math.max(x.unit.length, y.unit.length); i++) {
    const d = (x.unit[i] ?? -1) - (y.unit[i] ?? -1);
    if (d !== 0) return d;
  }
  return (x.sub ?? -1) - (y.sub ?? -1);
}
