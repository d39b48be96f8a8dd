import { describe, expect, it } from 'vitest';
import { continuedInPersonalChatCard, DEFAULT_CONTINUED_TEXT, errorCard, signInCard } from '../../cards';
import { assertValidCard, collectActions, factsOf, findById, hasId } from './card-validation';
import { normalError, normalSignIn } from './fixtures';

describe('errorCard', () => {
  it('says what happened and what to do, with support details when known', () => {
    const card = errorCard(normalError);
    assertValidCard(card);
    expect(findById(card, 'error-header').style).toBe('attention');
    expect(findById(card, 'error-title').text).toBe('Could not activate Exchange Administrator');
    expect(findById(card, 'error-message').text).toBe('The role policy requires a ticket number.');
    expect(findById(card, 'error-fix').text).toBe('Add the ticket number and try again.');
    expect(factsOf(card, 'error-facts')).toEqual({
      'Error code': 'RoleAssignmentRequestPolicyValidationFailed',
      'Request ID': '5e3c1a7e-0000-4000-8000-000000000001',
    });
    expect(collectActions(card)).toEqual([]);
  });

  it('without Graph details there is no facts block', () => {
    const card = errorCard({ title: 'Oops', message: 'Timed out.', fix: 'Try again in a minute.' });
    assertValidCard(card);
    expect(hasId(card, 'error-facts')).toBe(false);
  });
});

describe('signInCard', () => {
  it('opens the bot sign-in URL', () => {
    const card = signInCard(normalSignIn);
    assertValidCard(card);
    expect(findById(card, 'sign-in-title').text).toBe('Sign in again to continue');
    expect(collectActions(card).map(({ action }) => action)).toEqual([
      {
        type: 'Action.OpenUrl',
        id: 'sign-in-open',
        title: 'Sign in',
        style: 'positive',
        url: 'https://pimbot.example.com/auth/step-up?state=abc',
      },
    ]);
  });

  it.each(['http://pimbot.example.com/auth', 'javascript:alert(1)', 'https://user:pw@pimbot.example.com/', 'auth'])(
    'refuses %s',
    (url) => {
      expect(() => signInCard({ ...normalSignIn, url })).toThrow(TypeError);
    },
  );

  it('accepts loopback http for local development', () => {
    expect(collectActions(signInCard({ ...normalSignIn, url: 'http://127.0.0.1:3978/auth' }))[0].action.url).toBe(
      'http://127.0.0.1:3978/auth',
    );
  });
});

describe('continuedInPersonalChatCard', () => {
  it('says the conversation moved to the 1:1 chat', () => {
    const card = continuedInPersonalChatCard();
    assertValidCard(card);
    expect(findById(card, 'continued-text').text).toBe(DEFAULT_CONTINUED_TEXT);
    expect(card).not.toHaveProperty('actions');
  });

  it('links to the chat when given a deep link (validated like the sign-in URL)', () => {
    const card = continuedInPersonalChatCard({ chatUrl: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot' });
    assertValidCard(card);
    expect(collectActions(card)[0].action).toMatchObject({ type: 'Action.OpenUrl', title: 'Open chat' });
    expect(() => continuedInPersonalChatCard({ chatUrl: 'javascript:alert(1)' })).toThrow(TypeError);
  });
});
