import { describe, expect, it } from 'vitest';
import { importedPackages, installSpecs, readmeOpening } from './snippets.js';

describe('readmeOpening', () => {
  it('reads the first block and the first install line of a sh block after it', () => {
    const readme = [
      '# @composio-webhooks/x',
      '',
      '```ts',
      "import express from 'express';",
      '```',
      '',
      '```sh',
      'export FOO=1',
      'npm install @composio-webhooks/x express   # then run it',
      'npm install other',
      '```',
    ].join('\n');
    expect(readmeOpening(readme)).toEqual({
      snippet: "import express from 'express';\n",
      language: 'ts',
      installLine: 'npm install @composio-webhooks/x express   # then run it',
      installs: [
        { name: '@composio-webhooks/x', range: undefined },
        { name: 'express', range: undefined },
      ],
    });
  });

  it('takes an install line that comes before the snippet (then the next block is the snippet), and says when there is none', () => {
    const first = readmeOpening('```sh\nnpm i a b@10\n```\n\n```ts\nconst x = 1;\n```\n');
    expect(first.language).toBe('ts');
    expect(first.snippet).toBe('const x = 1;\n');
    expect(first.installs).toEqual([
      { name: 'a', range: undefined },
      { name: 'b', range: '10' },
    ]);
    expect(readmeOpening('```ts\nconst x = 1;\n```\n').installLine).toBeUndefined();
    // Shell commands first, the install line in a later block: the commands are the snippet.
    const cli = readmeOpening('```sh\nnpx tool run\n```\n\n```sh\nnpm install -D tool\n```\n');
    expect([cli.language, cli.snippet, cli.installLine]).toEqual([
      'sh',
      'npx tool run\n',
      'npm install -D tool',
    ]);
  });
});

describe('installSpecs', () => {
  it('leaves out flags, comments and chained commands; keeps scoped names with ranges', () => {
    expect(
      installSpecs('pnpm add -D @scope/pkg@^1.2.0 pg-boss@10 --save-exact && npx thing # note'),
    ).toEqual([
      { name: '@scope/pkg', range: '^1.2.0' },
      { name: 'pg-boss', range: '10' },
    ]);
  });
});

describe('importedPackages', () => {
  it('lists package names of every import form, without built-ins and relative paths', () => {
    const code = [
      "import express from 'express';",
      "import type { Redis } from 'ioredis';",
      "import { a } from '@composio-webhooks/core/testing';",
      "import 'reflect-metadata';",
      "import { readFile } from 'node:fs/promises';",
      "import { join } from 'path';",
      "import local from './local.js';",
      "export { b } from '@nestjs/common';",
      "const pg = await import('pg');",
      "const k = require('koa');",
    ].join('\n');
    expect(importedPackages(code)).toEqual([
      'express',
      'ioredis',
      '@composio-webhooks/core',
      '@nestjs/common',
      'reflect-metadata',
      'pg',
      'koa',
    ]);
  });
});
