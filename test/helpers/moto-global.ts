/** Vitest global setup for integration tests: one moto server for the run, stopped by PID after. */
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../scripts/lib/moto';

export default async function setup(project: TestProject) {
  const emulator = await startMoto();
  project.provide('motoEndpoint', emulator.endpoint);
  return () => emulator.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
