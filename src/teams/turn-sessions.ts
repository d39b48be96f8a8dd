import type { AccessToken } from '@azure/identity';
import type { InvokeResponse, TurnContext } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import type { SessionBlock } from '../identity/obo-refusal';
import type { PimSessions, SessionCheck } from '../identity/pim-sessions';
import { SsoTokenRejected, type SsoTokenVerifier } from '../identity/sso-token-verifier';
import type { Logger } from '../observability/logger';
import type { PimClient } from '../pim/pim-client';
import type { UserTokenSource } from './user-token-source';

const TURN_CLIENT = Symbol('pimbot.turnPimClient');
const TURN_USER = Symbol('pimbot.turnVerifiedUser');
const TURN_CHECK = Symbol('pimbot.turnSessionCheck');

/** What an administrator does when Entra says the app may not act for users (logged once, with the code). */
const CONSENT_FIX: Record<65001 | 650057, string> = {
  65001:
    'admin consent to its delegated Microsoft Graph permissions is missing (AADSTS65001). Fix: a Privileged Role Administrator or Global Administrator opens Entra admin center > App registrations > PIM Bot > API permissions > Grant admin consent (docs/deploy-to-your-tenant.md section 6)',
  650057:
    'the app registration does not list the Microsoft Graph permissions the bot asks for (AADSTS650057). Fix: add the delegated permissions of docs/deploy-to-your-tenant.md section 5 under API permissions, then a Privileged Role Administrator or Global Administrator grants admin consent (section 6)',
};

/** The turn's user as their verified token names them, with that token. */
interface VerifiedTurnUser {
  assertion: string;
  /** The token's `oid` (lower case): the principal of Graph requests, caches and records. */
  principalId: string;
}

/**
 * The signed-in user of a turn: their token for the bot (Teams SSO, or the demo's dev identity),
 * verified (signature, issuer, audience, expiry, tenant: SsoTokenVerifier) and naming the activity's own
 * user, turned into their PIM client (on-behalf-of). A token that fails any check counts as no token:
 * the user is asked to sign in, and nothing reaches Graph. Several dialog steps run in one turn: they
 * share one client, so one exchange, kept in the turn's memory only (never in state).
 */
export class TurnSessions {
  /** Missing consent is logged once (until an exchange works again): it is the tenant's, not each user's. */
  private consentLogged = false;

  constructor(
    private readonly tokens: UserTokenSource,
    private readonly pims: PimSessions,
    private readonly verifier: SsoTokenVerifier,
    private readonly logger?: Logger,
  ) {}

  get signInDialog(): Dialog | undefined {
    return this.tokens.signInDialog;
  }

  signInHelp(locale?: string | null): string {
    return this.tokens.signInHelp(locale);
  }

  /**
   * Whether the user is signed in for this turn: a verified token whose session Entra still honours. A token
   * Entra refuses as a grant (revoked sessions: the Token Service keeps handing it out until it expires) signs
   * the user out (endedSession), so the sign-in dialog that follows sends the card at once.
   */
  async hasToken(context: TurnContext): Promise<boolean> {
    const user = await this.verifiedUser(context);
    if (!user) return false;
    if ((await this.check(context, user)).kind !== 'ended') return true;
    await this.signOut(context, user);
    return false;
  }

  /**
   * For a signed-in user: what stops the bot from acting for them that a new Teams sign-in cannot fix, if anything:
   * a Conditional Access challenge on the on-behalf-of exchange (the caller runs the step-up sign-in with its
   * claims), or missing admin consent (the caller tells the user; the fix is logged here, once).
   */
  async blocked(context: TurnContext): Promise<SessionBlock | undefined> {
    const user = await this.verifiedUser(context);
    if (!user) return undefined;
    const check = await this.check(context, user);
    if (check.kind === 'ok' || check.kind === 'ended') return undefined;
    if (check.kind === 'consentMissing' && !this.consentLogged) {
      this.consentLogged = true;
      this.logger?.error(
        { aadsts: check.code, aadObjectId: user.principalId, activityId: context.activity.id },
        `Entra refused PIM Bot's on-behalf-of exchange for Microsoft Graph: ${CONSENT_FIX[check.code]}. Logged once; users are told an administrator must grant consent.`,
      );
    }
    if (check.kind === 'conditionalAccess') {
      this.logger?.info(
        { aadsts: check.code, aadObjectId: user.principalId, withClaims: check.claims !== '' },
        'Conditional Access requires an interactive sign-in for Microsoft Graph; offering the step-up sign-in',
      );
    }
    return check;
  }

  /** The Graph token of a step-up sign-in that met the Conditional Access challenge: it serves this user's token now. */
  async adoptStepUp(context: TurnContext, token: AccessToken): Promise<void> {
    const user = await this.verifiedUser(context);
    if (!user) return;
    this.pims.adoptStepUp(user.assertion, token);
    context.turnState.delete(TURN_CHECK);
    context.turnState.delete(TURN_CLIENT);
  }

  /** The session check, once per turn (an on-behalf-of exchange, or MSAL's cache). */
  private async check(context: TurnContext, user: VerifiedTurnUser): Promise<SessionCheck> {
    const cached = context.turnState.get(TURN_CHECK) as SessionCheck | undefined;
    if (cached) return cached;
    const check = await this.pims.check(user.assertion);
    if (check.kind === 'ok') this.consentLogged = false;
    context.turnState.set(TURN_CHECK, check);
    return check;
  }

  /**
   * After a failure in the turn: true when it was the user's session ending (Entra refused their token as a
   * grant, e.g. on the claims refresh of Graph's CAE challenge); the user is then signed out, and the caller
   * runs the sign-in again with the request kept.
   */
  async endedSession(context: TurnContext): Promise<boolean> {
    const user = context.turnState.get(TURN_USER) as VerifiedTurnUser | undefined;
    if (!user || !this.pims.hasEnded(user.assertion)) return false;
    await this.signOut(context, user);
    return true;
  }

  /** The object id of the turn's user, from their verified token; undefined without one. */
  async verifiedUserId(context: TurnContext): Promise<string | undefined> {
    return (await this.verifiedUser(context))?.principalId;
  }

  /** The user's PimClient, or undefined when they must sign in first; with `claims`, a fresh exchange. */
  async pimFor(context: TurnContext, claims?: string): Promise<PimClient | undefined> {
    const cached = claims ? undefined : (context.turnState.get(TURN_CLIENT) as PimClient | undefined);
    if (cached) return cached;
    const user = await this.verifiedUser(context);
    if (!user) return undefined;
    const client = this.pims.forAssertion(user.assertion, user.principalId, claims);
    if (!claims) context.turnState.set(TURN_CLIENT, client);
    return client;
  }

  pimForToken(token: AccessToken, userId: string): PimClient {
    return this.pims.forAccessToken(token, userId);
  }

  /** For card actions: the invoke response asking Teams to sign the user in, when there is no verified token yet. */
  async loginRequest(context: TurnContext): Promise<InvokeResponse | undefined> {
    if (!this.tokens.loginRequest || (await this.verifiedUser(context))) return undefined;
    return this.tokens.loginRequest(context);
  }

  /** Forgets the turn's token here and at its source; the refusal is logged with the ids, never the token. */
  private async signOut(context: TurnContext, user: VerifiedTurnUser): Promise<void> {
    this.logger?.warn(
      { aadObjectId: user.principalId, activityId: context.activity.id },
      "Entra refused the user's token as a grant (session ended); signing them out to sign in again",
    );
    context.turnState.delete(TURN_USER);
    context.turnState.delete(TURN_CLIENT);
    context.turnState.delete(TURN_CHECK);
    await this.tokens.signOut?.(context);
  }

  /** Verified once per turn; a refusal is logged with its reason and the ids, never the token. */
  private async verifiedUser(context: TurnContext): Promise<VerifiedTurnUser | undefined> {
    if (context.turnState.has(TURN_USER)) return context.turnState.get(TURN_USER) as VerifiedTurnUser | undefined;
    const user = await this.verify(context);
    context.turnState.set(TURN_USER, user);
    return user;
  }

  private async verify(context: TurnContext): Promise<VerifiedTurnUser | undefined> {
    const assertion = await this.tokens.getUserAssertion(context);
    if (!assertion) return undefined;
    const claimed = context.activity.from?.aadObjectId?.toLowerCase();
    try {
      const { oid } = await this.verifier.verify(assertion);
      // The token must be the activity's own user's: another user's token is no sign-in for this one.
      if (!claimed || oid !== claimed) throw new SsoTokenRejected('otherUser');
      return { assertion, principalId: oid };
    } catch (err) {
      if (!(err instanceof SsoTokenRejected)) throw err;
      this.logger?.warn(
        { reason: err.reason, aadObjectId: claimed, activityId: context.activity.id },
        "the user's token for the bot was refused; asking them to sign in",
      );
      return undefined;
    }
  }
}
