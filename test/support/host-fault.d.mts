// Types of host-fault.mjs (plain JavaScript: loaded with --import into processes without tsx).
/** The IPv4 total length that trips the fault: `ping … size 1111`. */
export declare const HOST_FAULT_PING_SIZE: number;
