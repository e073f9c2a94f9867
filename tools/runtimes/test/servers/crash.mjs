// Exits before listening: startServer() must reject with this message from stderr.
console.error('crash.mjs: failing on purpose before listening');
process.exit(3);
