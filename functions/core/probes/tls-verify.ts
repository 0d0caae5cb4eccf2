/** What a failed certificate verification means for the operator. */
export type TlsProblem = 'expired' | 'not-yet-valid' | 'self-signed' | 'incomplete-chain' | 'untrusted' | 'hostname-mismatch' | 'other';

// Node surfaces OpenSSL's X509_V_ERR_* names (https://nodejs.org/api/tls.html#x509-certificate-error-codes).
const BY_CODE: Record<string, TlsProblem> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  // The leaf's issuer is neither sent nor trusted: almost always a server that omits its intermediate(s).
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'incomplete-chain',
  UNABLE_TO_GET_ISSUER_CERT: 'incomplete-chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch',
};

export function classifyTlsError(code: string | undefined): TlsProblem {
  return (code !== undefined && BY_CODE[code]) || 'other';
}

/** Whether `code` is a certificate verification failure (as opposed to a handshake or protocol error). */
export function isVerifyError(code: string | undefined): boolean {
  return code !== undefined && (code in BY_CODE || /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|INVALID_CA|PATH_LENGTH)/.test(code));
}

export const TLS_TEXT: Record<TlsProblem, string> = {
  expired: 'a certificate of the chain has expired',
  'not-yet-valid': 'a certificate of the chain is not valid yet',
  'self-signed': 'the server presents a self-signed certificate',
  'incomplete-chain': 'the chain cannot be completed: the server does not send its intermediate certificate (or its issuer is unknown)',
  untrusted: 'the chain ends at a CA this probe does not trust',
  'hostname-mismatch': 'the certificate does not cover the host name',
  other: 'certificate verification failed',
};

export const TLS_HINT: Record<TlsProblem, string> = {
  expired: 'renew the certificate now (cert-manager: kubectl describe certificate -A; check the issuer and the renewal order) and make sure the Ingress/TLS secret picked up the new one',
  'not-yet-valid': 'the certificate starts in the future: check the clock of the issuer and of this probe, or wait for its notBefore',
  'self-signed': 'install a CA-issued certificate on the endpoint, or, if self-signed is intended, set tls.allowSelfSigned (or tls.ca) on the check',
  'incomplete-chain': 'serve the full chain (leaf + intermediates, e.g. fullchain.pem / tls.crt with the intermediate) on the Ingress or server; browsers may hide this, other clients fail',
  untrusted: 'the issuing CA is not trusted here: fix the chain, or set tls.ca on the check to your private CA bundle',
  'hostname-mismatch': 'the certificate SANs do not include this host: check the Ingress TLS hosts and the certificate request',
  other: 'inspect the chain with `openssl s_client -connect host:443 -showcerts` and compare it with the configured certificate',
};
