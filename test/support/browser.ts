import { expect } from 'vitest';

/**
 * A small browser for the step-up sign-in: follows redirects and submits the authority's
 * response_mode=form_post page (its hidden fields, urlencoded, to its action), as a real browser's
 * onload submit would. Returns the last page and the URL or form action it came from.
 */
export interface BrowserPage {
  status: number;
  url: string;
  text: string;
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
}

/** The auto-submitting form of a form_post page, or undefined for any other page. */
export function formPostOf(html: string): { action: string; fields: URLSearchParams } | undefined {
  const action = html.match(/<form method="POST" action="([^"]*)"/)?.[1];
  if (action === undefined) return undefined;
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(decodeHtml(m[1] ?? ''), decodeHtml(m[2] ?? ''));
  }
  return { action: decodeHtml(action), fields };
}

/**
 * Opens `url` and follows redirects and form posts (at most `maxHops`). `onFields` sees every form posted,
 * e.g. to note the authorization code as a secret; `rewriteUrl` may send a hop elsewhere (another instance).
 */
export async function browse(
  url: string,
  options: {
    maxHops?: number;
    onFields?: (fields: URLSearchParams) => void;
    rewriteUrl?: (url: string) => string;
  } = {},
): Promise<BrowserPage> {
  const rewrite = options.rewriteUrl ?? ((u: string) => u);
  let request: { url: string; init: RequestInit } = { url: rewrite(url), init: { redirect: 'manual' } };
  for (let hop = 0; hop < (options.maxHops ?? 6); hop++) {
    const res = await fetch(request.url, request.init);
    const next = res.headers.get('location');
    if (next) {
      request = { url: rewrite(new URL(next, request.url).toString()), init: { redirect: 'manual' } };
      await res.body?.cancel();
      continue;
    }
    const text = await res.text();
    const form = res.status === 200 ? formPostOf(text) : undefined;
    if (!form) return { status: res.status, url: request.url, text };
    options.onFields?.(form.fields);
    request = {
      url: rewrite(new URL(form.action, request.url).toString()),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.fields.toString(),
        redirect: 'manual',
      },
    };
  }
  expect.fail(`the sign-in did not end within ${options.maxHops ?? 6} hops (last: ${request.url})`);
}
