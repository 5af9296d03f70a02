// The ceiling for NMI's cache hit: a bare node:http server answering every request with the same body
// (argv[2], a file) and the same content type. Prints {"msg":"listening","port":N}; exits on SIGTERM.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const body = readFileSync(process.argv[2] ?? '/dev/null');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ msg: 'listening', port }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
