import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoTeamsApp, demoUsers, otherTeamsApp } from '../../../simulators/tenant/demo-tenant';
import { GraphContract } from '../../contract/graph-contract';
import { type Collection, type GraphResult, type Harness, startHarness } from './support';

/**
 * Issue 15, "approvers always reached": the Teams app catalog and personal-scope installations as Graph's
 * docs describe them (FIDELITY.md, "Teams app installations"). Every exchange is held to Microsoft's
 * description (FEATURES-API.md, features-openapi-v1.0.yaml); expected values are the docs' own.
 */

let h: Harness;
const contract = GraphContract.load({ family: 'features' });
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const { requester: adele, approver: megan } = demoUsers;
const INSTALL = 'TeamsAppInstallation.ReadWriteSelfForUser.All';
const installedApps = (userId: string) => `/v1.0/users/${userId}/teamwork/installedApps`;
const byManifest = (userId: string) =>
  `${installedApps(userId)}?$expand=teamsApp&$filter=teamsApp/externalId eq '${demoTeamsApp.externalId}'`;
const bind = (catalogId: string) => ({
  'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}`,
});

/** An app-only token of PIM Bot's registration (the app whose webApplicationInfo.id the catalog knows). */
function botToken(roles: string[], appId = demoTeamsApp.azureADAppId ?? ''): Promise<string> {
  return h.issuer.sign({
    tid: h.tenantId,
    oid: '0b0b0b0b-0000-4000-8000-00000000a99a',
    idtyp: 'app',
    roles,
    appid: appId,
  });
}

/** Sends and holds request and response to the description. */
async function call<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<GraphResult<T>> {
  const res = await h.request<T>(method, path, { token, body });
  const violations = contract.check({
    method,
    url: path,
    requestBody: body,
    status: res.status,
    responseBody: res.body,
  });
  expect(violations, JSON.stringify(violations)).toEqual([]);
  return res;
}

type Item = Record<string, unknown>;

describe('app catalog', () => {
  it('finds the catalog id by the manifest id with AppCatalog.Read.All; the two ids differ', async () => {
    const res = await call<Collection<Item>>(
      'GET',
      `/v1.0/appCatalogs/teamsApps?$filter=externalId eq '${demoTeamsApp.externalId}'`,
      await botToken(['AppCatalog.Read.All']),
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([
      {
        id: demoTeamsApp.id,
        externalId: demoTeamsApp.externalId,
        displayName: 'PIM Bot',
        distributionMethod: 'organization',
      },
    ]);
    expect(demoTeamsApp.id).not.toBe(demoTeamsApp.externalId);
  });

  it('refuses the catalog without an AppCatalog permission: 403 Forbidden naming what it wanted', async () => {
    const res = await call('GET', '/v1.0/appCatalogs/teamsApps', await botToken([INSTALL]));
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe('Forbidden');
    expect(res.error?.message).toBe(
      `Missing role permissions on the request. API required one of 'AppCatalog.Read.All, AppCatalog.ReadWrite.All'. Roles on the request '${INSTALL}'.`,
    );
  });
});

describe('apps installed for a user', () => {
  it("lists the bot's installation by manifest id with the teamsApp expanded (docs example 3)", async () => {
    const res = await call<Collection<Item>>('GET', byManifest(adele.id), await botToken([INSTALL]));
    expect(res.status).toBe(200);
    expect(res.body.value).toHaveLength(1);
    const [item] = res.body.value;
    expect(Buffer.from(String(item?.id), 'base64').toString()).toBe(`${adele.id}##${demoTeamsApp.id}`);
    expect(item?.teamsApp).toMatchObject({ id: demoTeamsApp.id, externalId: demoTeamsApp.externalId });
  });

  it('answers an empty list when the app is not installed', async () => {
    const res = await call<Collection<Item>>('GET', byManifest(megan.id), await botToken([INSTALL]));
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([]);
  });

  it('a Self permission sees only its own app; ReadForUser.All sees every app of the user', async () => {
    const self = await call<Collection<Item>>('GET', installedApps(megan.id), await botToken([INSTALL]));
    const reader = await call<Collection<Item>>(
      'GET',
      `${installedApps(megan.id)}?$expand=teamsAppDefinition`,
      await botToken(['TeamsAppInstallation.ReadForUser.All']),
    );
    expect(self.body.value).toEqual([]);
    expect(reader.body.value.map((i) => (i.teamsAppDefinition as Item).displayName)).toEqual([
      otherTeamsApp.displayName,
    ]);
  });
});

describe('installing the app for a user', () => {
  it('201 with no body, then 409 Conflict for the same user; the chat is the user’s 1:1 with the bot', async () => {
    const token = await botToken([INSTALL]);
    const first = await call('POST', installedApps(megan.id), token, bind(demoTeamsApp.id));
    expect(first.status).toBe(201);
    expect(first.body).toBeUndefined();

    const again = await call('POST', installedApps(megan.id), token, bind(demoTeamsApp.id));
    expect(again.status).toBe(409);
    expect(again.error?.code).toBe('Conflict');

    const listed = await call<Collection<Item>>('GET', byManifest(megan.id), token);
    const installationId = String(listed.body.value[0]?.id);
    const chat = await call<Item>(
      'GET',
      `${installedApps(megan.id)}/${encodeURIComponent(installationId)}/chat`,
      token,
    );
    expect(chat.status).toBe(200);
    expect(chat.body.id).toMatch(new RegExp(`^19:[^_]+_${megan.id}@unq\\.gbl\\.spaces$`));
    expect(h.sim.teamsAppInstallations().filter((i) => i.userId === megan.id)).toHaveLength(2);
  });

  it('without an installation permission: 403 Forbidden listing the accepted ones, least privileged first', async () => {
    const res = await call('POST', installedApps(megan.id), await botToken(['User.Read.All']), bind(demoTeamsApp.id));
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe('Forbidden');
    expect(res.error?.message).toMatch(
      /^Missing role permissions on the request\. API required one of 'TeamsAppInstallation\.ReadWriteSelfForUser\.All, /,
    );
    expect(res.error?.message).toContain("Roles on the request 'User.Read.All'.");
    expect(h.sim.teamsAppInstallations().filter((i) => i.userId === megan.id)).toHaveLength(1);
  });

  it('a Self permission may not install another app (403), nor a delegated-only token reach the app-only list', async () => {
    const res = await call('POST', installedApps(adele.id), await botToken([INSTALL]), bind(otherTeamsApp.id));
    expect(res.status).toBe(403);
    expect(res.error?.message).toBe(
      `AAD App Id '${demoTeamsApp.azureADAppId}' is not allowed to manage the Teams App '${otherTeamsApp.id}'.`,
    );
    const delegated = await h.request('GET', installedApps(adele.id), {
      token: await h.userToken(adele, { scopes: ['User.Read'] }),
    });
    expect(delegated.status).toBe(403);
    expect(delegated.error?.message).toMatch(
      /^Missing scope permissions on the request\. API requires one of 'TeamsAppInstallation\.ReadForUser, /,
    );
  });

  it('an app missing from the catalog is 404; a body without the bind is 400', async () => {
    const token = await botToken([INSTALL]);
    const missing = await call('POST', installedApps(megan.id), token, bind('00000000-0000-4000-8000-000000000404'));
    expect(missing.status).toBe(404);
    // Not through `call`: the description itself refuses this body (the contract check says so).
    const wrong = { teamsApp: demoTeamsApp.id };
    expect(contract.checkRequest('POST', installedApps(megan.id), wrong)).not.toEqual([]);
    const unbound = await h.request('POST', installedApps(megan.id), { token, body: wrong });
    expect(unbound.status).toBe(400);
    expect(unbound.error?.code).toBe('BadRequest');
  });
});
