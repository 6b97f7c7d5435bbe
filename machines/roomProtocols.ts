/**
 * The wire shapes of the mesh and two-party rooms live in the protocol layer
 * (src/protocol/roomProtocols.ts); the machines import them from there (machines → protocol,
 * as DESIGN.md's dependency direction asks). Re-exported here for the machines' own imports.
 */
export type * from '../src/protocol/roomProtocols.ts';
