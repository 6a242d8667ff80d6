import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.data/**', 'infra/native/go/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      // Services log through the kit's structured logger, never the console.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'infra/**'],
    rules: { 'no-console': 'off' },
  },
);
