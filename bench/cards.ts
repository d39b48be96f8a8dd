import { type EligibleItem, confirmationCard, helpCard, myRolesCard, statusCard } from '../cards';
import { HELP_COMMANDS } from '../dialogs/help-commands';

/**
 * CPU per Adaptive Card build (template expansion + sanitising), measured in the runner before any load:
 * part of every PIM Bot turn that the echo bot does not pay. Microseconds per card, median of 5 batches.
 */
export interface CardCosts {
  helpUs: number;
  myRoles3Us: number;
  myRoles50Us: number;
  confirmationUs: number;
  statusUs: number;
}

function items(n: number): EligibleItem[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `role:c0000000-0000-4000-8000-${String(i).padStart(12, '0')}:/`,
    name: `Bench Custom Role ${i}`,
    kind: 'role' as const,
    maxDurationText: '8 hours',
    requiresApproval: i % 4 === 0,
    requiresTicket: false,
    requiresMfa: false,
    requiresJustification: i % 3 === 0,
    authContext: null,
    activeUntilText: null,
  }));
}

function perCall(build: () => unknown, iterations: number): number {
  build();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) build();
    batches.push(((performance.now() - start) * 1000) / iterations);
  }
  batches.sort((x, y) => x - y);
  return Math.round(batches[2]! * 10) / 10;
}

export function measureCards(): CardCosts {
  const three = items(3);
  const fifty = items(50);
  return {
    helpUs: perCall(() => helpCard({ intro: 'Hi', commands: HELP_COMMANDS }), 200),
    myRoles3Us: perCall(() => myRolesCard({ items: three, emptyText: 'none' }), 200),
    myRoles50Us: perCall(() => myRolesCard({ items: fifty, emptyText: 'none' }), 40),
    confirmationUs: perCall(
      () =>
        confirmationCard({
          key: 'role:4a5d8f65-41da-4de4-8968-e035b65339cf:/',
          targetName: 'Reports Reader',
          durationText: '1 hour',
          approvalText: 'No approval needed: it is active as soon as you confirm.',
        }),
      200,
    ),
    statusUs: perCall(
      () =>
        statusCard({
          state: 'active',
          targetName: 'Reports Reader',
          durationText: '1 hour',
          activeUntilText: '13:00',
          deactivateKey: 'role:4a5d8f65-41da-4de4-8968-e035b65339cf:/',
        }),
      200,
    ),
  };
}
