// Run by `npm install` when the native CRC-32C addon (native/crc32c/) could
// not be compiled: Brook still works, with CRC-32C in JavaScript, which makes
// every produce request several times more expensive to check.
console.warn(
  'brook: the native CRC-32C addon did not build (it needs python3, make and a C compiler: ' +
    'apt-get install -y python3 make g++); falling back to the JavaScript CRC-32C, which is much slower.',
)
