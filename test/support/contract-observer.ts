import type { GraphCallObserver, GraphExchangeRecord } from '../../src/pim/graph-middleware';
import { type ContractViolation, GraphContract } from '../contract/graph-contract';

/**
 * Graph paths PIM Bot uses that lie outside both of Microsoft's descriptions we hold (the PIM subset keeps users
 * and groups as boundary types only, PIM-API.md §0). Their responses are checked by the simulator's own tests.
 */
export const OUTSIDE_DESCRIPTIONS = [
  /^\/v1\.0\/groups\/[^/]+\/members$/,
  /^\/v1\.0\/users\/[^/]+\/manager$/,
  /^\/v1\.0\/groups\/[^/]+\/transitiveMembers\/microsoft\.graph\.user$/,
];

/** Teams app installations and directory audits: held to the features description (FEATURES-API.md §2-3, features-openapi-*.yaml). */
export const FEATURES_PATHS = [
  /^\/v1\.0\/users\/[^/]+\/teamwork\/installedApps(\/.*)?$/,
  /^\/v1\.0\/appCatalogs\/teamsApps$/,
  /^\/v1\.0\/auditLogs\/directoryAudits(\/[^/]+)?$/,
  // Default approvers (FEATURES-API.md §4).
  /^\/v1\.0\/roleManagement\/directory\/roleAssignments$/,
  /^\/v1\.0\/identityGovernance\/accessReviews\//,
];

/**
 * Records every Graph exchange of the bot's clients (with bodies) and holds it to Microsoft's description:
 * PIM paths to the PIM subset, Teams app paths to the features one; what breaks it lands in `violations`.
 */
export function contractObserver(exchanges: GraphExchangeRecord[], violations: ContractViolation[]): GraphCallObserver {
  const pim = GraphContract.load();
  const features = GraphContract.load({ family: 'features' });
  return {
    wantsBodies: true,
    onExchange(record) {
      exchanges.push(record);
      const path = new URL(record.url).pathname;
      if (OUTSIDE_DESCRIPTIONS.some((p) => p.test(path))) return;
      const contract = FEATURES_PATHS.some((p) => p.test(path)) ? features : pim;
      violations.push(
        ...contract.check({
          method: record.method,
          url: record.url,
          requestBody: record.requestBody,
          status: record.status,
          responseBody: record.responseBody,
        }),
      );
    },
  };
}
