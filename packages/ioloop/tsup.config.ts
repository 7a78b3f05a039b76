import { packageConfig } from '../../tools/tsup-config';

// Two entries. The executor imports the main entry by its own package name and keeps that import
// external, so both share one appLog and one set of error classes instead of bundling copies.
export default {
  ...packageConfig(['src/index.ts', 'src/executor.ts']),
  external: ['@tornado-ts/ioloop', 'piscina'],
};
