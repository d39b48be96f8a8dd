import { describe, expect, it } from 'vitest';
import {
  checkJustification,
  checkTicket,
  JUSTIFICATION_MAX,
  matchesTicketPattern,
  TICKET_MAX,
} from '../../src/activation/request-rules';

/**
 * A request's typed inputs: PIM refuses a justification over 500 characters (Graph's limit), a ticket number
 * is at most 100 characters and must match the configured TICKET_PATTERN (lengths first, so the operator's
 * pattern never runs on more than 100 characters).
 */

const TICKETS = /^(INC|CHG)-?\d{1,10}$/i;

describe('checkJustification', () => {
  it('keeps a reason, trimmed', () => {
    expect(checkJustification('  patching the mail flow  ')).toEqual({ ok: true, value: 'patching the mail flow' });
  });

  it.each([undefined, '', '   ', '\n\t'])('asks for a reason when given %j', (text) => {
    expect(checkJustification(text)).toMatchObject({ ok: false, code: 'justificationMissing', values: {} });
    expect(checkJustification(text)).toHaveProperty('reason', 'Please give a short reason.');
  });

  it('takes exactly 500 characters and refuses 501, saying the limit', () => {
    expect(JUSTIFICATION_MAX).toBe(500);
    expect(checkJustification('x'.repeat(500))).toEqual({ ok: true, value: 'x'.repeat(500) });
    // Surrounding spaces do not count: only what is sent.
    expect(checkJustification(` ${'x'.repeat(500)} `)).toMatchObject({ ok: true });
    const refused = checkJustification('x'.repeat(501));
    expect(refused).toMatchObject({ ok: false, code: 'justificationTooLong', values: { max: 500 } });
    expect(refused).toHaveProperty('reason', 'Please keep the reason to 500 characters or fewer.');
  });
});

describe('checkTicket', () => {
  it('keeps a ticket number the pattern accepts, trimmed', () => {
    expect(checkTicket(' INC-42 ', { ticketPattern: TICKETS })).toEqual({ ok: true, value: 'INC-42' });
    expect(checkTicket('chg0012345', { ticketPattern: TICKETS })).toEqual({ ok: true, value: 'chg0012345' });
  });

  it.each([undefined, '', '  ', 'hello', 'INC-', 'INC-42; drop'])('refuses %j as no ticket number', (text) => {
    const refused = checkTicket(text, { ticketPattern: TICKETS });
    expect(refused).toMatchObject({ ok: false, code: 'ticketInvalid', values: {} });
    expect(refused).toHaveProperty(
      'reason',
      'That does not look like a ticket number. Type it like INC-42 or CHG0012345.',
    );
  });

  it('a blank ticket is refused even when the pattern would accept an empty string', () => {
    expect(checkTicket('  ', { ticketPattern: /.*/ })).toMatchObject({ ok: false, code: 'ticketInvalid' });
  });

  it('takes 100 characters and refuses 101 as too long, before the pattern sees it', () => {
    expect(TICKET_MAX).toBe(100);
    const anything = /^x+$/;
    expect(checkTicket('x'.repeat(100), { ticketPattern: anything })).toMatchObject({ ok: true });
    const refused = checkTicket('x'.repeat(101), { ticketPattern: anything });
    expect(refused).toMatchObject({ ok: false, code: 'ticketTooLong', values: { max: 100 } });
    expect(refused).toHaveProperty(
      'reason',
      'That is too long for a ticket number (at most 100 characters). Type just the number, like INC-42.',
    );
  });
});

describe('matchesTicketPattern', () => {
  it('a g or y flag keeps no state between calls (lastIndex is reset)', () => {
    const sticky = /INC-\d+/g;
    expect(matchesTicketPattern(sticky, 'INC-42')).toBe(true);
    expect(matchesTicketPattern(sticky, 'INC-42')).toBe(true);
    const y = /INC-\d+/y;
    expect(matchesTicketPattern(y, 'INC-7')).toBe(true);
    expect(matchesTicketPattern(y, 'INC-7')).toBe(true);
  });

  it('never runs the pattern on more than 100 characters', () => {
    const seen: string[] = [];
    const spy = {
      lastIndex: 0,
      test: (t: string) => {
        seen.push(t);
        return true;
      },
    } as unknown as RegExp;
    expect(matchesTicketPattern(spy, 'x'.repeat(100))).toBe(true);
    expect(matchesTicketPattern(spy, 'x'.repeat(101))).toBe(false);
    expect(seen.map((s) => s.length)).toEqual([100]);
  });
});
