/**
 * @module Watch: a chunked stream of one JSON event per line, as kube-apiserver writes it.
 * Honours resourceVersion (410 Expired when too old), timeoutSeconds (the server ends the
 * stream), allowWatchBookmarks (periodic BOOKMARK events carrying the newest revision), label
 * and field selectors, and the Table representation that `kubectl get -w` asks for.
 */
import { StatusError, newBadRequest, newResourceExpired } from '../../api/errors.js';
import { isStoreError } from '../../storage/errors.js';
import { groupVersion } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { selectionFromQuery } from '../filters.js';
import type { HandlerResponse, StreamSink } from '../http-types.js';
import { negotiate } from '../negotiate.js';
import { isFreshlyDecoded, type RegistryWatchEvent } from '../registry/rest-storage.js';
import { validateWatchOptions } from '../registry/list-read.js';
import type { RegistryWatch } from '../registry/rest-types.js';
import { loadTableRenderer, toPartialMetadata } from '../representations.js';
import { headersFor, param, queryBool, type Scope } from './scope.js';
import { TurnMemo } from './turn-memo.js';

/** The longest delay a Node timer takes (2^31 - 1 ms). */
const MAX_TIMER_SECONDS = (2 ** 31 - 1) / 1000;

/** Upstream's --min-request-timeout is 1800 s; a watch without timeoutSeconds lasts between it and twice it. */
const DEFAULT_TIMEOUT_SECONDS = 1800;
/** Upstream sends a bookmark about once a minute; sooner keeps informers' resourceVersion fresh. */
const BOOKMARK_INTERVAL_MS = 10_000;

/**
 * The event that ends a watch the store cancelled because its history was compacted away, as
 * the etcd watcher's ErrCompacted reaches clients (interpretWatchError): the informer relists.
 */
const COMPACTED_EVENT = `${JSON.stringify({ type: 'ERROR', object: newResourceExpired('The resourceVersion for the provided watch is too old.').status })}\n`;

/**
 * Event lines by (shared, read-only) event object and encoding, for the turn that fans the
 * change out: a change that reaches many watches is encoded once per encoding, not once per watch.
 */
const encodedEvents = new TurnMemo<KubeObject, Map<string, string>>();

/**
 * Selector results by (shared, read-only) event object and selector text, for the turn that fans
 * the change out: the registry hands every watch of a change the same decoded object, so a
 * change that reaches many watches with the same selectors is matched once per distinct
 * selector, not once per watch.
 */
const matchedBy = new TurnMemo<KubeObject, Map<string, boolean>>();

/** `filter`, its answer for an object kept under `key` (the selectors' text) for other watches. */
function sharedFilter(key: string, filter: (o: KubeObject) => boolean): (o: KubeObject) => boolean {
  return (o) => {
    const results = matchedBy.get(o) ?? matchedBy.set(o, new Map());
    let matched = results.get(key);
    if (matched === undefined) results.set(key, (matched = filter(o)));
    return matched;
  };
}

export async function watchObjects(scope: Scope): Promise<HandlerResponse> {
  const accepted = negotiate(scope.http.headers.accept, { list: true });
  const toTableResponse = accepted.representation === 'table' ? await loadTableRenderer() : undefined;
  const opened = Date.now();
  const timeoutText = param(scope, 'timeoutSeconds');
  const asked = timeoutText === undefined ? 0 : Number(timeoutText);
  if (!Number.isFinite(asked) || asked < 0) throw newBadRequest(`invalid timeoutSeconds: ${timeoutText}`);
  // 0 is "the server's default", as upstream (timeout == 0 takes --min-request-timeout x [1, 2));
  // beyond what a timer holds (~24.8 days), a timer's longest (Node fires a longer one at once).
  const timeout = Math.min(asked === 0 ? DEFAULT_TIMEOUT_SECONDS * (1 + Math.random()) : asked, MAX_TIMER_SECONDS);
  validateWatchOptions({
    resourceVersionMatch: param(scope, 'resourceVersionMatch'),
    continue: param(scope, 'continue'),
    sendInitialEvents: scope.http.query.has('sendInitialEvents') || undefined,
  });
  const bookmarks = queryBool(scope.http.query, 'allowWatchBookmarks');
  const fieldName = scope.request.name;
  const selection = selectionFromQuery(scope.info, scope.http.query);
  const baseFilter = selection.filter;
  // `GET .../services/nginx?watch=true` watches one object.
  const ownFilter = fieldName ? (o: KubeObject) => o.metadata.name === fieldName && baseFilter(o) : baseFilter;
  // Without any selector the registry's match-all filter stays as it is (the registry skips it).
  const labelSelector = scope.http.query.get('labelSelector') ?? '';
  const fieldSelector = scope.http.query.get('fieldSelector') ?? '';
  const filter = ownFilter === baseFilter && !labelSelector && !fieldSelector
    ? ownFilter
    : sharedFilter(`${groupVersion(scope.info)}/${scope.info.resource}\0${fieldName}\0${labelSelector}\0${fieldSelector}`, ownFilter);
  // The one name that can pass, if any (a collection watch has fieldName ''). With both a URL
  // name and a metadata.name selector, the filter passes nothing unless they agree.
  const name = fieldName || selection.name;

  const render = (ev: RegistryWatchEvent | { type: 'BOOKMARK'; object: KubeObject }): string => {
    let object: unknown = ev.object;
    if (ev.type !== 'BOOKMARK' && 'stored' in ev && ev.stored && accepted.representation === 'object') {
      // The object's JSON straight from its stored text: not encoded again.
      const text = scope.storage.objectText(ev.stored);
      if (text !== undefined) return `{"type":"${ev.type}","object":${text}}\n`;
    }
    if (ev.type !== 'BOOKMARK') {
      // Encoded from the object: with its managedFields (the registry's shared object lacks them).
      const whole = scope.storage.wholeObject(ev);
      // A row's ages as of the event (the printers' time.Since), not of the watch's start:
      // `kubectl get pods -w` printed every later row with AGE 0s and "(<invalid> ago)".
      if (toTableResponse) object = toTableResponse({ ...scope, now: scope.now + (Date.now() - opened) }, [whole], { resourceVersion: whole.metadata.resourceVersion });
      else object = accepted.representation === 'metadata' ? toPartialMetadata(whole) : whole;
    }
    return `${JSON.stringify({ type: ev.type, object })}\n`;
  };
  // Tables depend on the request (ages, includeObject), so only the other encodings are shared.
  const encode = (ev: RegistryWatchEvent): string => {
    if (accepted.representation === 'table') return render(ev);
    const lines = encodedEvents.get(ev.object) ?? encodedEvents.set(ev.object, new Map());
    const key = `${ev.type} ${accepted.contentType}`;
    let line = lines.get(key);
    if (line === undefined) lines.set(key, (line = render(ev)));
    return line;
  };

  // Start the registry watch now, so that a 410 is an HTTP error rather than a stream event.
  // Until the stream starts, events wait as they are (a line for a bookmark).
  const pending: (RegistryWatchEvent | string)[] = [];
  let sink: StreamSink | undefined;
  // An in-process sink takes plain JSON objects as values (http-types.ts).
  let asValues = false;
  let lastRevision = param(scope, 'resourceVersion') ?? '0';
  let closed = false;
  let handle: RegistryWatch | undefined;
  /** The stream's timeout and bookmark timers, once it has started. */
  const timers: NodeJS.Timeout[] = [];
  /** Ends the watch: nothing is written after it, and its timers go (also when the store ended it: the in-process sink never calls stop). */
  const stop = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers.splice(0)) clearTimeout(t);
    handle?.stop();
  };
  const deliver = (out: StreamSink, item: RegistryWatchEvent | string): void => {
    if (typeof item === 'string') out.write(item);
    else if (asValues && isFreshlyDecoded(item.object)) out.event!({ type: item.type, object: item.object });
    else out.write(encode(item));
  };
  const emit = (item: RegistryWatchEvent | string): void => {
    if (closed) return;
    if (sink) deliver(sink, item);
    else pending.push(item);
  };
  let endEarly = false;
  try {
    handle = await scope.storage.watch(scope.request.namespace, { filter, name, resourceVersion: param(scope, 'resourceVersion') }, {
      onEvent: (ev) => {
        lastRevision = ev.object.metadata.resourceVersion ?? lastRevision;
        emit(ev);
      },
      onClose: (err) => {
        if (isStoreError(err, 'Compacted')) emit(COMPACTED_EVENT);
        stop();
        if (sink) sink.end();
        else endEarly = true;
      },
    });
  } catch (err) {
    // A resourceVersion older than the history: upstream's cacher answers with a watch whose one
    // event is the 410 ERROR ("to match the uncached watch implementation", newErrWatcher), not
    // with an HTTP error; informers relist on either.
    if (!(err instanceof StatusError) || err.status.reason !== 'Expired') throw err;
    pending.push(`${JSON.stringify({ type: 'ERROR', object: err.status })}\n`);
    endEarly = true;
    handle = { stop() {}, progress: () => 0 };
  }

  return {
    kind: 'stream',
    status: 200,
    contentType: accepted.contentType,
    headers: { 'Transfer-Encoding': 'chunked', ...headersFor(scope) },
    start(out) {
      sink = out;
      asValues = out.event !== undefined && accepted.representation === 'object' && !accepted.yaml;
      for (const item of pending.splice(0)) deliver(out, item);
      if (endEarly) {
        out.end();
        return stop;
      }
      timers.push(setTimeout(() => {
        stop();
        out.end();
      }, timeout * 1000));
      if (bookmarks) {
        const interval = setInterval(() => {
          // The store's progress, not only the last event sent: a watch whose selector or
          // namespace passes nothing still moves on, so its informer's next watch starts
          // recent instead of falling out of the history (upstream's cacher bookmarks at its
          // current resourceVersion). None while it is behind an event already sent or behind
          // a resourceVersion the store has not reached yet (the cacher sends none until then).
          const revision = handle?.progress() ?? 0;
          if (revision === 0 || revision < Number(lastRevision)) return;
          const bookmark = { kind: scope.info.kind, apiVersion: groupVersion(scope.info), metadata: { resourceVersion: String(revision) } };
          emit(render({ type: 'BOOKMARK', object: bookmark }));
        }, BOOKMARK_INTERVAL_MS);
        interval.unref();
        timers.push(interval);
      }
      timers[0].unref();
      return stop;
    },
  };
}
