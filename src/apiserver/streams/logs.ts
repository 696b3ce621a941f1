/**
 * @module `GET pods/{name}/log`: checks the container as kube-apiserver and the kubelet do, then
 * streams the kubelet's `/containerLogs` answer through (`follow=true` keeps it open). A kubelet
 * refusal becomes a Status the way apiserver's GenericHttpResponseChecker builds it: 400 ->
 * BadRequest with the kubelet's text, 404 -> NotFound, others -> that code.
 */
import { newBadRequest, newInvalid, StatusError, type FieldError } from '../../api/errors.js';
import { forbidden, invalid } from '../../api/validation/field-errors.js';
import type { HandlerResponse } from '../http-types.js';
import { containerLogsPath, requestLogs } from './kubelet-client.js';
import { logUnavailableReason, resolveContainer, type PodView } from './pod-view.js';

/** The query parameters of PodLogOptions that travel to the kubelet. */
const FORWARDED = ['follow', 'previous', 'timestamps', 'tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime'];
/** Integer options with ValidatePodLogOptions' lower bound and words. */
const INTEGER = new Map([
  ['tailLines', { min: 0, words: 'must be greater than or equal to 0' }],
  ['limitBytes', { min: 1, words: 'must be greater than 0' }],
  ['sinceSeconds', { min: 1, words: 'must be greater than 0' }],
]);

/**
 * The kubelet query for a logs request of pod `podName`. A value that is not an integer is a
 * 400 (the query does not decode); one out of range is ValidatePodLogOptions' 422 Invalid
 * (`PodLogOptions "p" is invalid: limitBytes: Invalid value: 0: must be greater than 0`).
 */
export function kubeletLogQuery(query: URLSearchParams, podName: string): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of FORWARDED) {
    const value = query.get(name);
    if (value === null || value === '') continue;
    if (INTEGER.has(name) && !/^[-+]?\d+$/.test(value)) throw newBadRequest(`${name}: Invalid value: "${value}": must be an integer`);
    out.set(name, value);
  }
  const errs: FieldError[] = [];
  for (const [name, { min, words }] of INTEGER) {
    const value = out.get(name);
    // sinceSeconds with sinceTime is only the Forbidden below (upstream's switch).
    if (value === null || (name === 'sinceSeconds' && out.has('sinceTime'))) continue;
    if (Number(value) < min) errs.push(invalid(name, Number(value), words));
  }
  if (out.has('sinceSeconds') && out.has('sinceTime')) errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  if (errs.length) throw newInvalid({ group: '', kind: 'PodLogOptions' }, podName, errs);
  return out;
}

function isTrue(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

function refusal(status: number, answer: { text: string; podName: string }): StatusError {
  const message = answer.text.trim();
  const reason = status === 400 ? 'BadRequest' : status === 404 ? 'NotFound' : status === 500 ? 'InternalError' : undefined;
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: message || `the server responded with the status code ${status} but did not return more information`,
    ...(reason ? { reason } : {}),
    ...(status === 404 ? { details: { name: answer.podName, kind: 'pods/log' } } : {}),
    code: status,
  });
}

/** Streams a container's log from the kubelet of the pod's node (`socketPath` finds its kubelet API). */
export async function podLogs(pod: PodView, options: { query: URLSearchParams; socketPath: (nodeName: string) => string }): Promise<HandlerResponse> {
  const { query } = options;
  const container = resolveContainer(pod, query.get('container') ?? undefined);
  const kubeletQuery = kubeletLogQuery(query, pod.metadata.name);
  const node = pod.spec?.nodeName;
  // An unscheduled pod has no log anywhere yet: kube-apiserver answers with no content.
  if (!node) return { kind: 'body', status: 204, contentType: 'text/plain', body: '' };
  const unavailable = logUnavailableReason(pod, { container, previous: isTrue(query.get('previous')) });
  if (unavailable) throw newBadRequest(unavailable);
  const target = { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, container };
  let answer: Awaited<ReturnType<typeof requestLogs>>;
  try {
    answer = await requestLogs(options.socketPath(node), containerLogsPath(target, kubeletQuery));
  } catch (err) {
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error dialing backend: ${err instanceof Error ? err.message : String(err)}`, reason: 'InternalError', code: 500 });
  }
  const { response, abort } = answer;
  const status = response.statusCode ?? 500;
  if (status < 200 || status > 206) {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    throw refusal(status, { text: Buffer.concat(chunks).toString('utf8'), podName: pod.metadata.name });
  }
  return {
    kind: 'stream',
    status: 200,
    contentType: 'text/plain',
    start(sink) {
      response.on('data', (chunk: Buffer) => sink.write(chunk));
      response.on('end', () => sink.end());
      response.on('error', () => sink.end());
      response.on('aborted', () => sink.end());
      return abort;
    },
  };
}
