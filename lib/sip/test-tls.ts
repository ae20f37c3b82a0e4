/**
 * Throw-away TLS material for self-tests: a CA and a server certificate for
 * the names given, made with the openssl CLI in a temp dir that is removed
 * before returning. Tests skip TLS when openssl is absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestTls {
  caPem: string;
  keyPem: string;
  certPem: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `names`: subjectAltName entries, e.g. ['IP:127.0.0.1', 'DNS:sip.example']. */
export function makeTestTls(names: string[]): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'lib-sip-tls-'));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=lib-sip test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    run('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${names[0].replace(/^\w+:/, '')}`);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
    return { caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'srv.key'), 'utf8'), certPem: readFileSync(join(dir, 'srv.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
