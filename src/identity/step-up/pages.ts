/** The small pages the browser sees during a step-up sign-in. No scripts, no external resources. */

export interface StepUpPage {
  status: number;
  title: string;
  /** Paragraphs of plain text (escaped when rendered). */
  paragraphs: string[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPage(page: StepUpPage): string {
  const body = page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>PIM Bot: ${escapeHtml(page.title)}</title>` +
    '<style>body{font-family:"Segoe UI",system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#242424}h1{font-size:1.4rem}</style>' +
    `</head><body><h1>${escapeHtml(page.title)}</h1>${body}</body></html>`
  );
}

const BACK_TO_TEAMS = 'Go back to Teams and ask PIM Bot again; it will send you a new sign-in link.';

export const Pages = {
  signedIn: (): StepUpPage => ({
    status: 200,
    title: "You're signed in",
    paragraphs: ["You're signed in. Go back to Teams; your request continues.", 'You can close this tab.'],
  }),
  linkExpired: (): StepUpPage => ({
    status: 400,
    title: 'This sign-in link has expired',
    paragraphs: ['This sign-in link has expired or was already used. Links work once, for 10 minutes.', BACK_TO_TEAMS],
  }),
  wrongAccount: (): StepUpPage => ({
    status: 403,
    title: 'Signed in with a different account',
    paragraphs: [
      'This sign-in link was for another account than the one that just signed in, so your request was not continued.',
      'Go back to Teams, ask PIM Bot again, and sign in with the account you use in Teams.',
    ],
  }),
  /**
   * The authority sent the browser back with an error. `sentence` is one of ours (oauth-errors.ts), never
   * the request's text; the AADSTS number (digits only) helps the admin look it up.
   */
  signInRefused: (sentence: string, aadsts: string | undefined): StepUpPage => ({
    status: 400,
    title: 'Sign-in did not complete',
    paragraphs: [
      sentence,
      ...(aadsts && /^AADSTS\d{1,9}$/.test(aadsts) ? [`Error code: ${aadsts}.`] : []),
      BACK_TO_TEAMS,
    ],
  }),
  /** A GET to /auth/callback: the sign-in answers by form post only, so a code in a URL is never redeemed. */
  callbackNotAccepted: (): StepUpPage => ({
    status: 400,
    title: 'This sign-in answer was not accepted',
    paragraphs: ['PIM Bot only accepts the sign-in answer Microsoft Entra ID posts back to it.', BACK_TO_TEAMS],
  }),
  redemptionFailed: (reason: string): StepUpPage => ({
    status: 502,
    title: 'Sign-in could not be completed',
    paragraphs: [`You signed in, but PIM Bot could not finish the sign-in: ${reason}.`, BACK_TO_TEAMS],
  }),
  resumeFailed: (): StepUpPage => ({
    status: 500,
    title: 'Signed in, but your request could not continue',
    paragraphs: ["You're signed in, but PIM Bot could not continue your request.", BACK_TO_TEAMS],
  }),
  badRequest: (): StepUpPage => ({
    status: 400,
    title: 'This is not a valid sign-in link',
    paragraphs: ['The link is incomplete.', BACK_TO_TEAMS],
  }),
};
