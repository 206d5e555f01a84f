// Every kept command (commands/kept*.ts) and access-list form at least once, with the lines real IOS, IOSv and
// CSR1000v configs carry, written the way running-config prints them: the kitchen-sink test
// reads it with KITCHEN_SINK and checks it renders back byte for byte.

export const KEPT_SINK = `upgrade fpd auto
!
version 15.9
service timestamps debug datetime msec
service tcp-keepalives-in
service tcp-keepalives-out
no service pad
service password-encryption
!
hostname KEPT
!
boot-start-marker
boot-end-marker
platform console serial
no platform punt-keepalive disable-kernel-core
platform qfp utilization monitor load 80
!
enable secret 5 $1$abcd$xyz
logging rate-limit 100 except errors
logging persistent url flash:/log size 1000000
!
aaa new-model
!
aaa group server radius RAD-GRP
 server name ISE1
 server 10.1.1.60 auth-port 1812 acct-port 1813
 ip vrf forwarding mgmt
 ip radius source-interface Loopback0
 deadtime 5
!
aaa group server tacacs+ TAC-GRP
 server name TAC1
!
aaa authentication login default group RAD-GRP local
aaa authentication login CONSOLE none
aaa authentication enable default group TAC-GRP enable
aaa authentication login privilege-mode
!
aaa authorization exec default local
aaa authorization commands 15 default group TAC-GRP local if-authenticated
aaa authorization console
aaa accounting exec default start-stop group RAD-GRP
aaa accounting commands 15 default stop-only group TAC-GRP
aaa accounting system default start-stop broadcast group RAD-GRP
!
aaa attribute list ATTRS
 attribute type interface-config "ip mtu 1400"
!
aaa session-id common
!
clock timezone CET 1 0
clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00
!
mmi polling-interval 60
no mmi auto-configure
no mmi pvc
mmi snmp-timeout 180
!
no ip icmp rate-limit unreachable
ip icmp rate-limit unreachable df 500
no ip source-route
no ip bootp server
!
ip auth-proxy max-login-attempts 5
ip admission max-login-attempts 5
ip name-server 10.10.10.10 10.10.10.11
ip name-server vrf mgmt 192.0.2.53
ip tcp synwait-time 5
ip multicast-routing
ipv6 unicast-routing
!
subscriber templating
vtp domain cisco
vtp mode transparent
mpls label protocol ldp
mpls ldp router-id Loopback0 force
mpls ldp explicit-null
mpls ldp graceful-restart
mpls ldp neighbor 10.255.0.2 password 7 0822455D0A16
mpls traffic-eng tunnels
!
diagnostic bootup level minimal
spanning-tree extend system-id
memory free low-watermark processor 72107
memory reserve critical 1000
license udi pid CSR1000V sn 9ABCDEFGHIJ
license boot level ax
no license smart enable
license accept end user agreement
no cdp run
cdp timer 30
cdp holdtime 120
no cdp advertise-v2
no cdp log mismatch duplex
lldp run
!
archive
 path flash:archive
 maximum 5
 write-memory
 time-period 1440
 log config
  logging enable
  logging size 200
  notify syslog contenttype plaintext
  hidekeys
!
security passwords min-length 8
login on-success log
login on-failure log
login block-for 120 attempts 3 within 60
!
key chain EIGRP-KEYS
 key 1
  key-string 7 0822455D0A16
  accept-lifetime 00:00:00 Jan 1 2020 infinite
  cryptographic-algorithm hmac-sha-256
!
class-map match-any VOICE
 description RTP and signalling
 match ip dscp ef
 match access-group name VOICE-ACL
 match protocol sip
!
class-map match-all SCAVENGER
 match not dscp cs1
 match cos 1 2
 match mpls experimental topmost 1
 match qos-group 5
 match input-interface GigabitEthernet2
 match any
!
policy-map CHILD
 class VOICE
  priority percent 20
  set dscp ef
 class SCAVENGER
  bandwidth remaining percent 5
  police cir 1000000 conform-action transmit exceed-action drop
  set ip precedence 1
  set mpls experimental topmost 1
 class class-default
  random-detect dscp-based
  fair-queue
  queue-limit 64 packets
!
policy-map SHAPE
 description parent shaper
 class class-default
  shape average 10000000
  service-policy CHILD
!
policy-map MARK
 class VOICE
  priority 1000 8000
  bandwidth 512
  shape peak percent 50
  police 8000
  set cos 5
  set qos-group 3
  set precedence 5
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 28800
!
crypto isakmp policy 20
 encr 3des
 hash md5
 authentication rsa-sig
 group 2
!
crypto isakmp key 0 S3cret address 203.0.113.2
crypto isakmp key OtherKey address 0.0.0.0 0.0.0.0 no-xauth
crypto isakmp key HostKey hostname peer.example.net
crypto isakmp keepalive 10 3 periodic
crypto isakmp nat keepalive 20
crypto isakmp invalid-spi-recovery
crypto isakmp aggressive-mode disable
crypto isakmp identity address
!
crypto keyring KR vrf cust
 description partner keys
 local-address GigabitEthernet1
 pre-shared-key address 198.51.100.1 key PartnerKey
 pre-shared-key hostname hub.example.net key HubKey
!
crypto isakmp profile PROF
 description site to site
 vrf cust
 keyring KR
 self-identity address
 match identity address 198.51.100.1 255.255.255.255 cust
 match identity host hub.example.net
 keepalive 30 retry 5
 local-address GigabitEthernet1
!
crypto isakmp profile AWS
 local-address 203.0.113.7
!
crypto ipsec security-association replay window-size 128
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
!
crypto ipsec df-bit clear
!
crypto map CMAP 10 ipsec-isakmp
 description to branch
 set peer 203.0.113.2
 set peer 203.0.113.3 default
 set security-association lifetime seconds 3600
 set security-association lifetime kilobytes 4608000
 set transform-set TS
 set pfs group14
 set isakmp-profile PROF
 match address 101
 reverse-route static
 qos pre-classify
!
crypto map CMAP 65535 ipsec-isakmp dynamic DYN
!
crypto dynamic-map DYN 10
 set transform-set TS
 match address VPN-ACL
!
crypto map CMAP local-address GigabitEthernet1
!
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
 ip ospf 1 area 0
!
interface Tunnel0
 bandwidth 1000
 ip address 10.99.0.1 255.255.255.0
 ip mtu 1400
 keepalive 10 3
 mpls ip
 tunnel source Loopback0
 tunnel destination 10.255.0.2
!
interface GigabitEthernet1
 description uplink
 bandwidth 100000
 delay 10
 mtu 9000
 ip address 10.0.0.1 255.255.255.0
 ip helper-address 10.0.0.200
 ip helper-address 10.0.0.201
 ip authentication mode eigrp 100 md5
 ip authentication key-chain eigrp 100 EIGRP-KEYS
 no ip redirects
 ip hello-interval eigrp 100 2
 ip hold-time eigrp 100 6
 no ip proxy-arp
 no ip directed-broadcast
 no ip route-cache cef
 no ip mroute-cache
 ip nat outside
 ip access-group EDGE in
 ip access-group 10 out
 ip virtual-reassembly in
 ip flow ingress
 ip summary-address eigrp 100 10.0.0.0 255.0.0.0
 ip rip authentication mode md5
 ip rip authentication key-chain EIGRP-KEYS
 ip pim sparse-mode
 ip igmp version 3
 ip router isis CORE
 ip ospf authentication message-digest
 ip ospf message-digest-key 1 md5 7 045802150C2E
 ip ospf network point-to-point
 ip ospf hello-interval 5
 ip ospf dead-interval 20
 ip ospf priority 0
 ip ospf cost 10
 ip ospf mtu-ignore
 ip tcp adjust-mss 1360
 load-interval 30
 carrier-delay msec 0
 negotiation auto
 no cdp enable
 isis circuit-type level-2-only
 isis metric 20 level-2
 isis network point-to-point
 mpls ip
 mpls label protocol ldp
 mpls mtu 1508
 mpls ldp igp sync
 mpls traffic-eng tunnels
 no mop enabled
 no mop sysid
 crypto map CMAP
 service-policy input MARK
 service-policy output SHAPE
!
interface GigabitEthernet2
 ip address dhcp
 ip ospf authentication-key 7 1511021F0725
 ip ospf authentication
 duplex full
 speed 1000
 media-type rj45
!
interface GigabitEthernet7
 ip address 192.168.7.2 255.255.255.0
 standby version 2
 standby 12 ip 192.168.7.254
 standby 12 ip 192.168.8.254 secondary
 standby 12 priority 110
 standby 12 preempt delay minimum 30
 standby 12 timers msec 250 msec 800
 standby 12 authentication md5 key-string 7 0822455D0A16
 standby 12 name LAN
 vrrp 3 ip 192.168.7.253
 vrrp 3 priority 120
 no vrrp 3 preempt
 vrrp 3 description backup gateway
!
router ospf 1 vrf cust
 router-id 10.255.0.1
 log-adjacency-changes detail
 auto-cost reference-bandwidth 100000
 bfd all-interfaces
 mpls ldp autoconfig area 0
 mpls ldp sync
 mpls traffic-eng router-id Loopback0
 mpls traffic-eng area 0
 timers throttle spf 50 200 5000
 area 0 authentication message-digest
 area 1 stub no-summary
 area 0.0.0.2 nssa
 area 1 range 10.1.0.0 255.255.0.0
 redistribute connected subnets
 redistribute bgp 65000 metric 100 metric-type 1 subnets route-map BGP-TO-OSPF tag 7
 passive-interface Loopback0
 network 10.0.0.0 0.0.0.255 area 0
 network 10.1.0.0 0.0.255.255 area 0.0.0.1
 default-information originate always metric 10 metric-type 1
 distance 110
 maximum-paths 8
!
router eigrp 100
 eigrp router-id 10.255.0.1
 eigrp stub connected summary
 redistribute static metric 10000
 passive-interface default
 no passive-interface GigabitEthernet1
 network 10.0.0.0 0.0.0.255
 network 10.255.0.1
 no auto-summary
 variance 2
 default-information originate
 distance 90
 maximum-paths 4
!
router eigrp CORE-NAMED
!
router rip
 version 2
 redistribute ospf 1
 passive-interface default
 network 10.0.0.0
 default-information originate
 no auto-summary
 distance 120
 maximum-paths 2
!
router isis CORE
 net 49.0001.0100.0025.5001.00
 is-type level-2-only
 metric-style wide
 log-adjacency-changes all
 redistribute static
 passive-interface Loopback0
 default-information originate route-map DEF
 distance 115
 maximum-paths 6
!
router bgp 65000
 bgp dampening
 bgp log-neighbor-changes
 bgp bestpath compare-routerid
 neighbor RR peer-group
 neighbor RR remote-as 65000
 neighbor 10.0.0.2 remote-as 65001
 neighbor 10.0.0.3 peer-group RR
 neighbor 10.0.0.2 timers 10 30 30
 !
 address-family ipv4
  bgp dampening 15 750 2000 60
  bgp additional-paths select all
  bgp additional-paths send receive
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 soft-reconfiguration inbound
  neighbor 10.0.0.2 default-originate route-map DEF
  neighbor RR advertise additional-paths all
  maximum-paths ibgp 2
 exit-address-family
!
virtual-service csr_mgmt
 profile mini
 activate
!
ip bgp-community new-format
ip community-list 10 deny internet
ip community-list 120 permit ^65000:[0-9]+$
ip community-list expanded CL-EXP permit _65001:
ip community-list standard CL-STD permit 65000:100 no-export
ip as-path access-list 1 permit ^$
!
ip http authentication local
ip http client source-interface GigabitEthernet1
ip tftp source-interface Loopback0
ip ftp source-interface Loopback0
ip ssh time-out 60
ip ssh authentication-retries 2
ip ssh source-interface Loopback0
ip ssh rsa keypair-name SSHKEY
ip ssh logging events
ip scp server enable
!
ip nat pool PUBLIC 203.0.113.10 203.0.113.20 prefix-length 24
ip nat inside source list 1 interface GigabitEthernet1 overload
ip nat inside source list NAT-ACL pool PUBLIC vrf cust overload
ip nat inside source static tcp 10.0.0.10 80 203.0.113.5 8080 extendable
ip nat outside source static 198.51.100.7 10.0.0.77
ipv6 ioam timestamp
!
ip route 0.0.0.0 0.0.0.0 10.0.0.254
!
ip access-list standard 50
 permit any
!
ip access-list standard MGMT
 remark jump hosts
 permit 10.10.0.0 0.0.255.255
 permit host 192.0.2.1
 deny any log
!
ip access-list extended EDGE
 5 permit tcp any any established
 remark web
 permit tcp any host 10.0.0.10 eq www
 permit tcp any host 10.0.0.10 range 8000 8080
 permit udp any eq domain any gt 1023
 deny udp any any neq ntp
 permit icmp any any echo-reply
 permit icmp any any 3 13
 permit esp host 198.51.100.1 host 10.0.0.1
 permit 47 any any
 deny tcp any any fragments
 deny ip any any log-input
!
logging source-interface Loopback0 vrf mgmt
logging facility local5
logging origin-id hostname
logging host 10.1.1.50
logging 10.1.1.51 vrf mgmt
logging trap informational
!
radius server ISE1
 address ipv4 10.1.1.60 auth-port 1812 acct-port 1813
 key 7 0822455D0A16
 timeout 5
 retransmit 2
 automate-tester username probe probe-on
!
tacacs server TAC1
 address ipv4 10.1.1.61
 key S3cret
!
radius-server host 10.1.1.62 auth-port 1645 acct-port 1646 key Legacy
radius-server key 7 0822455D0A16
radius-server timeout 10
radius-server retransmit 2
radius-server deadtime 10
radius-server dead-criteria time 10 tries 3
radius-server attribute 32 include-in-access-req format %h
radius-server vsa send accounting
radius-server vsa send authentication
tacacs-server host 10.1.1.63 key Legacy single-connection
tacacs-server key 7 0822455D0A16
ip radius source-interface Loopback0 vrf mgmt
ip tacacs source-interface Loopback0
access-list 10 remark managers
access-list 10 permit 10.1.0.0 0.0.255.255
access-list 10 deny any
access-list 101 permit tcp 10.0.0.0 0.0.0.255 any lt 1024
access-list 101 deny ip any any log
snmp-server community public ro 10
snmp-server community private view all rw SNMP-RW
snmp-server location Lab rack 4, row B
snmp-server contact noc@example.net
snmp-server trap-source Loopback0
snmp-server ifindex persist
snmp-server enable traps snmp linkdown linkup
snmp-server enable traps config
snmp-server host 10.1.1.50 version 2c public
!
route-map CM permit 10
 match as-path 1
 match community CL-STD 10 exact-match
!
alias exec s show ip interface brief
!
mgcp profile default
!
gatekeeper
 shutdown
!
line con 0
 exec-timeout 0 0
 logging synchronous
 flowcontrol hardware
line aux 0
 no exec
 speed 115200
 modem InOut
line vty 0 4
 access-class 10 in vrf-also
 session-timeout 30
 length 0
 width 132
 history size 50
 authorization exec VTY
 authorization commands 15 VTY
 login authentication VTY
 transport input ssh
 transport output none
 transport preferred none
!
ntp authenticate
ntp authentication-key 1 md5 0822455D0A16 7
ntp trusted-key 1
ntp source Loopback0
ntp master 3
ntp update-calendar
ntp server 10.1.1.1 prefer
ntp server vrf mgmt ntp.example.net key 1 iburst
ntp peer 10.1.1.2
no scheduler allocate
!
end
`;
