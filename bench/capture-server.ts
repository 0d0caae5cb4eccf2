// The delivery endpoint of bench/receiver.ts, run as its own process: it stands for PagerDuty or a chat service, so
// its CPU is not the receiver's. Prints its URL, answers 200 to every delivery, `GET /count` says how many it got.
import { createServer } from 'node:http';

let delivered = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/count') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ delivered }));
      return;
    }
    delivered += 1;
    res.writeHead(200).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
