// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' in strings here is hostile input under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DISPLAY_LOOKALIKES,
  displayText,
  inputValue,
  opaqueId,
  optionalDisplayText,
  safeOpenUrl,
  TEXT_LIMITS,
  truncateText,
} from '../../cards';
import { hasInvisibleCharacter } from './card-validation';

/** Pieces that combine into the nastiest strings: markdown, HTML, templates, bidi, surrogates, emoji. */
const PIECES = [
  ...Object.keys(DISPLAY_LOOKALIKES),
  'a',
  'Z',
  '9',
  ' ',
  '\n',
  '\t',
  '#',
  '-',
  '+',
  '.',
  ')',
  '(',
  '!',
  '$',
  '&',
  ';',
  'lt',
  '#91',
  ':',
  '/',
  'https',
  '\u202E',
  '\u2066',
  '\u200B',
  '\u0000',
  '\u0085',
  '\uD800',
  '\uDC00',
  '\u{E0041}',
  '\u0301',
  '\u{1F469}\u{1F3FD}\u200D\u{1F4BB}',
  '\u00E9',
  '\u65E5',
];
const nasty = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));
const anyText = fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));
const limit = fc.integer({ min: 1, max: 300 });

const METACHARACTERS = /[\\`*_~[\]<>{}]/;

describe('displayText (anything shown as text)', () => {
  it('keeps ordinary text exactly as it is', () => {
    for (const text of [
      'Exchange Administrator',
      'INC-42',
      'fix mailbox rules, then check (again) at 14:30!',
      'Ärger über Straße – 日本語 – \u{1F469}\u{1F3FD}\u200D\u{1F4BB}',
      'R&D team',
      'Cost: $5 / 50% off',
    ]) {
      expect(displayText(text, 500)).toBe(text);
    }
  });

  it('replaces markdown, HTML and template metacharacters by look-alikes, keeping the words', () => {
    expect(displayText('[click](https://evil.example)', 500)).toBe('［click］(https：//evil.example)');
    expect(displayText('![x](https://evil.example/a.png)', 500)).toBe('!［x］(https：//evil.example/a.png)');
    expect(displayText('<at>Megan</at>', 500)).toBe('＜at＞Megan＜/at＞');
    expect(displayText('${$root.secret}', 500)).toBe('$｛$root.secret｝');
    expect(displayText('**bold** __it__ ~~x~~ `code`', 500)).toBe('∗∗bold∗∗ ＿＿it＿＿ ∼∼x∼∼ ˋcodeˋ');
    expect(displayText('\\*not escaped\\*', 500)).toBe('＼∗not escaped＼∗');
    expect(displayText('{{DATE(2017-02-14T06:00:00Z, SHORT)}}', 500)).toBe('｛｛DATE(2017-02-14T06:00:00Z, SHORT)｝｝');
    expect(displayText('&lt;at&gt; &#91;x&#93; R&D', 500)).toBe('＆lt;at＆gt; ＆#91;x＆#93; R&D');
  });

  it('neutralises block syntax, which can only sit at the start once whitespace is collapsed', () => {
    expect(displayText('# heading', 500)).toBe('＃ heading');
    expect(displayText('  ## heading', 500)).toBe('＃# heading');
    expect(displayText('- item\n- item', 500)).toBe('‐ item - item');
    expect(displayText('+ item', 500)).toBe('＋ item');
    expect(displayText('---', 500)).toBe('‐--');
    expect(displayText('1. first', 500)).toBe('1． first');
    expect(displayText('2) second', 500)).toBe('2） second');
    expect(displayText('> quote', 500)).toBe('＞ quote');
    expect(displayText('ok\n\n# not a heading', 500)).toBe('ok # not a heading');
  });

  it('drops controls, bidi overrides and invisible characters; fixes lone surrogates', () => {
    expect(displayText('\u202Eright-to-left', 500)).toBe('right-to-left');
    expect(displayText('a\u2066b\u2069c\u200Bd\u200Ee\u061Cf\uFEFFg\u00ADh', 500)).toBe('abcdefgh');
    expect(displayText('nul\u0000bell\u0007del\u007F c1\u0085', 500)).toBe('nulbelldel c1');
    expect(displayText('tag\u{E0041}\u{E0042}s', 500)).toBe('tags');
    expect(displayText('half\uD800pair', 500)).toBe('half\uFFFDpair');
    expect(displayText('  many \n\n\t spaces  ', 500)).toBe('many spaces');
  });

  it('cuts long text to the limit with an ellipsis, never inside a grapheme', () => {
    const long = displayText('x'.repeat(10_000), TEXT_LIMITS.justification);
    expect(long).toHaveLength(TEXT_LIMITS.justification);
    expect(long.endsWith('xx…')).toBe(true);
    expect(displayText(`${'a'.repeat(8)}\u{1F469}\u{1F3FD}\u200D\u{1F4BB}`, 10)).toBe('aaaaaaaa…');
    expect(displayText(`e${'\u0301'.repeat(5000)}`, 50).length).toBeLessThanOrEqual(50);
    expect(displayText('word word', 1)).toBe('…');
  });

  it('looks at no more than 4 × limit + 256 characters of input, and says so with an ellipsis', () => {
    // Mostly invisible padding: what is left fits, but the input was longer than ever looked at.
    expect(displayText(`${'\u200B'.repeat(700)}visible`, 100)).toBe('…');
    expect(displayText(`${'\u200B'.repeat(600)}visible`, 100)).toBe('visible');
    expect(displayText(`${'\u200B'.repeat(652)}visible`, 100)).toBe('visi…');
    expect(inputValue(`abc${' '.repeat(10_000)}`, 10)).toBe('abc…');
  });

  it('never leaves a metacharacter, entity, URL scheme or invisible character (property)', () => {
    fc.assert(
      fc.property(anyText, limit, (text, max) => {
        const out = displayText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(METACHARACTERS);
        expect(out).not.toMatch(/&#?[0-9a-z]+;/i);
        expect(out).not.toMatch(/:\/\//);
        expect(out).not.toMatch(/^([#+-]|\d+[.)])/);
        expect(hasInvisibleCharacter(out)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent (sanitising twice changes nothing)', () => {
    fc.assert(
      fc.property(anyText, limit, (text, max) => {
        const once = displayText(text, max);
        expect(displayText(once, max)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats null/undefined as empty (optionalDisplayText) and coerces other values to text', () => {
    expect(optionalDisplayText(null, 10)).toBe('');
    expect(optionalDisplayText(undefined, 10)).toBe('');
    expect(displayText(42, 10)).toBe('42');
  });
});

describe('inputValue (prefilled input values the user submits back)', () => {
  it('keeps markdown characters (inputs do not render markdown) but breaks template openers', () => {
    expect(inputValue('**INC_42** [x]', 100)).toBe('**INC_42** [x]');
    expect(inputValue('${$root.secret} {{DATE(x)}} {{{', 100)).toBe('$｛$root.secret} {｛DATE(x)}} {｛｛');
  });

  it('never contains ${ or {{ and respects the limit (property)', () => {
    fc.assert(
      fc.property(anyText, limit, (text, max) => {
        const out = inputValue(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/\$\{|\{\{/);
        expect(hasInvisibleCharacter(out)).toBe(false);
        expect(inputValue(out, max)).toBe(out);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('truncateText', () => {
  it('leaves short text alone and handles degenerate limits', () => {
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abcd', 3)).toBe('ab…');
    expect(truncateText('ab cd', 4)).toBe('ab…');
    expect(truncateText('abc', 0)).toBe('');
  });
});

describe('safeOpenUrl (the sign-in button URL)', () => {
  it.each([
    ['https://pimbot.example.com/auth/step-up?state=abc', 'https://pimbot.example.com/auth/step-up?state=abc'],
    ['http://127.0.0.1:3978/auth/step-up', 'http://127.0.0.1:3978/auth/step-up'],
    ['http://localhost:3978/auth', 'http://localhost:3978/auth'],
    ['http://[::1]:3978/auth', 'http://[::1]:3978/auth'],
    ['HTTPS://PimBot.Example.com', 'https://pimbot.example.com/'],
  ])('accepts %s', (url, normalised) => {
    expect(safeOpenUrl(url)).toBe(normalised);
  });

  it.each([
    ['http://pimbot.example.com/auth', /https/],
    ['http://127.0.0.1.evil.example/auth', /https/],
    ['http://localhost.evil.example/', /https/],
    ['javascript:alert(1)', /https/],
    ['data:text/html,<b>x</b>', /https/],
    ['file:///etc/passwd', /https/],
    ['//evil.example/auth', /absolute/],
    ['/auth/step-up', /absolute/],
    ['https://user:pass@pimbot.example.com/', /credentials/],
    ['https://pimbot.example.com/a b', /whitespace/],
    ['https://pimbot.example.com/\u202Egnp.exe', /whitespace or control/],
    ['', /non-empty/],
    [`https://pimbot.example.com/${'a'.repeat(2100)}`, /2048/],
  ])('rejects %s', (url, message) => {
    expect(() => safeOpenUrl(url)).toThrow(message);
  });

  it('does not echo the rejected URL (it may carry state)', () => {
    expect(() => safeOpenUrl('http://evil.example/?state=SECRET')).toThrow(/^(?!.*SECRET)/);
  });
});

describe('opaqueId (keys copied into action data)', () => {
  it('passes ids through untouched', () => {
    expect(opaqueId('a/b:c=d+e', 'key')).toBe('a/b:c=d+e');
  });

  it.each([[''], [42], [null], ['a\u0000b'], ['x'.repeat(1025)]])('rejects %j', (value) => {
    expect(() => opaqueId(value, 'key')).toThrow(/^key /);
  });
});
