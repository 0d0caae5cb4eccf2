/** Why no usable response arrived. Classified by the runner from error codes, never from messages. */
export type HttpFailureKind =
  | 'timeout'
  | 'connection-refused'
  | 'dns'
  | 'connection-reset'
  | 'tls'
  | 'too-many-redirects'
  | 'bad-redirect'
  | 'secret-body-redirect'
  | 'secret-unavailable'
  | 'request-error';

/** One certificate of the presented chain, as dates only: subjects and issuers are server-chosen text. */
export interface CertificateFacts {
  /** ms since epoch. */
  notBefore: number;
  notAfter: number;
  selfSigned: boolean;
  /** The redirect hop whose handshake presented it (absent: the first request's). */
  hop?: number;
}

/** What the TLS handshake showed, collected even when verification failed (by a second, request-free handshake). */
export interface TlsFacts {
  /** Leaf first, then as presented, ending with the trust anchor when Node found one. */
  chain: CertificateFacts[];
  verified: boolean;
  /** Node/OpenSSL code of a failed verification, e.g. `CERT_HAS_EXPIRED`. */
  verifyError?: string;
  /** The self-signed leaf was accepted because `tls.allowSelfSigned` pinned it for the request. */
  pinnedSelfSigned?: boolean;
}

/**
 * One execution of a check, as measured by the runner; the core turns it into a verdict. `body` is the capped,
 * decoded prefix: it is read by the assertions and never copied into a finding.
 */
export interface HttpObservation {
  /** Final status (after any followed redirects); undefined when no response arrived. */
  status?: number;
  /** The whole exchange: connect, TLS, redirects and body. */
  latencyMs: number;
  body?: string;
  bodyBytes: number;
  bodyTruncated: boolean;
  redirects: number;
  error?: { kind: HttpFailureKind; code?: string };
  tls?: TlsFacts;
}

export type HttpVerdictStatus = 'ok' | 'degraded' | 'failed';

/** One reason a check is not ok: a stable code for logic and hints, and a secret- and body-free text. */
export interface HttpReason {
  code: string;
  text: string;
}

export interface HttpVerdict {
  status: HttpVerdictStatus;
  failures: HttpReason[];
  /** Degradations other than certificate expiry (which is its own rule). */
  degradations: HttpReason[];
  /** Certificate expiry across the chain, when an https exchange showed one. */
  certificate?: { daysLeft: number; position: string; notAfter: number };
}
