// Load generator for bench/receiver.ts, run as its own process so the load does not share the server's event loop.
// argv: url token durationSeconds connections mode(bare|receiver)
import autocannon from 'autocannon';
import { webhookBody } from './webhook-payload.ts';

const [url, token, seconds, connections] = process.argv.slice(2);
let n = 0;
const result = await autocannon({
  url: url!,
  method: 'POST',
  duration: Number(seconds),
  connections: Number(connections),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  // Every request is a new webhook (new startsAt), so the receiver does the full work, not the duplicate shortcut.
  requests: [{ setupRequest: (req) => ({ ...req, body: webhookBody(n++) }) }],
});
process.stdout.write(
  JSON.stringify({ rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, non2xx: result.non2xx, errors: result.errors, total: result.requests.total }),
);
