// The validator ships TypeScript sources that do not compile under our strict flags;
// this is the one function the tests use (@open-rpc/schema-utils-js 2.x).
declare module '@open-rpc/schema-utils-js' {
  /** true when `doc` validates against the OpenRPC meta-schema, else the validation error. */
  export function validateOpenRPCDocument(doc: unknown): true | Error;
}
