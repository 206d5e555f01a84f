// IOS's short interface names (Et0/0, Tu0, Vi1), used by tables that are short of room.
const SHORT: readonly [string, string][] = [
  ["Ethernet", "Et"],
  ["FastEthernet", "Fa"],
  ["GigabitEthernet", "Gi"],
  ["Loopback", "Lo"],
  ["Tunnel", "Tu"],
  ["Virtual-Access", "Vi"],
  ["Virtual-Template", "Vt"],
  ["Null", "Nu"],
];

export function shortInterfaceName(name: string): string {
  for (const [long, short] of SHORT) if (name.startsWith(long)) return short + name.slice(long.length);
  return name;
}
