{
  # AF_PACKET exists only on Linux: elsewhere there is no target, and install.cjs skips the build.
  "conditions": [
    ["OS=='linux'", {
      "targets": [
        {
          "target_name": "packet_socket",
          "sources": ["src/packet_socket.c"],
          "defines": ["NAPI_VERSION=8"],
          "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
        }
      ]
    }]
  ]
}
