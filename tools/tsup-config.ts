import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup configuration every package builds with: ESM + CJS + `.d.ts`, target node20
 * (so `#private` fields stay native instead of being lowered to WeakMap helpers).
 */
export function packageConfig(entry: Options['entry'] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
  });
}
