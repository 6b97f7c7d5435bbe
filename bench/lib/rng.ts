/** The benchmarks draw from the same seeded generator as the fixtures. */
export { createRng, type Rng } from '../../fixtures/build/random.ts';
