// The PAdES engine's services in Node, one instance per process: node:crypto incremental digests
// (flat memory on 100 MB files) and node:http(s) for TSA, OCSP, CRL and CA-issuer fetches. Used by
// the IPC signing service, the token batch signer and the `vanthu` CLI. The HTTP client (node:http,
// https, tls) is loaded on the first request: a B-B signature never needs it, and loading it costs
// a few milliseconds at every CLI start.

import { defaultPadesServices } from '../../../src-shared/pades/default-services';
import type { PadesServices } from '../../../src-shared/pades/services';
import type { Net } from '../../../src-shared/cms/net';
import { nodeDigest } from '../pdf-io/node-digest';

let services: PadesServices | null = null;

function lazyNodeNet(): Net {
  let net: Promise<Net> | null = null;
  const load = () => (net ??= import('../net/http').then((m) => m.createNodeNet()));
  return {
    post: async (url, body, contentType) => (await load()).post(url, body, contentType),
    get: async (url) => (await load()).get(url),
  };
}

export function nodePadesServices(): PadesServices {
  services ??= defaultPadesServices({ net: lazyNodeNet(), digest: nodeDigest });
  return services;
}
