import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/command-parser';

const parse = (text: string) => parseCommand(text, { targetNames: ['Global Administrator', 'Exchange Administrator'] });

describe('cancel request / cancel <role>', () => {
  it.each([
    ['cancel request', {}],
    ['cancel my request', {}],
    ['please cancel my pending request', {}],
    ['cancel Global Administrator', { targetText: 'Global Administrator' }],
    ['cancel my request for Exchange Administrator', { targetText: 'Exchange Administrator' }],
  ])('"%s" withdraws a request waiting for approval', (text, extra) => {
    expect(parse(text)).toEqual({ type: 'cancelRequest', ...extra });
  });

  it.each(['cancel', 'cancel that', 'cancel it', 'stop'])('"%s" stays the dialog\'s cancel', (text) => {
    expect(parse(text)).toEqual({ type: 'cancel' });
  });
});
