// Never listens: startServer() must give up after its ready timeout.
console.error('silent.mjs: up, but never listening');
setInterval(() => {}, 1_000);
