// IOS's defaults for the IPv4 packets a router originates itself (echo replies, ICMP errors,
// tunnel outer headers). The header format is wire/ipv4's.
export const DEFAULT_TTL = 255;
