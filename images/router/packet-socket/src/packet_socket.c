// Linux AF_PACKET raw sockets for FlexLab routers: one socket bound to one interface, whole
// Ethernet frames in and out. Plain Node-API in C, with a libuv poll handle on the
// non-blocking socket, so frames are read on the JS thread without a helper thread.
//
//   open(ifname, onFrame, promiscuous) -> handle   onFrame(frame: Uint8Array) per frame,
//                                                  onFrame(null, drops) for frames lost
//   send(handle, frame: Uint8Array)    -> 0, or the errno that refused it
//   close(handle)
//   interfaceInfo(ifname)              -> { ifindex, mac, hardwareType, up, running, mtu }
//   trimMemory()                       -> whether the C heap gave pages back (malloc_trim)
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <node_api.h>
#include <uv.h>

#define FRAME_BUFFER_BYTES 65536
#define VLAN_TAG_BYTES 4
#define MAC_PAIR_BYTES 12
// Frames handed to JS per readable event before giving the event loop a turn.
#define BATCH_FRAMES 64

typedef struct packet_socket {
  int fd;
  napi_env env;
  napi_ref on_frame;
  napi_async_context async_context;
  uv_poll_t poll;
  int closing;       // close() ran (or the finalizer closed it)
  int handle_closed; // libuv's close callback ran: the poll handle no longer uses this memory
  int finalized;     // the JS handle is gone
  // Room for a VLAN tag in front, so a tag the kernel stripped can be put back in place.
  uint8_t buffer[VLAN_TAG_BYTES + FRAME_BUFFER_BYTES];
} packet_socket;

static void throw_errno(napi_env env, int err, const char *call, const char *ifname) {
  char message[256];
  snprintf(message, sizeof message, "%s(%s): %s", call, ifname, strerror(err));
  napi_throw_error(env, uv_err_name(-err), message);
}

// Throws for a failed napi call unless it already left an exception pending.
static void throw_status(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what,
           info && info->error_message ? info->error_message : "Node-API call failed");
  napi_throw_error(env, NULL, message);
}

#define NAPI_OR_THROW(env, call)          \
  do {                                    \
    if ((call) != napi_ok) {              \
      throw_status((env), #call);         \
      return NULL;                        \
    }                                     \
  } while (0)

// Reads an interface name argument; false (with an exception thrown) when it is not one.
static bool get_ifname(napi_env env, napi_value value, char ifname[IF_NAMESIZE]) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "interface name must be a string");
    return false;
  }
  if (len == 0 || len >= IF_NAMESIZE) {
    napi_throw_range_error(env, NULL, "interface name must be 1 to 15 bytes long");
    return false;
  }
  napi_get_value_string_utf8(env, value, ifname, IF_NAMESIZE, &len);
  return true;
}

static packet_socket *get_socket(napi_env env, napi_value value) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "not a packet socket handle");
    return NULL;
  }
  return (packet_socket *)data;
}

static void free_when_unused(packet_socket *s) {
  if (s->handle_closed && s->finalized) free(s);
}

static void on_handle_closed(uv_handle_t *handle) {
  packet_socket *s = (packet_socket *)handle->data;
  s->handle_closed = 1;
  free_when_unused(s);
}

static void close_socket(packet_socket *s) {
  if (s->closing) return;
  s->closing = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  close(s->fd); // also leaves the promiscuous membership
  s->fd = -1;
  napi_delete_reference(s->env, s->on_frame);
  s->on_frame = NULL;
  napi_async_destroy(s->env, s->async_context);
  s->async_context = NULL;
}

static void finalize_socket(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  packet_socket *s = (packet_socket *)data;
  close_socket(s);
  s->finalized = 1;
  free_when_unused(s);
}

// Calls onFrame(args...). False when it threw: the exception goes to 'uncaughtException'.
static bool call_js(packet_socket *s, size_t argc, napi_value *argv) {
  napi_env env = s->env;
  napi_value callback, receiver, result;
  if (napi_get_reference_value(env, s->on_frame, &callback) != napi_ok || callback == NULL) return false;
  napi_get_global(env, &receiver); // napi_make_callback wants an object as `this`
  if (napi_make_callback(env, s->async_context, receiver, callback, argc, argv, &result) == napi_ok) return true;
  napi_value error;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  return false;
}

// The kernel strips the 802.1Q tag into auxdata on receive (VLAN offload); put it back in
// the frame, as libpcap does, so a dot1Q subinterface sees what was on the wire.
static uint8_t *restore_vlan_tag(packet_socket *s, struct msghdr *msg, size_t *len) {
  uint8_t *frame = s->buffer + VLAN_TAG_BYTES;
  if (*len < MAC_PAIR_BYTES) return frame;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
        c->cmsg_len < CMSG_LEN(sizeof(struct tpacket_auxdata)))
      continue;
    struct tpacket_auxdata aux;
    memcpy(&aux, CMSG_DATA(c), sizeof aux);
    if (!(aux.tp_status & TP_STATUS_VLAN_VALID)) continue;
    uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
    memmove(s->buffer, frame, MAC_PAIR_BYTES);
    frame = s->buffer;
    frame[12] = tpid >> 8;
    frame[13] = tpid & 0xff;
    frame[14] = aux.tp_vlan_tci >> 8;
    frame[15] = aux.tp_vlan_tci & 0xff;
    *len += VLAN_TAG_BYTES;
  }
  return frame;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)status; // an error shows up again in recvmsg
  (void)events;
  packet_socket *s = (packet_socket *)handle->data;
  if (s->closing) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  uint32_t drops = 0;
  for (int i = 0; i < BATCH_FRAMES && !s->closing; i++) {
    struct sockaddr_ll from;
    struct iovec iov = {.iov_base = s->buffer + VLAN_TAG_BYTES, .iov_len = FRAME_BUFFER_BYTES};
    union {
      struct cmsghdr align;
      char space[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control;
    struct msghdr msg = {
        .msg_name = &from,
        .msg_namelen = sizeof from,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.space,
        .msg_controllen = sizeof control.space,
    };
    ssize_t n = recvmsg(s->fd, &msg, MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      break; // EAGAIN: drained. ENETDOWN and the like are reported once; poll tells us when there is more.
    }
    if (from.sll_pkttype == PACKET_OUTGOING) continue; // our own sends, on kernels without PACKET_IGNORE_OUTGOING
    if ((size_t)n > FRAME_BUFFER_BYTES || (msg.msg_flags & MSG_TRUNC)) {
      drops++;
      continue;
    }
    size_t len = (size_t)n;
    uint8_t *frame = restore_vlan_tag(s, &msg, &len);
    // A plain Uint8Array, not a Buffer: Buffer#slice() shares memory, and frames are rewritten in place.
    napi_value array_buffer, array;
    void *data = NULL;
    if (napi_create_arraybuffer(env, len, &data, &array_buffer) != napi_ok ||
        napi_create_typedarray(env, napi_uint8_array, len, array_buffer, 0, &array) != napi_ok) {
      drops++;
      continue;
    }
    memcpy(data, frame, len);
    if (!call_js(s, 1, &array)) break;
  }
  // Frames the kernel dropped because we read too slowly (reading the statistics resets them).
  if (!s->closing) {
    struct tpacket_stats stats;
    socklen_t stats_len = sizeof stats;
    if (getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &stats, &stats_len) == 0) drops += stats.tp_drops;
  }
  if (drops > 0 && !s->closing) {
    napi_value argv[2];
    napi_get_null(env, &argv[0]);
    napi_create_uint32(env, drops, &argv[1]);
    call_js(s, 2, argv);
  }
  napi_close_handle_scope(env, scope);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  NAPI_OR_THROW(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "open(ifname, onFrame, promiscuous?)");
    return NULL;
  }
  char ifname[IF_NAMESIZE];
  if (!get_ifname(env, argv[0], ifname)) return NULL;
  napi_valuetype type;
  NAPI_OR_THROW(env, napi_typeof(env, argv[1], &type));
  if (type != napi_function) {
    napi_throw_type_error(env, NULL, "onFrame must be a function");
    return NULL;
  }
  bool promiscuous = false;
  if (argc > 2) napi_get_value_bool(env, argv[2], &promiscuous);

  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) {
    throw_errno(env, errno, "if_nametoindex", ifname);
    return NULL;
  }
  // Protocol 0 receives nothing until bind: no frames from other interfaces sneak in between.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, errno, "socket(AF_PACKET)", ifname);
    return NULL;
  }
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one); // Linux ≥ 4.20; filtered below otherwise
  int rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); // capped by net.core.rmem_max
  if (promiscuous) {
    struct packet_mreq mreq = {.mr_ifindex = (int)ifindex, .mr_type = PACKET_MR_PROMISC};
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0) {
      int err = errno;
      close(fd);
      throw_errno(env, err, "PACKET_ADD_MEMBERSHIP", ifname);
      return NULL;
    }
  }
  struct sockaddr_ll addr = {
      .sll_family = AF_PACKET,
      .sll_protocol = htons(ETH_P_ALL),
      .sll_ifindex = (int)ifindex,
  };
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    throw_errno(env, err, "bind", ifname);
    return NULL;
  }

  packet_socket *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    throw_errno(env, ENOMEM, "open", ifname);
    return NULL;
  }
  s->fd = fd;
  s->env = env;
  s->poll.data = s;
  struct uv_loop_s *loop = NULL;
  napi_value resource_name, handle;
  if (napi_create_reference(env, argv[1], 1, &s->on_frame) != napi_ok ||
      napi_create_string_utf8(env, "PacketSocket", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, NULL, resource_name, &s->async_context) != napi_ok ||
      napi_get_uv_event_loop(env, &loop) != napi_ok) {
    if (s->on_frame) napi_delete_reference(env, s->on_frame);
    close(fd);
    free(s);
    throw_status(env, "open: Node-API setup");
    return NULL;
  }
  int err = uv_poll_init(loop, &s->poll, fd);
  if (err == 0) err = uv_poll_start(&s->poll, UV_READABLE, on_readable);
  if (err != 0) {
    napi_delete_reference(env, s->on_frame);
    napi_async_destroy(env, s->async_context);
    close(fd);
    free(s);
    throw_errno(env, -err, "uv_poll_start", ifname);
    return NULL;
  }
  if (napi_create_external(env, s, finalize_socket, NULL, &handle) != napi_ok) {
    close_socket(s); // the poll handle is live: free after its close callback
    s->finalized = 1;
    throw_status(env, "open: napi_create_external");
    return NULL;
  }
  return handle;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_OR_THROW(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "send(handle, frame)");
    return NULL;
  }
  packet_socket *s = get_socket(env, argv[0]);
  if (s == NULL) return NULL;
  bool is_typedarray = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_is_typedarray(env, argv[1], &is_typedarray) != napi_ok || !is_typedarray ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "frame must be a Uint8Array");
    return NULL;
  }
  int result = 0;
  if (s->closing) {
    result = EBADF;
  } else {
    ssize_t n = send(s->fd, data, length, MSG_DONTWAIT);
    if (n < 0) result = errno;
    else if ((size_t)n != length) result = EMSGSIZE;
  }
  napi_value value;
  NAPI_OR_THROW(env, napi_create_int32(env, result, &value));
  return value;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OR_THROW(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "close(handle)");
    return NULL;
  }
  packet_socket *s = get_socket(env, argv[0]);
  if (s == NULL) return NULL;
  close_socket(s);
  return NULL;
}

static napi_value set_bool(napi_env env, napi_value object, const char *name, bool value) {
  napi_value v;
  if (napi_get_boolean(env, value, &v) != napi_ok || napi_set_named_property(env, object, name, v) != napi_ok) return NULL;
  return object;
}

static napi_value set_int(napi_env env, napi_value object, const char *name, int32_t value) {
  napi_value v;
  if (napi_create_int32(env, value, &v) != napi_ok || napi_set_named_property(env, object, name, v) != napi_ok) return NULL;
  return object;
}

// Interface facts by ioctl on an ordinary UDP socket, so reading them needs no privilege.
static napi_value js_interface_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OR_THROW(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "interfaceInfo(ifname)");
    return NULL;
  }
  char ifname[IF_NAMESIZE];
  if (!get_ifname(env, argv[0], ifname)) return NULL;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, errno, "socket(AF_INET)", ifname);
    return NULL;
  }
  struct ifreq index_req, hw_req, flags_req, mtu_req;
  memset(&index_req, 0, sizeof index_req);
  memcpy(index_req.ifr_name, ifname, strlen(ifname) + 1);
  hw_req = flags_req = mtu_req = index_req;
  const char *failed = NULL;
  if (ioctl(fd, SIOCGIFINDEX, &index_req) < 0) failed = "SIOCGIFINDEX";
  else if (ioctl(fd, SIOCGIFHWADDR, &hw_req) < 0) failed = "SIOCGIFHWADDR";
  else if (ioctl(fd, SIOCGIFFLAGS, &flags_req) < 0) failed = "SIOCGIFFLAGS";
  else if (ioctl(fd, SIOCGIFMTU, &mtu_req) < 0) failed = "SIOCGIFMTU";
  int err = errno;
  close(fd);
  if (failed) {
    throw_errno(env, err, failed, ifname);
    return NULL;
  }
  napi_value result, mac;
  NAPI_OR_THROW(env, napi_create_object(env, &result));
  NAPI_OR_THROW(env, napi_create_buffer_copy(env, ETH_ALEN, hw_req.ifr_hwaddr.sa_data, NULL, &mac));
  NAPI_OR_THROW(env, napi_set_named_property(env, result, "mac", mac));
  if (!set_int(env, result, "ifindex", index_req.ifr_ifindex) ||
      !set_int(env, result, "hardwareType", hw_req.ifr_hwaddr.sa_family) || // ARPHRD_ETHER = 1
      !set_bool(env, result, "up", (flags_req.ifr_flags & IFF_UP) != 0) ||
      !set_bool(env, result, "running", (flags_req.ifr_flags & IFF_RUNNING) != 0) ||
      !set_int(env, result, "mtu", mtu_req.ifr_mtu)) {
    throw_status(env, "interfaceInfo");
    return NULL;
  }
  return result;
}

// Gives the C heap's free pages back to the system: glibc keeps what is freed (V8's compiler
// zones, Node's buffers) for reuse and returns only the top of its main heap by itself.
// Always false where the C library has no malloc_trim (musl).
static napi_value js_trim_memory(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  NAPI_OR_THROW(env, napi_get_boolean(env, released != 0, &result));
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor functions[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"interfaceInfo", NULL, js_interface_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"trimMemory", NULL, js_trim_memory, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) != napi_ok) return NULL;
  return exports;
}
