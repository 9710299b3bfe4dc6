// The PAdES engine's services in Node, one instance per process: node:crypto incremental digests
// (flat memory on 100 MB files) and node:http(s) for TSA, OCSP, CRL and CA-issuer fetches. Used by
// the IPC signing service, the token batch signer and the `vanthu` CLI.

import { defaultPadesServices } from '../../../src-shared/pades/default-services';
import type { PadesServices } from '../../../src-shared/pades/services';
import { createNodeNet } from '../net/http';
import { nodeDigest } from '../pdf-io/node-digest';

let services: PadesServices | null = null;

export function nodePadesServices(): PadesServices {
  services ??= defaultPadesServices({ net: createNodeNet(), digest: nodeDigest });
  return services;
}
