/** The protocol layer: protoo codec, mediasoup-demo catalog, dialect detection, validation. */
export * from './codec.ts';
export * from './catalog.ts';
export * from './dialect.ts';
export * from './validate.ts';
