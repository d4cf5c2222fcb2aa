import neostandard from 'neostandard'

// Per-layer fences (architecture §2, principle 1): the raft core stays pure,
// and only the composition root of src/ knows about Fastify.
export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'openapi/etcd-v3.json', '.bench-tmp/**', '.scratch/**'] }),
  {
    // An `as const` table and the union type derived from it share a name (architecture §2,
    // "No enum"); tsc already rejects real redeclarations.
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-redeclare': 'off' }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/embed/etcd.ts', 'src/embed/**/*fastify*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['fastify', 'fastify-plugin', '@fastify/*'] }]
    }
  },
  {
    files: ['src/raft/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'Date', 'performance', 'process'],
      'no-restricted-imports': ['error', { patterns: ['node:*', 'undici', 'lmdb', 'pino', 'fastify*', '../../storage/*', '../storage/*'] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random' }]
    }
  },
  {
    files: ['routes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/src/storage/**', '**/src/raft/**'] }]
    }
  }
]
