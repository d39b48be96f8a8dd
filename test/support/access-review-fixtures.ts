import { demoRoles, demoTenant } from '../../simulators/tenant/demo-tenant';
import type { TenantFixture } from '../../simulators/tenant/tenant-fixture';

/** The demo tenant with `n` extra users under review in the demo instance. */
export function bigReview(n: number): TenantFixture {
  const fixture: TenantFixture = structuredClone(demoTenant);
  const review = fixture.accessReviews?.[0];
  const instance = review?.instances[0];
  if (!review || !instance) throw new Error('demo review missing');
  instance.items = [];
  for (let k = 0; k < n; k++) {
    const hex = k.toString(16).padStart(6, '0');
    const id = `0e0e0e0e-0000-4000-8000-000000${hex}`;
    fixture.users.push({ id, displayName: `Reviewee ${k}`, userPrincipalName: `reviewee${k}@${fixture.domain}` });
    fixture.roleEligibilities.push({
      principalId: id,
      roleDefinitionId: demoRoles.globalAdministrator,
      directoryScopeId: '/',
    });
    instance.items.push({
      id: `0f0f0f0f-0000-4000-8000-000000${hex}`,
      principalId: id,
      recommendation: k % 3 ? 'Approve' : 'Deny',
    });
  }
  return fixture;
}
