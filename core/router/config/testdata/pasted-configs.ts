// Configs as engineers paste them: a CSR1000v's saved `show running-config` (header, IOS
// XE defaults, a self-signed trustpoint, DHCP on the management port) and an IOSv startup
// config with its image defaults (mmi, scheduler, cdp, line settings), a GNS3 7200 with NAT
// and the image's gatekeeper and MGCP stubs, and an IOL startup-config with its archive log. Written for FlexLab's
// tests in the shape those platforms print, not copied from anywhere.

export const PASTED_CONFIGS: Readonly<Record<string, string>> = {
  "csr1000v-show-run": `Building configuration...

Current configuration : 4182 bytes
!
! Last configuration change at 14:21:07 UTC Tue Mar 9 2021 by admin
!
version 16.9
service timestamps debug datetime msec
service timestamps log datetime msec
platform qfp utilization monitor load 80
no platform punt-keepalive disable-kernel-core
platform console serial
!
hostname CSR1
!
boot-start-marker
boot-end-marker
!
!
vrf definition MGMT
 !
 address-family ipv4
 exit-address-family
!
logging buffered 16384 informational
no logging console
enable secret 5 $1$Xk1b$Dk2A0r7u6Y8r4vK3b1Zz1/
!
aaa new-model
!
!
aaa authentication login default local
aaa authorization exec default local 
!
!
!
!
!
aaa session-id common
!
!
!
!
!
!
!
no ip domain lookup
ip domain name lab.example.com
!
!
!
login on-success log
!
!
!
!
!
!
!
subscriber templating
! 
! 
! 
! 
!
multilink bundle-name authenticated
!
!
!
!
!
crypto pki trustpoint TP-self-signed-1234567890
 enrollment selfsigned
 subject-name cn=IOS-Self-Signed-Certificate-1234567890
 revocation-check none
 rsakeypair TP-self-signed-1234567890
!
!
crypto pki certificate chain TP-self-signed-1234567890
!
license udi pid CSR1000V sn 9T5HZ0YA2QN
license boot level ax
no license smart enable
diagnostic bootup level minimal
!
spanning-tree extend system-id
!
!
!
username admin privilege 15 secret 5 $1$Qw8E$X9uK1Zk3lT4s8Xh0c5PqM.
!
redundancy
!
!
!
!
!
!
! 
!
!
!
!
!
!
!
!
!
!
!
!
! 
! 
!
!
interface Loopback0
 ip address 10.255.255.1 255.255.255.255
 ip ospf 1 area 0
!
interface GigabitEthernet1
 description to CSR2
 ip address 10.1.12.1 255.255.255.0
 ip ospf network point-to-point
 ip ospf 1 area 0
 ip access-group EDGE-IN in
 negotiation auto
 no mop enabled
 no mop sysid
!
interface GigabitEthernet2
 vrf forwarding MGMT
 ip address dhcp
 negotiation auto
 no mop enabled
 no mop sysid
!
interface GigabitEthernet3
 no ip address
 shutdown
 negotiation auto
 no mop enabled
 no mop sysid
!
router ospf 1
 router-id 10.255.255.1
 passive-interface Loopback0
!
ip forward-protocol nd
no ip http server
ip http authentication local
ip http secure-server
ip route 0.0.0.0 0.0.0.0 10.1.12.2
ip ssh version 2
!
ip access-list extended EDGE-IN
 permit ospf any any
 permit icmp any any
 permit tcp any any eq 22
 deny   ip any any log
!
!
!
!
!
!
!
control-plane
!
!
!
!
!
banner motd ^C
*** Lab router CSR1 - authorised use only ***
^C
!
line con 0
 exec-timeout 0 0
 logging synchronous
 stopbits 1
line vty 0 4
 login local
 transport input ssh
!
ntp server 10.1.12.2
!
!
!
!
!
end
`,
  "iosv-startup": `version 15.9
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname vIOS3
!
boot-start-marker
boot-end-marker
!
no aaa new-model
!
mmi polling-interval 60
no mmi auto-configure
no mmi pvc
mmi snmp-timeout 180
!
no ip icmp rate-limit unreachable
!
no ip domain lookup
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
!
redundancy
!
no cdp log mismatch duplex
!
ip tcp synwait-time 5
!
interface GigabitEthernet0/0
 description to CSR2
 ip address 10.1.23.3 255.255.255.0
 duplex auto
 speed auto
 media-type rj45
!
interface GigabitEthernet0/1
 no ip address
 shutdown
 duplex auto
 speed auto
 media-type rj45
!
ip forward-protocol nd
!
no ip http server
no ip http secure-server
ip route 0.0.0.0 0.0.0.0 10.1.23.2
!
access-list 10 permit 10.0.0.0 0.255.255.255
!
control-plane
!
line con 0
 exec-timeout 0 0
 privilege level 15
 logging synchronous
line aux 0
 exec-timeout 0 0
 privilege level 15
 logging synchronous
line vty 0 4
 login
 transport input none
!
no scheduler allocate
!
end
`,
  "c7200-gns3": `!
!
!
upgrade fpd auto
version 15.2
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname R7200
!
boot-start-marker
boot-end-marker
!
!
!
no aaa new-model
no ip icmp rate-limit unreachable
!
!
!
!
!
!
no ip domain lookup
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
!
!
!
!
!
!
!
!
!
redundancy
!
!
ip tcp synwait-time 5
! 
!
!
!
!
!
!
!
!
!
interface FastEthernet0/0
 ip address 192.168.10.1 255.255.255.0
 ip nat inside
 ip virtual-reassembly in
 duplex full
!
interface FastEthernet1/0
 ip address dhcp
 ip nat outside
 ip virtual-reassembly in
 speed auto
 duplex auto
!
interface FastEthernet1/1
 no ip address
 shutdown
 speed auto
 duplex auto
!
router eigrp 10
 network 192.168.10.0
 no auto-summary
!
ip forward-protocol nd
no ip http server
no ip http secure-server
!
!
ip nat inside source list 1 interface FastEthernet1/0 overload
!
access-list 1 permit 192.168.10.0 0.0.0.255
!
!
!
!
control-plane
!
!
!
mgcp profile default
!
!
!
gatekeeper
 shutdown
!
!
line con 0
 exec-timeout 0 0
 privilege level 15
 logging synchronous
 stopbits 1
line aux 0
 exec-timeout 0 0
 privilege level 15
 logging synchronous
 stopbits 1
line vty 0 4
 login
!
!
end
`,
  "iol-startup": `version 15.7
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname R1
!
boot-start-marker
boot-end-marker
!
no aaa new-model
!
mmi polling-interval 60
no mmi auto-configure
no mmi pvc
mmi snmp-timeout 180
!
no ip domain lookup
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
!
archive
 log config
  logging enable
  hidekeys
!
redundancy
!
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
 ip ospf 1 area 0
!
interface Ethernet0/1
 no ip address
 shutdown
!
router ospf 1
!
ip forward-protocol nd
!
no ip http server
no ip http secure-server
!
ipv6 ioam timestamp
!
control-plane
!
line con 0
 logging synchronous
line aux 0
line vty 0 4
 login
 transport input none
!
end
`,
};
