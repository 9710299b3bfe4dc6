// Network seams for the CMS layer: src-shared never touches the network itself. The host injects
// these functions (Node implementations live in src-main/services/net/). Implementations throw
// VanthuError NET_UNREACHABLE / NET_TIMEOUT on transport failures and return any HTTP status.

export interface HttpResponse {
  status: number;
  body: Uint8Array;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export type HttpPost = (url: string, body: Uint8Array, contentType: string) => Promise<HttpResponse>;
export type HttpGet = (url: string) => Promise<HttpResponse>;

export interface Net {
  post: HttpPost;
  get: HttpGet;
}
