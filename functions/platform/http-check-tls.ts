import { isIP } from 'node:net';
import tls from 'node:tls';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateFacts } from '../core/probes/http-check-types.ts';

/** Longest chain walked: real chains are 2–4 deep, and a hostile server must not make us loop. */
const MAX_CHAIN = 10;

/** Dates of every certificate Node reports for the peer: the presented chain, plus the trust anchor it found. */
export function chainFacts(leaf: PeerCertificate | DetailedPeerCertificate | undefined): CertificateFacts[] {
  const out: CertificateFacts[] = [];
  const seen = new Set<string>();
  let cert = leaf as DetailedPeerCertificate | undefined;
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256) && out.length < MAX_CHAIN) {
    seen.add(cert.fingerprint256);
    const issuer = cert.issuerCertificate as DetailedPeerCertificate | undefined;
    // Node points a self-issued certificate's issuerCertificate at itself.
    out.push({ notBefore: Date.parse(cert.valid_from), notAfter: Date.parse(cert.valid_to), selfSigned: issuer?.fingerprint256 === cert.fingerprint256 });
    cert = issuer;
  }
  return out;
}

/** A DER certificate as PEM, to pin a self-signed leaf as the only extra trust anchor of a request. */
export function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${b64.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface Inspection {
  chain: CertificateFacts[];
  /** The leaf as PEM (for pinning a self-signed certificate). */
  leafPem?: string;
}

/**
 * A handshake that sends no request: verification off so even an expired, self-signed or incomplete chain can be
 * read after the real request was refused. Nothing but the TLS ClientHello leaves, so no header or secret can go
 * to a server we would not trust. Resolves undefined on any error or after `timeoutMs`.
 */
export function inspectChain(url: URL, opts: { ca?: string | string[]; timeoutMs: number; signal?: AbortSignal }): Promise<Inspection | undefined> {
  return new Promise((resolve) => {
    if (opts.timeoutMs <= 0 || opts.signal?.aborted) {
      resolve(undefined);
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    let settled = false;
    const done = (value: Inspection | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      done({ chain: chainFacts(peer), ...(peer.raw ? { leafPem: derToPem(peer.raw) } : {}) });
    });
    socket.once('error', () => done(undefined));
  });
}
