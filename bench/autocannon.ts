import { createRequire } from 'node:module';

/** The part of autocannon's API the benchmarks use: the package ships no type declarations. */
export interface AutocannonOptions {
  url: string;
  connections?: number;
  duration?: number;
}

export interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}

export interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export const autocannon = createRequire(__filename)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;
