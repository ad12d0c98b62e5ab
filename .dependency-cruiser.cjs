/**
 * The stages of src/, in the order data flows through them. Each stage may
 * import only from itself and the stages listed for it (ARCHITECTURE.md).
 * Checked in CI: `npm run deps`.
 */
const stage = (name) => (name.endsWith('.ts') ? `^src/${name.replace(/\./g, '\\.')}$` : `^src/${name}/`);
const VOCABULARY = ['^src/model/', '^src/errors\\.ts$'];

/** stage → the stages (or single files) it may import from, besides itself and the vocabulary. */
const ALLOWED = {
  model: [],
  redact: [],
  config: ['redact'],
  record: ['redact', 'config'],
  convert: ['redact', 'config'],
  chain: [],
  deliver: ['redact', 'config', 'chain'],
  backends: ['redact', 'config', 'chain', 'deliver'],
  pipeline: ['redact', 'config', 'convert', 'chain', 'deliver', 'backends/default-backends.ts'],
  setup: ['redact', 'config', 'convert', 'chain', 'deliver', 'backends', 'pipeline'],
  gateway: ['redact', 'config', 'convert', 'chain', 'deliver', 'backends', 'pipeline'],
  // The receiver stands apart from the library's stages; it shares only the folder creation that cannot hang.
  receiver: ['deliver/make-directory.ts'],
};

const stageRules = Object.entries(ALLOWED).map(([name, earlier]) => ({
  name: `stage-${name}`,
  comment: `src/${name} may import only from ${['model', ...earlier].join(', ')} and itself`,
  severity: 'error',
  from: { path: stage(name) },
  to: {
    path: '^src/',
    pathNot: [stage(name), ...VOCABULARY, ...earlier.map(stage)],
  },
}));

module.exports = {
  forbidden: [
    ...stageRules,
    {
      name: 'model-is-pure',
      comment: 'the vocabulary does no I/O: no node:fs, node:net, node:http, undici',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^(node:)?(fs|net|http|https|child_process)$|^undici$|node_modules/undici/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'edges-stay-at-the-edge',
      comment: 'nothing in the library imports the CLI; only the CLI and the receiver entry (src/receiver/index.ts) import the receiver, only the CLI and the gateway entry the gateway',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', '^src/receiver/', '^src/gateway/', '^src/index\\.ts$'] },
      to: { path: ['^src/cli/', '^src/receiver/', '^src/gateway/'] },
    },
    {
      name: 'index-is-not-imported',
      comment: 'the public index is for users; inside src import the module itself',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
