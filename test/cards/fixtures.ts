// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' in strings here is hostile input under test.
/**
 * View models for the card tests: a normal one per builder, and a generator that fills every user-text
 * field of a builder's view model with one hostile string.
 */
import {
  type ActivationFormCardModel,
  type ActiveRolesCardModel,
  activationFormCard,
  submittedFormCard,
  type SubmittedFormCardModel,
  type AdaptiveCard,
  activeRolesCard,
  type ConfirmationCardModel,
  type ContinuedInPersonalChatCardModel,
  confirmationCard,
  continuedInPersonalChatCard,
  type ErrorCardModel,
  type ExpiryWarningCardModel,
  errorCard,
  expiryWarningCard,
  type HelpCardModel,
  helpCard,
  type MyRolesCardModel,
  myRolesCard,
  type SignInCardModel,
  type StatusCardModel,
  queuedActivationCard,
  signInCard,
  statusCard,
  type Viewer,
} from '../../cards';

/** Hostile strings, each with words that must stay visible after neutralisation. */
export const HOSTILE: ReadonlyArray<{ name: string; text: string; words: string[] }> = [
  { name: 'markdown link', text: '[click](https://evil.example)', words: ['click', 'evil.example'] },
  { name: 'markdown image', text: '![x](https://evil.example/a.png)', words: ['evil.example/a.png'] },
  { name: 'Teams mention', text: '<at>Megan</at>', words: ['Megan'] },
  { name: 'template expression', text: '${$root.secret}', words: ['root.secret'] },
  { name: 'bold', text: '**bold**', words: ['bold'] },
  { name: 'heading', text: '# heading', words: ['heading'] },
  { name: 'right-to-left override', text: '\u202Eright-to-left', words: ['right-to-left'] },
  { name: '10k characters', text: 'x'.repeat(10_000), words: ['x'.repeat(100)] },
  { name: 'HTML', text: '<b>bold</b><img src=x onerror=alert(1)>', words: ['bold', 'onerror'] },
  { name: 'entity-encoded mention', text: '&lt;at&gt;Megan&lt;/at&gt;', words: ['Megan'] },
  { name: 'autolink', text: '<https://evil.example>', words: ['evil.example'] },
  {
    name: 'bare URL',
    text: 'approve here: https://evil.example/approve',
    words: ['approve here', 'evil.example/approve'],
  },
  { name: 'reference link', text: '[ref][1]\n\n[1]: https://evil.example', words: ['ref', 'evil.example'] },
  { name: 'escaped link', text: '\\[x\\](https://evil.example)', words: ['evil.example'] },
  { name: 'AC date function', text: '{{DATE(2017-02-14T06:00:00Z, SHORT)}}', words: ['DATE', '2017-02-14'] },
  { name: 'nested template', text: '${{${x}}}', words: ['x'] },
  { name: 'list', text: '- one\n- two\n1. three', words: ['one', 'two', 'three'] },
  { name: 'numbered list', text: '1. first', words: ['first'] },
  { name: 'thematic break', text: '---', words: [] },
  { name: 'quote', text: '> quoted', words: ['quoted'] },
  { name: 'code', text: '`rm -rf /`', words: ['rm -rf /'] },
  { name: 'strike and underscores', text: '~~gone~~ __under__ _it_', words: ['gone', 'under', 'it'] },
  { name: 'controls', text: 'nul\u0000bell\u0007esc\u001B[31m', words: ['nul', 'bell', 'esc'] },
  { name: 'tag smuggling', text: 'visible\u{E0041}\u{E0042}', words: ['visible'] },
  { name: 'zero width', text: 'in\u200Bvisible\u2060join', words: ['invisible', 'join'] },
  { name: 'lone surrogate', text: 'half\uD800pair', words: ['half', 'pair'] },
  { name: 'newline heading', text: 'ok\n\n# not a heading', words: ['ok', 'not a heading'] },
];

export const VIEWER: Viewer = { aadObjectId: '00000000-0000-0000-0000-00000000a0a0', locale: 'en-GB' };

export const normalHelp: HelpCardModel = {
  commands: [
    { command: 'roles', description: 'List the roles and groups you can activate.' },
    {
      command: 'activate Exchange Administrator 2h INC-42 fix mailbox rules',
      description: 'Activate a role in one line.',
    },
  ],
};

export const normalMyRoles: MyRolesCardModel = {
  items: [
    {
      key: 'elig-exchange',
      name: 'Exchange Administrator',
      kind: 'role',
      maxDurationText: '8 hours',
      requiresApproval: true,
      requiresTicket: true,
      requiresMfa: true,
      requiresJustification: true,
      authContext: 'c1',
      activeUntilText: null,
    },
    {
      key: 'elig-helpdesk',
      name: 'Helpdesk Administrator',
      kind: 'role',
      accessLabel: 'Administrative unit: Paris',
      maxDurationText: '4 hours',
      requiresApproval: false,
      requiresTicket: false,
      requiresMfa: true,
      requiresJustification: true,
      activeUntilText: '14:30 (UTC+1)',
    },
    {
      key: 'elig-group-owner',
      name: 'Break-glass operators',
      kind: 'group',
      accessLabel: 'Owner',
      maxDurationText: '1 hour',
      requiresApproval: true,
      requiresTicket: false,
      requiresMfa: false,
      requiresJustification: false,
    },
  ],
};

export const normalConfirmation: ConfirmationCardModel = {
  key: 'pending-1',
  targetName: 'Exchange Administrator',
  durationText: '2 hours (until 16:30 UTC+1)',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  approvalText: 'Needs approval from Security Admins.',
  stepUpText: 'You will be asked to sign in again with MFA.',
};

export const normalStatus: StatusCardModel = {
  state: 'active',
  targetName: 'Exchange Administrator',
  requesterName: 'Adele Vance',
  durationText: '2 hours',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  approversText: 'Security Admins',
  activeUntilText: '16:30 (UTC+1)',
  deactivateKey: 'assignment-1',
  updatedText: 'Updated 14:32 (UTC+1)',
};

export const normalExpiryWarning: ExpiryWarningCardModel = {
  targetName: 'Exchange Administrator',
  endsAtText: '16:30 (UTC+1)',
  remainingText: '10 minutes',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  targetKey: 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/',
  requestId: '8a2f6c1e-3b7d-4e9a-a1c5-0f6d2e8b9c47',
};

export const normalActiveRoles: ActiveRolesCardModel = {
  items: [
    { key: 'assignment-1', name: 'Exchange Administrator', untilText: 'Until 16:30 (UTC+1)', canDeactivate: true },
    {
      key: 'assignment-2',
      name: 'Global Reader',
      untilText: 'No end date',
      canDeactivate: false,
      note: 'Assigned by an administrator: it cannot be deactivated here.',
    },
  ],
};

export const normalError: ErrorCardModel = {
  title: 'Could not activate Exchange Administrator',
  message: 'The role policy requires a ticket number.',
  fix: 'Add the ticket number and try again.',
  graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
  requestId: '5e3c1a7e-0000-4000-8000-000000000001',
};

export const normalSignIn: SignInCardModel = {
  title: 'Sign in again to continue',
  text: 'Exchange Administrator needs multi-factor authentication.',
  url: 'https://pimbot.example.com/auth/step-up?state=abc',
  buttonTitle: 'Sign in',
};

export const normalContinued: ContinuedInPersonalChatCardModel = {
  chatUrl: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot-id',
};

export const normalActivationForm: ActivationFormCardModel = {
  requester: 'a1d3e1e0-7a4c-4b8e-9f10-0000000000a1',
  intro: '"Authentication Administrator" matches 2 of your roles and groups. Which one?',
  roles: [
    {
      title: 'Authentication Administrator \u2014 whole directory',
      value: 'role:c4e39bd9-1100-46d3-8c65-fb160da0071f:/',
    },
    {
      title: 'Authentication Administrator \u2014 Sales AU',
      value: 'role:c4e39bd9-1100-46d3-8c65-fb160da0071f:/administrativeUnits/c7d8e9f0-1a2b-4c3d-8e4f-000000000201',
    },
  ],
  roleValue: 'role:c4e39bd9-1100-46d3-8c65-fb160da0071f:/',
  details: {
    approvalText: 'Needs approval by Megan Bowen or PIM Approvers.',
    stepUpText: 'This role asks for a stronger sign-in; you may be asked to sign in again.',
    durations: [
      { title: '30 minutes', value: '30' },
      { title: '1 hour', value: '60' },
      { title: '4 hours', value: '240' },
    ],
    durationValue: '60',
    durationCustomValue: '9h',
    maxDurationText: '4 hours',
    justification: { value: 'rotate the break-glass credentials' },
    ticket: { value: 'not a ticket!', systemText: 'ServiceNow', pattern: '^[A-Za-z][A-Za-z0-9]{0,30}-?[0-9]{1,20}$' },
  },
  errors: {
    duration: 'Authentication Administrator allows at most 4 hours.',
    ticket: 'That does not look like a ticket number. Type it like INC-42 or CHG0012345.',
  },
};

export const normalSubmittedForm: SubmittedFormCardModel = {
  targetText: 'Authentication Administrator \u2014 Sales AU',
  durationText: '2 hours',
  justification: 'rotate the break-glass credentials',
  ticketNumber: 'CHG-1042',
};

/** One entry per builder: how to build it from normal data, and from data where every user text is `h`. */
export interface BuilderCase {
  name: string;
  normal: () => AdaptiveCard;
  hostile: (h: string) => AdaptiveCard;
  /** The normal view model with every array emptied / optional field removed. */
  minimal: () => AdaptiveCard;
}

export const BUILDERS: readonly BuilderCase[] = [
  {
    name: 'activationFormCard',
    normal: () => activationFormCard(normalActivationForm, VIEWER),
    hostile: (h) =>
      activationFormCard(
        {
          ...normalActivationForm,
          intro: h,
          roles: normalActivationForm.roles.map((r) => ({ ...r, title: h })),
          details: {
            ...normalActivationForm.details!,
            approvalText: h,
            stepUpText: h,
            durations: [{ title: h, value: '60' }],
            durationCustomValue: h,
            maxDurationText: h,
            justification: { value: h },
            ticket: { value: h, systemText: h },
          },
          errors: { role: h, duration: h, justification: h, ticket: h },
        },
        VIEWER,
      ),
    minimal: () => activationFormCard({ requester: 'a1d3e1e0', roles: [] }),
  },
  {
    name: 'submittedFormCard',
    normal: () => submittedFormCard(normalSubmittedForm, VIEWER),
    hostile: (h) =>
      submittedFormCard({ targetText: h, durationText: h, justification: h, ticketNumber: h, again: true }, VIEWER),
    minimal: () => submittedFormCard({ targetText: '', durationText: '' }),
  },
  {
    name: 'helpCard',
    normal: () => helpCard(normalHelp, VIEWER),
    hostile: (h) => helpCard({ title: h, intro: h, commands: [{ command: h, description: h }] }, VIEWER),
    minimal: () => helpCard({ commands: [] }),
  },
  {
    name: 'myRolesCard',
    normal: () => myRolesCard(normalMyRoles, VIEWER),
    hostile: (h) =>
      myRolesCard(
        {
          title: h,
          emptyText: h,
          items: normalMyRoles.items.map((item) => ({
            ...item,
            name: h,
            accessLabel: h,
            maxDurationText: h,
            authContext: h,
            activeUntilText: h,
            grantsRoles: [h, h],
          })),
        },
        VIEWER,
      ),
    minimal: () => myRolesCard({ items: [] }),
  },
  {
    name: 'confirmationCard',
    normal: () => confirmationCard(normalConfirmation, VIEWER),
    hostile: (h) =>
      confirmationCard(
        { key: 'k', targetName: h, durationText: h, justification: h, ticketNumber: h, approvalText: h, stepUpText: h },
        VIEWER,
      ),
    minimal: () => confirmationCard({ key: 'k', targetName: 'Reader', durationText: '1 hour', approvalText: '' }),
  },
  {
    name: 'statusCard',
    normal: () => statusCard(normalStatus, VIEWER),
    hostile: (h) =>
      statusCard(
        {
          ...normalStatus,
          state: 'failed',
          targetName: h,
          requesterName: h,
          durationText: h,
          justification: h,
          ticketNumber: h,
          approversText: h,
          activeUntilText: h,
          failure: { message: h, fix: h, graphCode: h, requestId: h },
          updatedText: h,
        },
        VIEWER,
      ),
    minimal: () => statusCard({ state: 'submitting', targetName: 'Reader', durationText: '' }),
  },
  {
    name: 'statusCard (expired, activate again)',
    normal: () =>
      statusCard({ ...normalStatus, state: 'expired', activateAgainKey: normalExpiryWarning.targetKey }, VIEWER),
    hostile: (h) =>
      statusCard(
        {
          ...normalStatus,
          state: 'expired',
          targetName: h,
          durationText: h,
          justification: h,
          activeUntilText: h,
          updatedText: h,
          activateAgainKey: normalExpiryWarning.targetKey,
        },
        VIEWER,
      ),
    minimal: () => statusCard({ state: 'expired', targetName: 'Reader', durationText: '', activateAgainKey: 'k' }),
  },
  {
    name: 'expiryWarningCard',
    normal: () => expiryWarningCard(normalExpiryWarning, VIEWER),
    hostile: (h) =>
      expiryWarningCard(
        { ...normalExpiryWarning, targetName: h, endsAtText: h, remainingText: h, justification: h, ticketNumber: h },
        VIEWER,
      ),
    minimal: () =>
      expiryWarningCard({ targetName: 'Reader', endsAtText: '', remainingText: '', targetKey: 'k', requestId: 'r' }),
  },
  {
    name: 'queuedActivationCard',
    normal: () =>
      queuedActivationCard(
        {
          state: 'queued',
          targetName: 'Exchange Administrator',
          startsAtText: '14:30 (UTC+1)',
          durationText: '2 hours',
          requestId: normalExpiryWarning.requestId,
          targetKey: normalExpiryWarning.targetKey,
        },
        VIEWER,
      ),
    hostile: (h) =>
      queuedActivationCard(
        {
          state: 'failed',
          targetName: h,
          startsAtText: h,
          durationText: h,
          problem: h,
          requestId: 'r',
          targetKey: 'k',
        },
        VIEWER,
      ),
    minimal: () =>
      queuedActivationCard({
        state: 'canceled',
        targetName: '',
        startsAtText: '',
        durationText: '',
        requestId: 'r',
        targetKey: 'k',
      }),
  },
  {
    name: 'activeRolesCard',
    normal: () => activeRolesCard(normalActiveRoles, VIEWER),
    hostile: (h) =>
      activeRolesCard(
        {
          title: h,
          emptyText: h,
          items: normalActiveRoles.items.map((item) => ({ ...item, name: h, untilText: h, note: h })),
        },
        VIEWER,
      ),
    minimal: () => activeRolesCard({ items: [] }),
  },
  {
    name: 'errorCard',
    normal: () => errorCard(normalError, VIEWER),
    hostile: (h) => errorCard({ title: h, message: h, fix: h, graphCode: h, requestId: h }, VIEWER),
    minimal: () => errorCard({ title: '', message: '', fix: '' }),
  },
  {
    name: 'signInCard',
    normal: () => signInCard(normalSignIn, VIEWER),
    hostile: (h) => signInCard({ ...normalSignIn, title: h, text: h, buttonTitle: h }, VIEWER),
    minimal: () => signInCard({ title: '', text: '', url: 'http://127.0.0.1:3978/auth', buttonTitle: '' }),
  },
  {
    name: 'continuedInPersonalChatCard',
    normal: () => continuedInPersonalChatCard(normalContinued, VIEWER),
    hostile: (h) => continuedInPersonalChatCard({ text: h }, VIEWER),
    minimal: () => continuedInPersonalChatCard(),
  },
];
