// Every kept command (commands/kept*.ts) at least once, with the lines real IOS, IOSv and
// CSR1000v configs carry, written the way running-config prints them: the kitchen-sink test
// reads it with KITCHEN_SINK and checks it renders back byte for byte.

export const KEPT_SINK = `version 15.9
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
license accept end user agreement
no cdp run
lldp run
!
archive
 path flash:archive
 maximum 5
 write-memory
 time-period 1440
!
security passwords min-length 8
login on-success log
login on-failure log
login block-for 120 attempts 3 within 60
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
 no ip redirects
 no ip proxy-arp
 no ip directed-broadcast
 no ip route-cache cef
 no ip mroute-cache
 ip nat outside
 ip virtual-reassembly in
 ip flow ingress
 ip pim sparse-mode
 ip igmp version 3
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
 mpls ip
 mpls label protocol ldp
 mpls mtu 1508
 mpls ldp igp sync
 mpls traffic-eng tunnels
 no mop enabled
 no mop sysid
 service-policy input MARK
 service-policy output SHAPE
!
interface GigabitEthernet2
 no ip address
 ip ospf authentication-key 7 1511021F0725
 ip ospf authentication
 duplex full
 speed 1000
 media-type rj45
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
logging source-interface Loopback0 vrf mgmt
logging facility local5
logging origin-id hostname
!
logging host 10.1.1.50
logging 10.1.1.51 vrf mgmt
logging trap informational
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
alias exec s show ip interface brief
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
!
end
`;
