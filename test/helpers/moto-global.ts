/** Vitest global setup for integration tests: one moto server for the run, stopped by PID after. */
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../scripts/lib/moto';

export default async function setup(project: TestProject) {
  // startMoto stops its own child when moto fails to come up; from here on the child is ours.
  const emulator = await startMoto();
  try {
    project.provide('motoEndpoint', emulator.endpoint);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return () => emulator.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
