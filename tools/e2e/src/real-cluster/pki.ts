// The one certificate the local cluster makes itself: the apiserver's client certificate for the kubelets
// (kubectl logs and exec), signed by a CA that only the kubelets trust. The apiserver's own serving
// certificate is the one it generates (envtest), for its advertise address and the `kubernetes` Service IP.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAll } from './host';

export interface KubeletClientPki {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** openssl commands (pure): a CA and a client certificate in group system:masters, valid for 30 days. */
export function kubeletClientPkiCommands(dir: string): {
  files: KubeletClientPki;
  extFile: string;
  commands: string[][];
} {
  const files = {
    caFile: join(dir, 'kubelet-client-ca.crt'),
    certFile: join(dir, 'apiserver-kubelet-client.crt'),
    keyFile: join(dir, 'apiserver-kubelet-client.key'),
  };
  const caKey = join(dir, 'kubelet-client-ca.key');
  const csr = join(dir, 'apiserver-kubelet-client.csr');
  const ext = join(dir, 'client.ext');
  return {
    files,
    extFile: ext,
    commands: [
      [
        'openssl',
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '30',
        '-keyout',
        caKey,
        '-out',
        files.caFile,
        '-subj',
        '/CN=pod-identity-local-kubelet-client-ca',
      ],
      [
        'openssl',
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        files.keyFile,
        '-out',
        csr,
        '-subj',
        '/O=system:masters/CN=kube-apiserver-kubelet-client',
      ],
      [
        'openssl',
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        files.caFile,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-days',
        '30',
        '-extfile',
        ext,
        '-out',
        files.certFile,
      ],
    ],
  };
}

export async function makeKubeletClientPki(dir: string): Promise<KubeletClientPki> {
  const { files, extFile, commands } = kubeletClientPkiCommands(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(extFile, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  await runAll(commands);
  return files;
}
