// A configuration that uses every declared configuration command at least once, written the
// way IOS prints it, so one parse → render → parse round trip covers all declarations.

export const KITCHEN_SINK = `version 15.4
service timestamps debug datetime msec
service timestamps log datetime msec localtime show-timezone year
service password-encryption
!
hostname SINK
!
boot-start-marker
boot-end-marker
!
logging buffered 51200 warnings
enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
!
vrf definition blue
 description blue customer
 rd 65000:1
 route-target export 65000:1
 route-target import 65000:1
 route-target import 10.0.0.1:7
 !
 address-family ipv4
  route-target export 65000:11
  route-target import 65000:11
 exit-address-family
!
aaa new-model
!
aaa authorization exec default group tacacs local
aaa authorization network default local
!
clock timezone CET 1 0
!
ip vrf red
 description legacy
 rd 2:2
 route-target export 2:2
 route-target import 2:2
!
no ip domain lookup
ip domain name lab.example
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
mpls label range 100 199
mpls ldp loop-detection
!
crypto pki token default removal timeout 0
!
crypto pki server SINKCA
 database level complete
 database url nvram:
 issuer-name CN=SINKCA.lab.example,O=Lab
 grant auto
 lifetime certificate 730
 lifetime ca-certificate 1825
!
crypto pki server OFF
 grant none
 shutdown
!
crypto pki trustpoint CA
 enrollment url http://10.0.0.100:80
 vrf blue
 password
 fingerprint 0123456789ABCDEF0123456789ABCDEF
 subject-name CN=sink.lab.example,O=Lab
 revocation-check crl none
 rsakeypair SINK 2048
 auto-enroll 70 regenerate
!
crypto pki trustpoint SELF
 enrollment selfsigned
 password s3cret
!
crypto pki certificate map mymap 10
 subject-name co ou = flex
 issuer-name eq cn = ca
!
crypto pki certificate chain CA
 certificate 0A
  30820201 3082016A
  A0030201
  \tquit
 certificate ca 01
!
username admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
!
redundancy
!
crypto ikev2 proposal PROP
 encryption aes-cbc-256 aes-gcm-128
 integrity sha256
 prf sha256
 group 14 19
!
crypto ikev2 policy POL
 match fvrf any
 match address local 10.0.0.1
 proposal PROP
!
crypto ikev2 keyring KR
 peer ANY
  address 0.0.0.0 0.0.0.0
  hostname peer.lab
  identity fqdn peer.lab
  pre-shared-key cisco123
  pre-shared-key local left
  pre-shared-key remote right
 !
!
crypto ikev2 authorization policy default
 pool mypool
 dns 10.0.0.53 10.0.0.54
 netmask 255.255.255.0
 banner ^C Welcome ^C
 def-domain lab.example
 route set interface Loopback0
 route set access-list SPLIT
 route set remote ipv4 172.30.0.0 255.255.0.0
 route accept any tag 7 distance 5
!
crypto ikev2 profile default
 description hub profile
 match fvrf any
 match identity remote fqdn domain lab.example
 match identity remote fqdn spoke.lab.example
 match identity remote address 10.0.0.0 255.0.0.0
 match identity remote email domain lab.example
 match identity remote email ops@lab.example
 match identity remote any
 match certificate mymap
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 authentication remote pre-share
 keyring local KR
 pki trustpoint CA
 dpd 60 2 on-demand
 aaa authorization group cert list default default
 aaa authorization group psk list default
 lifetime 3600
 ivrf blue
 virtual-template 1
!
crypto ikev2 profile spoke
 identity local fqdn spoke.lab.example
!
crypto ikev2 profile byaddr
 identity local address 10.0.0.9
!
crypto ikev2 fragmentation mtu 1000
!
crypto ipsec security-association lifetime seconds 1800
crypto ipsec security-association lifetime kilobytes 102400
crypto ipsec security-association replay window-size 128
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
!
crypto ipsec profile default
 set security-association lifetime seconds 900
 set transform-set TS
 set pfs group14
 set ikev2-profile default
 responder-only
!
interface Loopback0
 description router id
 ip address 10.0.0.1 255.255.255.255
!
interface Tunnel5
 ip address 10.5.0.1 255.255.255.0
 no ip redirects
 ip mtu 1400
 ip nhrp authentication cisco
 ip nhrp map multicast dynamic
 ip nhrp map multicast 172.16.0.9
 ip nhrp map 10.5.0.2 172.16.0.2
 ip nhrp map 10.5.0.3 172.16.0.3
 ip nhrp network-id 5
 ip nhrp holdtime 300
 ip nhrp nhs 10.5.0.2 nbma 172.16.0.2 multicast
 ip nhrp nhs 10.5.0.3
 ip nhrp registration no-unique
 ip nhrp registration timeout 60
 ip nhrp redirect
 ip nhrp shortcut
 ip tcp adjust-mss 1360
 mpls nhrp
 tunnel source 172.16.0.1
 tunnel destination 172.16.0.2
 tunnel mode gre multipoint
 tunnel key 55
 tunnel protection ipsec profile default
!
interface Tunnel6
 ip address negotiated
 ip nhrp network-id 1
 ip nhrp shortcut virtual-template 1
 tunnel source Loopback0
 tunnel mode ipsec ipv4
!
interface Ethernet0/0
 mac-address aabb.cc00.0100
 ip address 172.16.0.2 255.255.255.0 secondary
 ip address 172.16.0.1 255.255.255.0
 no ip unreachables
 mpls ip
!
interface Ethernet0/1
 no ip address
 shutdown
!
interface Ethernet0/1.10
 encapsulation dot1Q 10 native
 vrf forwarding blue
 ip address 192.168.10.1 255.255.255.0
!
interface Ethernet0/2
 ip vrf forwarding red
 ip address 192.168.20.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1
 ip nhrp redirect timeout 10
 mpls bgp forwarding
 tunnel protection ipsec profile default
!
router bgp 65000
 bgp router-id 10.0.0.1
 bgp cluster-id 10.0.0.9
 bgp log-neighbor-changes
 no bgp default ipv4-unicast
 bgp listen range 10.5.0.0/24 peer-group SPOKES
 bgp listen limit 100
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as 65001
 neighbor SPOKES description dynamic spokes
 neighbor SPOKES password secret
 neighbor SPOKES ebgp-multihop 10
 neighbor SPOKES transport connection-mode passive
 neighbor SPOKES update-source Loopback0
 neighbor 10.0.0.2 remote-as 65000
 neighbor 10.0.0.2 peer-group SPOKES
 neighbor 10.0.0.2 shutdown
 neighbor 10.0.0.3 remote-as 65003
 neighbor 10.0.0.3 local-as 65100
 synchronization
 auto-summary
 !
 address-family ipv4
  network 10.0.0.0
  network 10.0.0.1 mask 255.255.255.255 route-map RM
  aggregate-address 10.0.0.0 255.0.0.0 as-set summary-only
  redistribute connected
  neighbor SPOKES activate
  neighbor SPOKES next-hop-self
  neighbor SPOKES route-map RM in
  neighbor SPOKES route-map RM out
  neighbor SPOKES prefix-list PL in
  neighbor SPOKES distribute-list 10 out
  neighbor SPOKES filter-list 1 out
  neighbor SPOKES route-reflector-client
  neighbor SPOKES maximum-prefix 500 restart 10
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.3 send-community
  neighbor 10.0.0.3 soft-reconfiguration inbound
  neighbor 10.0.0.3 allowas-in 2
  neighbor 10.0.0.3 send-label
  neighbor 10.0.0.3 maximum-prefix 1000 80 warning-only
  maximum-paths 4
 exit-address-family
 !
 address-family vpnv4
  neighbor SPOKES activate
  neighbor SPOKES send-community extended
 exit-address-family
 !
 address-family ipv4 vrf blue
  redistribute static route-map RM
  neighbor 192.168.10.2 remote-as 65010
  neighbor 192.168.10.2 description ce
  neighbor 192.168.10.2 activate
  neighbor 192.168.10.3 remote-as 65011
  no neighbor 192.168.10.3 activate
  maximum-paths eibgp 2
  default-information originate
 exit-address-family
!
ip local pool mypool 10.1.1.1 10.1.1.254
ip local pool one 10.2.2.2
ip forward-protocol nd
!
ip community-list 10 permit 65000:1 no-export
ip community-list 120 deny ^65001:
ip community-list expanded EXP permit _65002:
ip community-list standard STD permit internet
ip extcommunity-list 5 permit rt 65000:1 soo 65000:9
ip extcommunity-list expanded EXT deny RT:65000:.*
ip as-path access-list 1 permit ^65001_
ip as-path access-list 1 deny .*
!
ip http server
ip http secure-server
ip ssh version 2
!
ip route 0.0.0.0 0.0.0.0 172.16.0.254 name default
ip route 10.9.0.0 255.255.0.0 Null0 250 tag 9 permanent name blackhole
ip route 10.10.0.0 255.255.0.0 Ethernet0/0 172.16.0.10
ip route vrf blue 0.0.0.0 0.0.0.0 Null0 tag 666
!
ip prefix-list PL seq 5 permit 10.0.0.0/8 le 24
ip prefix-list PL seq 10 deny 0.0.0.0/0 ge 25
!
route-map RM permit 10
 description tagged
 match ip address ACL1 ACL2
 match ip address prefix-list PL
 match tag 1 2
 set community 65000:1 additive
 set ip next-hop 10.0.0.1
 set local-preference 200
 set metric 5
 set tag 7
 set weight 100
!
route-map RM deny 20
 match as-path 1
 match community 10 STD exact-match
 match extcommunity 5 EXT
 match metric 7
 match source-protocol connected
 match source-protocol bgp 65001
 set as-path prepend 65000 65000
 set community none
 set comm-list STD delete
 set extcommunity rt 65000:2 additive
 set origin incomplete
!
route-map RM permit 30
 set community 65000:2 no-export
!
control-plane
!
banner motd ^C
Lab router
^C
!
line con 0
 exec-timeout 0 0
 privilege level 15
 logging synchronous
 stopbits 1
line aux 0
line vty 0 4
 password cisco
 login local
 transport input telnet ssh
!
end
`;
