/**
 * @module What the proxy changes in the messages it relays (pure), after apimachinery's
 * pkg/util/proxy: hop-by-hop headers dropped both ways (Go's httputil.ReverseProxy), the
 * client's credentials kept from the backend (kube-apiserver's authentication filter deletes
 * `Authorization`), X-Forwarded-For / X-Forwarded-Uri added, CORS headers of the backend
 * removed (corsRemovingTransport), and same-host absolute links in `Location` and in HTML
 * rewritten to go through the proxy again (Transport.rewriteURL, rewriteHTML).
 */
import { joinPath } from './paths.js';

/** RFC 7230 hop-by-hop headers, as httputil.ReverseProxy removes them (lower case). */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const CORS = new Set(['access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-origin']);

/** Raw headers as node gives them: name, value, name, value... */
export type RawHeaders = string[];

function connectionTokens(raw: RawHeaders): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1].split(',')) if (t.trim()) tokens.add(t.trim().toLowerCase());
  }
  return tokens;
}

function filtered(raw: RawHeaders, drop: (name: string) => boolean): RawHeaders {
  const named = connectionTokens(raw);
  const out: RawHeaders = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || drop(name)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/**
 * The headers sent to the backend: the client's, less hop-by-hop ones and `Authorization`, with
 * the client's address appended to X-Forwarded-For (when known) and X-Forwarded-Uri set. `upgrade` keeps
 * `Connection` and `Upgrade` (an upgrade is relayed as it is).
 */
export function requestHeaders(raw: RawHeaders, options: { clientIP?: string; forwardedUri?: string; upgrade?: boolean }): RawHeaders {
  const replaced = new Set(['authorization', 'x-forwarded-for', 'x-forwarded-uri']);
  const kept = options.upgrade
    ? pairs(raw).filter(([name]) => !replaced.has(name.toLowerCase())).flat()
    : filtered(raw, (name) => replaced.has(name));
  const prior = pairs(raw).filter(([name]) => name.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
  // Go adds none when the client's address is unknown (a connection relayed over a Unix socket).
  if (options.clientIP) kept.push('X-Forwarded-For', [...prior, options.clientIP].join(', '));
  else if (prior.length) kept.push('X-Forwarded-For', prior.join(', '));
  if (options.forwardedUri !== undefined) kept.push('X-Forwarded-Uri', options.forwardedUri);
  return kept;
}

function pairs(raw: RawHeaders): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/**
 * The backend's answer headers for the client: no hop-by-hop or CORS headers, after the
 * `Cache-Control: no-cache, private` kube-apiserver's WithCacheControl filter sets on every
 * answer before the proxy adds the backend's headers (a backend's own Cache-Control follows it).
 */
export function responseHeaders(raw: RawHeaders): RawHeaders {
  return ['Cache-Control', 'no-cache, private', ...filtered(raw, (name) => CORS.has(name))];
}

/** What rewriteURL needs: the backend's host:port, the client's Host header, the prefix. */
export interface RewriteContext {
  backendHost: string;
  requestHost: string;
  prepend: string;
}

const URL_PARTS = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(.*)$/s;

/**
 * Transport.rewriteURL: a link to the backend's host (or the client's Host) with an absolute
 * path gets the proxy prefix (scheme and host dropped, as the apiserver's Transport has none);
 * links elsewhere, relative links and links already under the prefix keep their path.
 */
export function rewriteURL(target: string, ctx: RewriteContext): string {
  const m = URL_PARTS.exec(target);
  if (!m) return target;
  let scheme = m[1] ?? '';
  let host: string | undefined = m[2];
  const path = m[3];
  const rest = m[4];
  const differentHost = host !== undefined && host !== '' && host !== ctx.backendHost && host !== ctx.requestHost;
  if (differentHost || !path.startsWith('/')) return target;
  if (host !== ctx.requestHost) {
    scheme = '';
    host = undefined;
  }
  const origin = `${scheme ? `${scheme}:` : ''}${host !== undefined ? `//${host}` : ''}`;
  if (path.startsWith(ctx.prepend)) return `${origin}${path}${rest}`;
  let joined = joinPath(ctx.prepend, path);
  if (path.endsWith('/') && !joined.endsWith('/')) joined += '/';
  return `${origin}${joined}${rest}`;
}

/** atomsToAttrs: which attributes of which tags hold URLs. */
const URL_ATTRS: Record<string, string[]> = {
  a: ['href'], applet: ['codebase'], area: ['href'], audio: ['src'], base: ['href'], blockquote: ['cite'],
  body: ['background'], button: ['formaction'], command: ['icon'], del: ['cite'], embed: ['src'], form: ['action'],
  frame: ['longdesc', 'src'], head: ['profile'], html: ['manifest'], iframe: ['longdesc', 'src'],
  img: ['longdesc', 'src', 'usemap'], input: ['src', 'usemap', 'formaction'], ins: ['cite'], link: ['href'],
  object: ['classid', 'codebase', 'data', 'usemap'], q: ['cite'], script: ['src'], source: ['src'], video: ['poster', 'src'],
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#34': '"' };

function unescapeAttr(value: string): string {
  return value.replace(/&(#?[a-zA-Z0-9]+);/g, (all, name: string) => {
    if (ENTITIES[name]) return ENTITIES[name];
    if (/^#[0-9]+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    if (/^#x[0-9a-f]+$/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    return all;
  });
}

/** html.EscapeString's escaping, as token.String() writes attribute values. */
function escapeAttr(value: string): string {
  return value.replace(/[&'<>"]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;' })[c] ?? c);
}

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/**
 * rewriteHTML: the URL-valued attributes of start tags pass through `rewrite`. Only attributes
 * whose value changes are rewritten (as `name="value"`); every other byte stays as it was (Go's
 * tokenizer writes every start tag back in its own normal form).
 */
export function rewriteHTML(html: string, rewrite: (url: string) => string): string {
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      const stop = end < 0 ? html.length : end + 3;
      out += html.slice(i, stop);
      i = stop;
      continue;
    }
    const name = /^<([a-zA-Z][a-zA-Z0-9]*)/.exec(html.slice(lt, lt + 64))?.[1]?.toLowerCase();
    if (!name) {
      out += html.slice(i, lt + 1);
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt + 1 + name.length);
    out += html.slice(i, lt) + rewriteTag(html.slice(lt, end), name, rewrite);
    i = end;
    if (name === 'script' || name === 'style' || name === 'textarea' || name === 'title') {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const stop = close < 0 ? html.length : close;
      out += html.slice(i, stop);
      i = stop;
    }
  }
  return out + html.slice(i);
}

/** The index just past a start tag's `>` (quotes respected), or the text's end. */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let j = from; j < html.length; j++) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      if (/[=\s]/.test(html[j - 1] ?? '') || html.slice(from, j).trimEnd().endsWith('=')) quote = c;
    } else if (c === '>') {
      return j + 1;
    }
  }
  return html.length;
}

function rewriteTag(tag: string, name: string, rewrite: (url: string) => string): string {
  const attrs = URL_ATTRS[name];
  if (!attrs) return tag;
  const head = `<${name}`.length;
  const body = tag.slice(head).replace(ATTR, (all, key: string, dq?: string, sq?: string, bare?: string) => {
    const raw = dq ?? sq ?? bare;
    if (raw === undefined || !attrs.includes(key.toLowerCase())) return all;
    const value = unescapeAttr(raw);
    const next = rewrite(value);
    return next === value ? all : `${key}="${escapeAttr(next)}"`;
  });
  return tag.slice(0, head) + body;
}
