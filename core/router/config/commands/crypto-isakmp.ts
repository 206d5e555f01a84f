// IKEv1 and crypto maps: `crypto isakmp policy|key|profile|keepalive`, `crypto keyring`,
// `crypto map` and its entries, and `crypto map NAME` on an interface. FlexLab's IPsec is
// IKEv2 with tunnel protection (crypto-ikev2*.ts, crypto-ipsec.ts); these classic site-to-site
// lines are kept and rendered so a pasted config loses nothing, and `--warnings` says no IKEv1
// exchange or crypto-map policy runs.

import type { ConfigCommand } from "../command";
import { IF_MODES } from "./interface";
import { keptFamily } from "./kept";
import { TOP } from "./order";

const CRYPTO = "Encryption module";
const ISAKMP = "Configure ISAKMP policy";
const INERT = "the lab runs IKEv2 only: no IKEv1 negotiation or crypto-map policy";

export const isakmpCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "config",
    order: TOP.ikev2Proposal - 10,
    commands: [
      { id: "isakmp.policy", syntax: "crypto isakmp policy <1-10000>$priority", help: [CRYPTO, ISAKMP, "Set policy for an ISAKMP protection suite", "Priority of protection suite"], multi: (a) => String(a.priority), enters: "isakmp-policy" },
      {
        id: "isakmp.key",
        syntax: "crypto isakmp key [<0-6>$encryption] WORD$key (address A.B.C.D$address [A.B.C.D$mask] [no-xauth$noXauth]|hostname WORD$hostname)",
        noSyntax: "crypto isakmp key [<0-6>$encryption] WORD$key (address A.B.C.D$address [A.B.C.D$mask]|hostname WORD$hostname)",
        help: [CRYPTO, ISAKMP, "pre-shared key", "0 - Specifies an UNENCRYPTED password will follow", "pre-shared key", "define shared key with IP address", "IP address of peer", "mask", "Bypasses XAuth for this peer", "define shared key with hostname", "hostname of peer"],
        multi: (a) => String(a.address ?? a.hostname),
      },
      { id: "isakmp.keepalive", syntax: "crypto isakmp keepalive <10-3600>$seconds [<2-60>$retry] [(periodic|on-demand)$mode]", noSyntax: "crypto isakmp keepalive [LINE$rest]", help: [CRYPTO, ISAKMP, "Set a keepalive interval for use with IOS peers", "Number of seconds between keep alives", "Number of seconds between retries if keepalive fails", "Send keepalives periodically", "Send keepalives on demand"] },
      { id: "isakmp.nat-keepalive", syntax: "crypto isakmp nat keepalive <5-3600>$seconds", noSyntax: "crypto isakmp nat keepalive [<5-3600>$seconds]", help: [CRYPTO, ISAKMP, "Set NAT traversal parameters", "Set NAT keepalive interval", "Number of seconds between keepalives"] },
      { id: "isakmp.invalid-spi", syntax: "crypto isakmp invalid-spi-recovery", help: [CRYPTO, ISAKMP, "Initiate IKE and send Invalid SPI Notify"] },
      { id: "isakmp.aggressive-mode", syntax: "crypto isakmp aggressive-mode disable", help: [CRYPTO, ISAKMP, "Disable ISAKMP aggressive mode", "Disable ISAKMP aggressive mode"] },
      { id: "isakmp.identity", syntax: "crypto isakmp identity (address|hostname|dn)$identity", noSyntax: "crypto isakmp identity [(address|hostname|dn)$identity]", help: [CRYPTO, ISAKMP, "Specify identity to use", "Use the IP address of the interface for the identity", "Use the hostname of the router for the identity", "Use the distinguished name of the router cert for the identity"] },
      { id: "isakmp.keyring", syntax: "crypto keyring WORD$name [vrf WORD$vrf]", help: [CRYPTO, "Key ring commands", "Name of the key ring", "Specify VRF of this keyring", "VRF name"], multi: (a) => String(a.name), enters: "crypto-keyring" },
      { id: "isakmp.profile", syntax: "crypto isakmp profile WORD$name", help: [CRYPTO, ISAKMP, "Define ISAKMP Profiles", "name"], multi: (a) => String(a.name), enters: "isakmp-profile" },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "config",
    order: TOP.ipsecProfile + 10,
    commands: [
      { id: "crypto-map.entry", syntax: "crypto (map$map|dynamic-map$dynamic) WORD$name <1-65535>$seq [ipsec-isakmp$isakmp [dynamic WORD$dynamicMap]]", noSyntax: "crypto (map$map|dynamic-map$dynamic) WORD$name [<1-65535>$seq] [LINE$rest]", help: [CRYPTO, "Enter a crypto map", "Enter a dynamic crypto map", "Crypto map tag", "Sequence to insert into crypto map entry", "IPSEC w/ISAKMP", "Enable dynamic crypto map support", "Name of dynamic crypto map template"], multi: (a) => `${String(a.map ?? a.dynamic)} ${String(a.name)} ${String(a.seq)}`, enters: "crypto-map" },
      { id: "crypto-map.local-address", syntax: "crypto map WORD$name local-address INTERFACE$interface", help: [CRYPTO, "Enter a crypto map", "Crypto map tag", "Interface to use for local address for this crypto map", "Interface name"], multi: (a) => String(a.name) },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "isakmp-policy",
    order: 10,
    commands: [
      { id: "isakmp-policy.encr", syntax: "encr (des$des|3des$tdes|aes$aes [(128|192|256)$bits])", help: ["Set encryption algorithm for protection suite", "DES - Data Encryption Standard (56 bit keys).", "Three key triple DES", "AES - Advanced Encryption Standard.", "128 bit keys.", "192 bit keys.", "256 bit keys."] },
      { id: "isakmp-policy.hash", syntax: "hash (sha|sha256|sha384|sha512|md5)$hash", help: ["Set hash algorithm for protection suite", "Secure Hash Standard", "Secure Hash Standard 2 (256 bit)", "Secure Hash Standard 2 (384 bit)", "Secure Hash Standard 2 (512 bit)", "Message Digest 5"] },
      { id: "isakmp-policy.authentication", syntax: "authentication (pre-share|rsa-sig|rsa-encr)$method", help: ["Set authentication method for protection suite", "Pre-Shared Key", "Rivest-Shamir-Adleman Signature", "Rivest-Shamir-Adleman Encryption"] },
      { id: "isakmp-policy.group", syntax: "group (1|2|5|14|15|16|19|20|21|24)$group", help: ["Set the Diffie-Hellman group", "Diffie-Hellman group 1 (768 bit)", "Diffie-Hellman group 2 (1024 bit)", "Diffie-Hellman group 5 (1536 bit)", "Diffie-Hellman group 14 (2048 bit)", "Diffie-Hellman group 15 (3072 bit)", "Diffie-Hellman group 16 (4096 bit)", "Diffie-Hellman group 19 (256 bit ecp)", "Diffie-Hellman group 20 (384 bit ecp)", "Diffie-Hellman group 21 (521 bit ecp)", "Diffie-Hellman group 24 (2048 bit, 256 bit subgroup)"] },
      { id: "isakmp-policy.lifetime", syntax: "lifetime <60-86400>$seconds", help: ["Set lifetime for ISAKMP security association", "lifetime in seconds"] },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "crypto-keyring",
    order: 10,
    commands: [
      { id: "keyring.description", syntax: "description LINE$text", help: ["Key ring description", "Up to 80 characters describing the key ring"] },
      { id: "keyring.local-address", syntax: "local-address (INTERFACE$interface|A.B.C.D$address)", help: ["Limit the keyring usage to a local endpoint", "Interface name", "IP address"] },
      { id: "keyring.psk", syntax: "pre-shared-key (address A.B.C.D$address [A.B.C.D$mask]|hostname WORD$hostname) key LINE$key", noSyntax: "pre-shared-key (address A.B.C.D$address [A.B.C.D$mask]|hostname WORD$hostname) [LINE$rest]", help: ["Pre-shared key by address or hostname", "pre shared key by address", "IP address", "mask", "pre shared key by hostname", "hostname", "pre shared key", "The key"], multi: (a) => String(a.address ?? a.hostname) },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "isakmp-profile",
    order: 10,
    commands: [
      { id: "isakmp-profile.description", syntax: "description LINE$text", help: ["Specify a description of this profile", "Profile description"] },
      { id: "isakmp-profile.vrf", syntax: "vrf WORD$vrf", help: ["Specify the VRF it is related to", "VRF name"] },
      { id: "isakmp-profile.keyring", syntax: "keyring WORD$keyring", help: ["Specify keyring to use", "Keyring name"], multi: true },
      { id: "isakmp-profile.self-identity", syntax: "self-identity (address$address|fqdn$fqdn|user-fqdn WORD$userFqdn)", help: ["Specify Identity to use", "address", "Fully qualified domain name", "user FQDN", "The user FQDN"] },
      { id: "isakmp-profile.match", syntax: "match identity (address A.B.C.D$address [A.B.C.D$mask] [WORD$vrf]|host WORD$host|user WORD$user)", help: ["Match values of peer", "Match identity of peer", "IP Address(es)", "IP Address", "mask", "vrf name", "Fully Qualified Domain Name", "The FQDN", "User Fully Qualified Domain Name", "The user FQDN"], multi: true },
      { id: "isakmp-profile.keepalive", syntax: "keepalive <10-3600>$seconds retry <2-60>$retry", help: ["Set a keepalive interval for use with IOS peers", "Number of seconds between keep alives", "Retry interval", "Number of seconds between retries if keepalive fails"] },
      { id: "isakmp-profile.local-address", syntax: "local-address (INTERFACE$interface|A.B.C.D$address)", help: ["Interface to use for local address for this isakmp profile", "Interface name", "IP Address"] },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: "crypto-map",
    order: 10,
    commands: [
      { id: "crypto-map.description", syntax: "description LINE$text", help: ["Description of the crypto map statement policy", "Up to 80 characters describing this crypto map"] },
      { id: "crypto-map.peer", syntax: "set peer (A.B.C.D$address|WORD$hostname) [default$default]", help: ["Set values for encryption/decryption", "Allowed Encryption/Decryption peer", "IP address of peer", "Host name of the peer", "Default peer"], multi: (a) => String(a.address ?? a.hostname) },
      { id: "crypto-map.sa-lifetime", syntax: "set security-association lifetime (seconds$seconds <120-2592000>$secondsValue|kilobytes$kilobytes <2560-4294967295>$kilobytesValue)", help: ["Set values for encryption/decryption", "Security association duration", "Security association lifetime", "Time-based key duration in seconds", "Number of seconds", "Volume-based key duration", "Number of kilobytes"], multi: (a) => String(a.seconds ?? a.kilobytes) },
      { id: "crypto-map.transform-set", syntax: "set transform-set WORD$sets...", help: ["Set values for encryption/decryption", "Specify list of transform sets in priority order", "Proposal tag"] },
      { id: "crypto-map.pfs", syntax: "set pfs [(group1|group2|group5|group14|group15|group16|group19|group20|group21|group24)$group]", help: ["Set values for encryption/decryption", "Specify pfs settings", "D-H Group1 (768-bit modulus)", "D-H Group2 (1024-bit modulus)", "D-H Group5 (1536-bit modulus)", "D-H Group14 (2048-bit modulus)", "D-H Group15 (3072-bit modulus)", "D-H Group16 (4096-bit modulus)", "D-H Group19 (256-bit elliptic curve)", "D-H Group20 (384-bit elliptic curve)", "D-H Group21 (521-bit elliptic curve)", "D-H Group24 (2048-bit modulus & 256-bit subgroup)"] },
      { id: "crypto-map.isakmp-profile", syntax: "set isakmp-profile WORD$profile", help: ["Set values for encryption/decryption", "Specify isakmp Profile", "isakmp profile name"] },
      { id: "crypto-map.match", syntax: "match address (<100-199>$number|<2000-2699>$expanded|WORD$name)", help: ["Match values.", "Match address of packets to encrypt.", "IP access-list number", "IP access-list number (expanded range)", "IP access-list name"] },
      { id: "crypto-map.reverse-route", syntax: "reverse-route [static$static]", help: ["Reverse Route Injection.", "Create routes from the static ACL"] },
      { id: "crypto-map.qos", syntax: "qos pre-classify", help: ["Quality of Service related commands", "Enable QOS classification before packets are tunnel encapsulated"] },
    ],
  }),
  ...keptFamily({
    family: "IKEv1/crypto maps",
    inert: INERT,
    mode: IF_MODES,
    order: 97,
    commands: [{ id: "if.crypto-map", syntax: "crypto map WORD$map", noSyntax: "crypto map [WORD$map]", help: ["Encryption/Decryption commands", "Assign a Crypto Map", "Crypto Map tag"] }],
  }),
  ...keptFamily({
    family: "IPsec options",
    // IOS prints it after the transform-sets (the replay window, simulated, is in crypto-ipsec.ts).
    inert: "the lab's IPsec leaves the outer header's DF bit clear",
    mode: "config",
    order: TOP.ipsecTransformSet + 0.5,
    commands: [
      { id: "ipsec.df-bit", syntax: "crypto ipsec df-bit (clear|set|copy)$mode", noSyntax: "crypto ipsec df-bit [(clear|set|copy)$mode]", help: [CRYPTO, "Configure an IPSEC policy", "Handling of encapsulated DF bit.", "Clear DF bit for encapsulated packets.", "Set DF bit for encapsulated packets.", "Copy DF bit from inner for encapsulated packets."] },
    ],
  }),
];
