/**
 * PIM Bot's layers, checked on every `npm test` (npm run depcheck). Dependencies point one way:
 *
 *   cards/  ←  dialogs/  ←  src/bot/  ←  src/app.ts
 *                ↑              ↑
 *            src/views/    src/teams/ (botbuilder adapters of the ports)
 *                ↑              ↑
 *   the domain: src/pim, src/arm, src/requests, src/activation, src/approvals, src/notifications, src/scheduler,
 *               src/store, src/identity, src/commands (+ src/config, src/shared, src/observability)
 *
 * The domain talks to Teams through ports (Messenger, KeyValueStore) and never imports botbuilder,
 * cards/, dialogs/ or the layers above it.
 *
 * src/i18n (English and German text, docs/i18n.md) sits beside the layers: cards/, dialogs/, src/views,
 * src/bot and src/teams may import it; it imports only i18next and src/shared; the domain never needs it
 * (it sends notices, which are data, and the layers above put them into words). Production code never imports simulators/, test/, bench/ or
 * scripts/, nor a devDependency.
 */
const DOMAIN =
  '^src/(pim|arm|requests|activation|approvals|notifications|scheduler|store|identity|commands|config|shared|observability|health)/';
const COMPOSITION = '^src/(app|server|index|application-services|background-work)[.]ts$';
const BOTBUILDER = '^node_modules/(botbuilder|botframework-|adaptivecards|adaptive-expressions)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: split what they share into a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-teams',
      comment:
        'The domain reaches Teams through ports (src/notifications/messenger.ts, src/store/key-value-store.ts); botbuilder, cards, dialogs and the Teams adapters stay above it.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: [BOTBUILDER, '^cards/', '^dialogs/', '^src/(bot|teams|views|i18n)/', COMPOSITION] },
    },
    {
      name: 'cards-stand-alone',
      comment:
        "Cards are pure builders (viewModel, viewer) → card: no application code, no botbuilder. Only src/i18n, for the viewer's language.",
      severity: 'error',
      from: { path: '^cards/' },
      to: { path: ['^src/(?!i18n/)', '^dialogs/', BOTBUILDER.replace('|adaptivecards|adaptive-expressions', '')] },
    },
    {
      name: 'i18n-stands-alone',
      comment:
        'The translations and formatters are pure: i18next, Intl and src/shared, so cards may use them and stay pure.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: ['^src/(?!i18n/|shared/)', '^cards/', '^dialogs/', BOTBUILDER, COMPOSITION] },
    },
    {
      name: 'views-are-pure',
      comment: 'Views map the domain to card view models: no botbuilder, no dialogs, no Teams adapters.',
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: ['^node_modules/(botbuilder|botframework-)', '^dialogs/', '^src/(bot|teams)/', COMPOSITION] },
    },
    {
      name: 'dialogs-below-the-bot',
      comment:
        'Dialogs collect input and end with a typed result; they know the services, not the bot or its adapters.',
      severity: 'error',
      from: { path: '^dialogs/' },
      to: { path: ['^src/(bot|teams)/', COMPOSITION] },
    },
    {
      name: 'teams-adapters-below-the-bot',
      comment: 'The Teams adapters implement ports for the domain; the bot and its dialogs use them, not the reverse.',
      severity: 'error',
      from: { path: '^src/teams/' },
      to: { path: ['^dialogs/', '^src/bot/', COMPOSITION] },
    },
    {
      name: 'bot-below-the-composition',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: { path: COMPOSITION },
    },
    {
      name: 'production-without-dev-code',
      comment: 'Stand-ins, tests, benchmarks and demo scripts are never part of the deployed bot.',
      severity: 'error',
      from: { path: '^(src|dialogs|cards)/' },
      to: { path: '^(simulators|test|bench|scripts)/' },
    },
    {
      name: 'production-without-dev-dependencies',
      comment: 'npm ci --omit=dev must leave everything the bot imports.',
      severity: 'error',
      from: { path: '^(src|dialogs|cards)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-unresolvable',
      comment:
        'Type-only imports of declaration-only packages (@microsoft/microsoft-graph-types) have nothing to resolve.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@microsoft/microsoft-graph-types(-beta)?$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(\\.local|artifacts)/' },
  },
};
