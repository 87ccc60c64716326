{
  "targets": [
    {
      "target_name": "omega13_jack",
      "sources": [
        "native/addon.cc",
        "native/jack-client.cc",
        "native/jack-errors.cc",
        "native/jack-messages.cc",
        "native/realtime-state.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-std=gnu++17"],
      "libraries": ["<!@(pkg-config --libs jack 2>/dev/null || echo -ljack)"],
      "cflags": ["<!@(pkg-config --cflags jack 2>/dev/null || true)"]
    }
  ]
}
