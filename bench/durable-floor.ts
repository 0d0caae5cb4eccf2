// The floor of any durable receiver on this machine: read the body, JSON.parse it, append it to a file with a
// group-commit fsync, answer 200. No auth, validation, enrichment or delivery: what fsync'd acceptance alone costs.
import { open } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export async function startDurableFloor(dir: string): Promise<{ server: Server; close(): Promise<void> }> {
  const file = await open(join(dir, 'floor.jsonl'), 'a');
  let queue: Array<{ line: string; done: () => void }> = [];
  let writing = false;
  const flush = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await file.write(batch.map((b) => b.line).join(''));
      await file.sync();
      for (const b of batch) b.done();
    }
    writing = false;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let line: string;
      try {
        line = `${JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')))}\n`;
      } catch {
        res.writeHead(400).end();
        return;
      }
      queue.push({ line, done: () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}') });
      if (!writing) void flush();
    });
  });
  return {
    server,
    close: async () => {
      await new Promise((r) => server.close(r));
      await file.close();
    },
  };
}
