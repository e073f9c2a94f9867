import type { TriggerType } from '@composio-webhooks/client';
import { describe, expect, it } from 'vitest';
import { generateTriggerTypes } from './schema-to-types.js';
import { generateTriggerValidators } from './schema-to-validators.js';

function trigger(
  slug: string,
  payload: Record<string, unknown>,
  version = '20250101_00',
): TriggerType {
  return {
    slug,
    name: slug.toLowerCase(),
    description: '',
    instructions: '',
    type: 'webhook',
    toolkit: { slug: 'demo', name: 'Demo', logo: '' },
    config: {},
    payload,
    version,
  };
}

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

describe('generateTriggerTypes', () => {
  it('gives the same bytes whatever the order of the triggers', async () => {
    const a = trigger('DEMO_A_EVENT', object({ a: { type: 'string' } }, ['a']));
    const b = trigger('DEMO_B_EVENT', object({ b: { type: 'integer' } }));
    expect(await generateTriggerTypes([b, a])).toBe(await generateTriggerTypes([a, b]));
  });

  it('keeps $defs of the same name in two triggers apart, and avoids a $defs model named Payload', async () => {
    const withPayloadDef = trigger('DEMO_A_EVENT', {
      ...object({ inner: { $ref: '#/$defs/Payload' } }, ['inner']),
      $defs: { Payload: { title: 'Payload', ...object({ x: { type: 'string' } }, ['x']) } },
    });
    const other = trigger('DEMO_B_EVENT', {
      ...object({ inner: { $ref: '#/$defs/Payload' } }),
      $defs: { Payload: { title: 'Payload', ...object({ y: { type: 'number' } }) } },
    });
    const text = await generateTriggerTypes([withPayloadDef, other]);
    expect(text).toContain('DEMO_A_EVENT: DEMO_A_EVENT.TriggerPayload;');
    expect(text).toContain('DEMO_B_EVENT: DEMO_B_EVENT.TriggerPayload;');
    expect(text).toMatch(/namespace DEMO_A_EVENT \{[\s\S]*inner: Payload;[\s\S]*x: string;/);
    expect(text).toMatch(/namespace DEMO_B_EVENT \{[\s\S]*inner\?: Payload;[\s\S]*y\?: number;/);
  });

  it('an explicit additionalProperties stays an index signature; an empty schema is unknown', async () => {
    const text = await generateTriggerTypes([
      trigger(
        'DEMO_MAP_EVENT',
        object({ labels: { type: 'object', additionalProperties: { type: 'string' } }, raw: {} }),
      ),
    ]);
    expect(text).toContain('[k: string]: string | undefined;');
    expect(text).toContain('raw?: unknown;');
  });

  it('quotes a slug that is not an identifier and escapes comment ends in descriptions', async () => {
    const odd = { ...trigger('demo-odd.event', object({})), description: 'ends */ here' };
    const text = await generateTriggerTypes([odd]);
    expect(text).toContain("'demo-odd.event': demo_odd_event.Payload;");
    expect(text).toContain('ends *\\/ here');
  });

  it('never follows a $ref out of the schema', async () => {
    const external = trigger(
      'DEMO_EXT_EVENT',
      object({ x: { $ref: 'https://example.invalid/x.json' } }),
    );
    await expect(generateTriggerTypes([external])).rejects.toThrow();
  });
});

describe('generateTriggerValidators', () => {
  it('keeps one validator per slug even when the schemas share an $id', () => {
    const a = trigger('DEMO_A_EVENT', { $id: 'same', ...object({ a: { type: 'string' } }, ['a']) });
    const b = trigger('DEMO_B_EVENT', { $id: 'same', ...object({ b: { type: 'string' } }, ['b']) });
    const { code } = generateTriggerValidators([b, a]);
    expect(code.indexOf('"DEMO_A_EVENT"')).toBeLessThan(code.indexOf('"DEMO_B_EVENT"'));
    expect(generateTriggerValidators([a, b]).code).toBe(code);
  });

  it('turns the runtime helpers Ajv requires into ESM imports', () => {
    const limited = trigger('DEMO_LEN_EVENT', object({ s: { type: 'string', maxLength: 3 } }));
    const esm = generateTriggerValidators([limited]).code;
    expect(esm).not.toContain('require(');
    expect(esm).toContain('import ajvRuntime0 from "ajv/dist/runtime/ucs2length.js";');
    expect(esm).toContain('keep `ajv` in your dependencies');
    expect(generateTriggerValidators([limited], { format: 'cjs' }).code).toContain(
      'require("ajv/dist/runtime/ucs2length")',
    );
  });
});
