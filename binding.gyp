{
  # Brook's one native addon: CRC-32C for record batches (native/crc32c/).
  # Built by `npm install` (the package's install script runs node-gyp).
  "targets": [
    {
      "target_name": "brook_crc32c",
      "sources": ["native/crc32c/crc32c.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=c11"] }
    }
  ]
}
