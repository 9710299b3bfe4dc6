// Node wiring of the PAdES services for the CLI: node:crypto incremental digests (flat memory on
// 100 MB files) and node:http(s) for TSA, OCSP, CRL and CA-issuer fetches.

import { defaultPadesServices } from '../../src-shared/pades/default-services';
import type { PadesServices } from '../../src-shared/pades/services';
import { createNodeNet } from '../services/net/http';
import { nodeDigest } from './node-io';

export function cliServices(): PadesServices {
  return defaultPadesServices({ net: createNodeNet(), digest: nodeDigest });
}
