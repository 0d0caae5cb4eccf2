import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Socket } from 'node:net';

/** Per-request agents that enforce a connect timeout; dispose when the request is over. */
export interface ConnectWatch {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  dispose(): void;
}

/**
 * Neither axios nor node:http has a connect timeout distinct from the socket idle timeout, so we hook
 * socket creation in the agent: a timer starts when the socket is created (DNS included) and is cleared
 * on `connect`. Works for redirects too, since follow-redirects uses the same agents.
 */
export function watchConnects(timeoutMs: number, onTimeout: () => void): ConnectWatch {
  const timers = new Set<NodeJS.Timeout>();
  const watch = (socket: Duplex | null | undefined): void => {
    if (!(socket instanceof Socket) || !socket.connecting) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      onTimeout();
      socket.destroy();
    }, timeoutMs);
    timers.add(timer);
    const clear = (): void => {
      clearTimeout(timer);
      timers.delete(timer);
    };
    socket.once('connect', clear);
    socket.once('close', clear);
  };

  class WatchedHttpAgent extends http.Agent {
    override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
      const socket = super.createConnection(...args);
      watch(socket);
      return socket;
    }
  }
  class WatchedHttpsAgent extends https.Agent {
    override createConnection(...args: Parameters<https.Agent['createConnection']>): ReturnType<https.Agent['createConnection']> {
      const socket = super.createConnection(...args);
      watch(socket);
      return socket;
    }
  }

  // No keep-alive: one scrape, one connection; nothing lingers between scrapes or after a test.
  const httpAgent = new WatchedHttpAgent({ keepAlive: false });
  const httpsAgent = new WatchedHttpsAgent({ keepAlive: false });
  return {
    httpAgent,
    httpsAgent,
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
