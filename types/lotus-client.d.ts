// Minimal types for the @filecoin-shipyard Lotus JS client (no bundled declarations):
// the provider and schema the tests construct LotusRPC with.
declare module '@filecoin-shipyard/lotus-client-provider-nodejs' {
  /** A JSON-RPC provider over HTTP (http:) or WebSocket (ws:) for Node. */
  export class NodejsProvider {
    constructor(url: string, options?: Record<string, unknown>);
    destroy(): Promise<void>;
  }
}
declare module '@filecoin-shipyard/lotus-client-schema' {
  /** Lotus's method schemas by API (fullNode, gatewayApi, …). */
  export const mainnet: Record<'common' | 'fullNode' | 'storageMiner' | 'gatewayApi' | 'walletApi' | 'workerApi', unknown>;
}
