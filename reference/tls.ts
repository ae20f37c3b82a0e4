import type { ServerTls } from './component.ts';

/**
 * Generates a CA and a server certificate for 127.0.0.1 and localhost.
 * TODO(idms): implement with @peculiar/x509 (issue 5).
 */
export async function createServerTls(_workDir: string): Promise<ServerTls> {
  return { caPem: '', certPem: '', keyPem: '' };
}
