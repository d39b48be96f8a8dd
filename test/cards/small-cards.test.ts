import { describe, expect, it } from 'vitest';
import { continuedInPersonalChatCard, DEFAULT_CONTINUED_TEXT, errorCard, signInCard } from '../../cards';
import { assertValidCard, collectActions, factsOf, findById, hasId } from './card-validation';
import { normalError, normalSignIn } from './fixtures';

/** What the step-up dialog says today, and what the card now says itself in English given the reason. */
const STEP_UP_REASON = 'Exchange Administrator needs multi-factor authentication.';
const STEP_UP_URL = 'https://pimbot.example.com/auth/step-up?state=abc';
const GERMAN = { aadObjectId: '00000000-0000-0000-0000-00000000a0a0', locale: 'de-DE' };

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

  it('labels in English for English and unsupported locales, exactly as before', () => {
    const card = errorCard({ ...normalError, title: '' });
    expect(findById(card, 'error-title').text).toBe('Something went wrong');
    expect(findById(card, 'error-fix-label').text).toBe('What you can do');
    for (const locale of ['en-US', 'fr-FR']) expect(errorCard(normalError, { locale })).toEqual(errorCard(normalError));
  });

  it('labels in German for a German viewer; the caller’s title, message and fix stay as given', () => {
    const card = errorCard(normalError, GERMAN);
    assertValidCard(card);
    expect(findById(card, 'error-fix-label').text).toBe('Was Sie tun können');
    expect(findById(card, 'error-message').text).toBe('The role policy requires a ticket number.');
    expect(factsOf(card, 'error-facts')).toEqual({
      Fehlercode: 'RoleAssignmentRequestPolicyValidationFailed',
      'Anforderungs-ID': '5e3c1a7e-0000-4000-8000-000000000001',
    });
    expect(findById(errorCard({ title: '', message: '', fix: '' }, GERMAN), 'error-title').text).toBe(
      'Ein Fehler ist aufgetreten',
    );
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

  it('words a step-up itself from the reason, as the step-up dialog does today', () => {
    const card = signInCard({ url: STEP_UP_URL, reason: STEP_UP_REASON }, { locale: 'en-US' });
    assertValidCard(card);
    expect(findById(card, 'sign-in-title').text).toBe('Sign in again to continue');
    expect(findById(card, 'sign-in-text').text).toBe(
      'Exchange Administrator needs multi-factor authentication. Your request is kept; it continues as soon as you have signed in.',
    );
    expect(findById(card, 'sign-in-open').title).toBe('Sign in');
  });

  it('in German for a German viewer', () => {
    const plain = signInCard({ url: STEP_UP_URL }, { locale: 'de-AT' });
    assertValidCard(plain);
    expect(findById(plain, 'sign-in-title').text).toBe('Zum Fortfahren anmelden');
    expect(findById(plain, 'sign-in-text').text).toBe('Melden Sie sich an, und kehren Sie dann zu diesem Chat zurück.');
    expect(findById(plain, 'sign-in-open').title).toBe('Anmelden');
    const stepUp = signInCard({ url: STEP_UP_URL, reason: 'Für diese Rolle ist MFA erforderlich.' }, GERMAN);
    expect(findById(stepUp, 'sign-in-title').text).toBe('Zum Fortfahren erneut anmelden');
    expect(findById(stepUp, 'sign-in-text').text).toBe(
      'Für diese Rolle ist MFA erforderlich. Ihre Anforderung bleibt erhalten und wird fortgesetzt, sobald Sie sich angemeldet haben.',
    );
  });

  it('shows the reason as text, never as markdown or a link', () => {
    const card = signInCard({ url: STEP_UP_URL, reason: 'See [this](https://evil.example) **now**' });
    const text = findById(card, 'sign-in-text').text as string;
    expect(text).not.toMatch(/[[\]*]|:\/\//);
    expect(text).toMatch(
      /^See .*this.*evil\.example.* Your request is kept; it continues as soon as you have signed in\.$/,
    );
  });

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
    expect(DEFAULT_CONTINUED_TEXT).toBe(
      'I continued in our 1:1 chat, so you do not type your request in front of this channel. Your justification goes to PIM and to your approvers (their chats and approvals channels); a channel feed shows it only if an admin subscribed that channel "with details".',
    );
    expect(card).not.toHaveProperty('actions');
  });

  it('in German for a German viewer', () => {
    const card = continuedInPersonalChatCard(
      { chatUrl: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot' },
      GERMAN,
    );
    assertValidCard(card);
    expect(findById(card, 'continued-text').text).toBe(
      'Wir machen in unserem 1:1-Chat weiter, damit Sie Ihre Anforderung nicht vor allen in diesem Kanal eingeben. Ihre Begründung geht an PIM und an Ihre genehmigenden Personen (in deren Chats und Genehmigungskanälen); ein Kanal-Feed zeigt sie nur, wenn ein Administrator den Kanal mit „with details“ abonniert hat.',
    );
    expect(collectActions(card)[0].action).toMatchObject({ type: 'Action.OpenUrl', title: 'Chat öffnen' });
  });

  it('links to the chat when given a deep link (validated like the sign-in URL)', () => {
    const card = continuedInPersonalChatCard({ chatUrl: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot' });
    assertValidCard(card);
    expect(collectActions(card)[0].action).toMatchObject({ type: 'Action.OpenUrl', title: 'Open chat' });
    expect(() => continuedInPersonalChatCard({ chatUrl: 'javascript:alert(1)' })).toThrow(TypeError);
  });
});
