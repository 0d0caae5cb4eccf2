import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Certificates generated in the tests (never checked in, so they never expire under us): keys by node:crypto
 * (native, fast), certificates by node-forge. Every leaf covers 127.0.0.1 and localhost.
 */
export interface TestKey {
  privatePem: string;
  forgePrivate: forge.pki.rsa.PrivateKey;
  forgePublic: forge.pki.rsa.PublicKey;
}

export interface TestCert {
  pem: string;
  cert: forge.pki.Certificate;
  key: TestKey;
}

const DAY = 86_400_000;

export function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privatePem: privateKey,
    forgePrivate: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    forgePublic: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
  };
}

interface CertOptions {
  cn: string;
  key: TestKey;
  /** Signed by this issuer; absent: self-signed. */
  issuer?: TestCert;
  ca?: boolean;
  /** Days from now (negative in the past). */
  fromDays?: number;
  toDays: number;
  now?: number;
}

export function makeCert(o: CertOptions): TestCert {
  const now = o.now ?? Date.now();
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.key.forgePublic;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(now + (o.fromDays ?? -1) * DAY);
  cert.validity.notAfter = new Date(now + o.toDays * DAY);
  const subject = [{ name: 'commonName', value: o.cn }];
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: o.ca === true, critical: o.ca === true }];
  extensions.push(
    o.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
  );
  if (!o.ca) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(extensions);
  cert.sign((o.issuer?.key ?? o.key).forgePrivate, forge.md.sha256.create());
  return { pem: forge.pki.certificateToPem(cert), cert, key: o.key };
}

/** A root CA, an intermediate, and leaves signed by the intermediate; plus a self-signed leaf. */
export interface TestPki {
  root: TestCert;
  intermediate: TestCert;
  leafKey: TestKey;
  leaf(toDays: number, fromDays?: number): TestCert;
  selfSigned(toDays: number): TestCert;
}

export function makePki(): TestPki {
  const caKey = newKey();
  const leafKey = newKey();
  const root = makeCert({ cn: 'pooler-watch test root', key: caKey, ca: true, toDays: 3650 });
  const intermediate = makeCert({ cn: 'pooler-watch test intermediate', key: caKey, issuer: root, ca: true, toDays: 1825 });
  return {
    root,
    intermediate,
    leafKey,
    leaf: (toDays, fromDays) => makeCert({ cn: 'localhost', key: leafKey, issuer: intermediate, toDays, ...(fromDays === undefined ? {} : { fromDays }) }),
    selfSigned: (toDays) => makeCert({ cn: 'localhost', key: leafKey, toDays }),
  };
}
