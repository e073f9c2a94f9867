import Fastify from 'fastify';
import net from 'node:net';
const app = Fastify({ logger: { level: 'debug' } });
await app.register(async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  scope.route({ method: 'POST', url: '/x', onRequest(request, reply, done) {
      const t = setTimeout(() => { reply.code(408).header('connection', 'close').send({ ok: false }); }, 100);
      request.raw.once('end', () => clearTimeout(t));
      done();
    }, handler: async (request) => ({ n: request.body.length }) });
});
await app.listen({ port: 0 });
const port = app.server.address().port;
const s = net.connect(port, '127.0.0.1', () => s.write('POST /x HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":'));
s.on('data', (d) => console.log('CLIENT GOT', JSON.stringify(d.toString().split('\r\n')[0])));
s.on('close', async () => { console.log('CLIENT CLOSED'); setTimeout(() => app.close(), 200); });
