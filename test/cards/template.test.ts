// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' here is adaptivecards-templating syntax under test.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../cards';
import { expandCard, optional } from '../../cards/template';

/** The expansion guarantees every builder relies on (cards/template.ts). */
const template: JsonObject = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${text}', color: optional('color') },
    { $when: '${show}', type: 'TextBlock', text: 'shown' },
  ],
  actions: [{ type: 'Action.Submit', title: 'Go', data: '${data}' }],
};

describe('expandCard', () => {
  it('binds data; data values are never evaluated as expressions', () => {
    const card = expandCard(template, {
      text: '[x](y)',
      color: '',
      show: false,
      data: { pimbot: 'cancel', key: '${$root.secret}' },
      secret: 'LEAK',
    });
    expect(JSON.stringify(card)).not.toContain('LEAK');
    expect(card.actions?.[0].data).toEqual({ pimbot: 'cancel', key: '${$root.secret}' });
  });

  it('refuses "${" in bound text even from data: a backstop if a builder ever forgets to sanitise', () => {
    expect(() => expandCard(template, { text: '${$root.secret}', color: '', show: false, data: {} })).toThrow(
      /unbound expression/,
    );
  });

  it('drops optional properties bound to "" and $when:false elements; keeps action data as is', () => {
    const card = expandCard(template, { text: 'hi', color: 'good', show: true, data: { pimbot: 'cancel' } });
    expect(card.body).toEqual([
      { type: 'TextBlock', text: 'hi', color: 'good' },
      { type: 'TextBlock', text: 'shown' },
    ]);
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Go', data: { pimbot: 'cancel' } }]);
  });

  it('throws instead of sending a card with an unbound field (the engine would print "${field}")', () => {
    expect(() => expandCard(template, { color: '', show: false, data: {} })).toThrow(
      /unbound expression at \$\.body\[0\]\.text/,
    );
  });

  it('returns fresh objects, not the bound data', () => {
    const data = { pimbot: 'cancel' };
    const card = expandCard(template, { text: 'hi', color: '', show: false, data });
    expect(card.actions?.[0].data).toEqual(data);
    expect(card.actions?.[0].data).not.toBe(data);
  });
});
