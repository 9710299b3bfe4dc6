// Wires the PAdES seams (services.ts) to the CMS building blocks of src-shared/cms: CAdES
// detached SignedData, RFC 3161 signature and document timestamps over the injected HttpPost,
// and the size estimate. Validation-data collection is passed in by the host when available.

import { buildCadesDetached } from '../cms/cades';
import type { Net } from '../cms/net';
import { timestampSignature } from '../cms/signature-timestamp';
import { estimateCmsSize, type PadesLevel } from '../cms/size';
import { requestTimestamp } from '../cms/timestamp';
import { collectValidationData } from '../cms/validation-data';
import type { DigestProvider } from './digest';
import type { PadesServices, ValidationData } from './services';

export interface DefaultServicesOptions {
  net?: Net;
  digest?: DigestProvider;
  /** Override validation-data collection (default: src-shared/cms/validation-data over `net`). */
  collectValidationData?: (chains: Uint8Array[][]) => Promise<ValidationData>;
}

export function defaultPadesServices(opts: DefaultServicesOptions = {}): PadesServices {
  const { net } = opts;
  return {
    buildCms: (i) => buildCadesDetached(i),
    estimateCmsSize: (signer, level) => estimateCmsSize(signer, level as PadesLevel),
    addSignatureTimestamp: net ? (cms, url, hash) => timestampSignature(cms, net.post, url, hash) : undefined,
    timestamp: net ? (md, hash, url) => requestTimestamp(net.post, url, { imprint: md }, hash) : undefined,
    collectValidationData:
      opts.collectValidationData ??
      (net
        ? async (chains) => {
            const vd = await collectValidationData(chains, net);
            // B-LT is reached only when every certificate's status was actually obtained
            const notChecked = vd.statuses.some((st) => st.status === 'not-checked');
            const offline = (vd as { offline?: boolean }).offline === true || notChecked;
            return { certs: vd.certs, ocsps: vd.ocsps, crls: vd.crls, warnings: vd.problems.map((p) => p.message_en), offline };
          }
        : undefined),
    digest: opts.digest,
  };
}
