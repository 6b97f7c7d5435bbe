/**
 * The protocol layer: protoo codec, mediasoup-demo catalog, dialect detection, validation, and
 * the mesh / two-party room protocols.
 */
export * from './codec.ts';
export * from './catalog.ts';
export * from './dialect.ts';
export * from './validate.ts';
export * from './rooms.ts';
