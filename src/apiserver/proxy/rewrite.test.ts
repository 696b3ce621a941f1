/** @module Tests for header and link rewriting, with the cases of upstream's transport_test.go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestHeaders, responseHeaders, rewriteHTML, rewriteURL } from './rewrite.js';

// The apiserver's Transport has no scheme or host (a server request's URL has neither).
const ctx = { backendHost: 'mynode.com', requestHost: '127.0.0.1:6443', prepend: '/proxy/node/node1:10250' };
const rw = (url: string): string => rewriteURL(url, ctx);

test('rewriteURL: same-host absolute paths get the prefix; others stay', () => {
  assert.equal(rw('/google.log'), '/proxy/node/node1:10250/google.log');
  assert.equal(rw('/google.log/'), '/proxy/node/node1:10250/google.log/');
  assert.equal(rw('kubelet.log'), 'kubelet.log');
  assert.equal(rw('http://google.com/kubernetes.js'), 'http://google.com/kubernetes.js');
  assert.equal(rw('http://mynode.com/kubernetes.js'), '/proxy/node/node1:10250/kubernetes.js');
  assert.equal(rw('/redirected/target/'), '/proxy/node/node1:10250/redirected/target/');
  assert.equal(rw('http://mynode.com/redirected/target/'), '/proxy/node/node1:10250/redirected/target/');
  assert.equal(rw('http://example.com/redirected/target/'), 'http://example.com/redirected/target/');
  // Already under the prefix: only scheme and host go.
  assert.equal(rw('http://mynode.com/proxy/node/node1:10250/google.log'), '/proxy/node/node1:10250/google.log');
  // The client's own Host keeps scheme and host (kubectl proxy's localhost:8001 links).
  assert.equal(rw('https://127.0.0.1:6443/x?y=1#z'), 'https://127.0.0.1:6443/proxy/node/node1:10250/x?y=1#z');
  assert.equal(rw('/a/../b?q=1'), '/proxy/node/node1:10250/b?q=1');
  assert.equal(rw('mailto:someone@example.com'), 'mailto:someone@example.com');
  assert.equal(rw('//mynode.com/x'), '/proxy/node/node1:10250/x');
});

test('rewriteHTML: URL attributes of the known tags, nothing else', () => {
  const rewrite = (html: string): string => rewriteHTML(html, rw);
  assert.equal(
    rewrite('<pre><a href="kubelet.log">kubelet.log</a><a href="/google.log">google.log</a></pre>'),
    '<pre><a href="kubelet.log">kubelet.log</a><a href="/proxy/node/node1:10250/google.log">google.log</a></pre>',
  );
  assert.equal(
    rewrite('<pre><img src="kubernetes.jpg"/><img src="/kubernetes_abs.jpg"/></pre>'),
    '<pre><img src="kubernetes.jpg"/><img src="/proxy/node/node1:10250/kubernetes_abs.jpg"/></pre>',
  );
  assert.equal(rewrite('<script src="http://google.com/kubernetes.js"/>'), '<script src="http://google.com/kubernetes.js"/>');
  assert.equal(rewrite('<script src="http://mynode.com/kubernetes.js"/>'), '<script src="/proxy/node/node1:10250/kubernetes.js"/>');
  assert.equal(rewrite("<FORM Action='/submit?a=1&amp;b=2' method=post>"), '<FORM Action="/proxy/node/node1:10250/submit?a=1&amp;b=2" method=post>');
  assert.equal(rewrite('<link rel=stylesheet href=/s.css>'), '<link rel=stylesheet href="/proxy/node/node1:10250/s.css">');
  // Not URL attributes, comments, script bodies: as they were.
  assert.equal(rewrite('<div data-href="/x" title="a > b"><!-- <a href="/c"> --></div>'), '<div data-href="/x" title="a > b"><!-- <a href="/c"> --></div>');
  assert.equal(rewrite('<script>var s = "<a href=\'/x\'>";</script><a href="/y">'), '<script>var s = "<a href=\'/x\'>";</script><a href="/proxy/node/node1:10250/y">');
  assert.equal(rewrite('1 < 2 <a title="x>y" href="/z">'), '1 < 2 <a title="x>y" href="/proxy/node/node1:10250/z">');
});

test('request headers: hop-by-hop and credentials dropped, X-Forwarded-* added', () => {
  const raw = ['Host', '127.0.0.1:6443', 'Authorization', 'Bearer secret', 'Connection', 'keep-alive, X-Private', 'X-Private', '1', 'Keep-Alive', 'timeout=5', 'Accept', '*/*', 'X-Forwarded-For', '10.0.0.9', 'Transfer-Encoding', 'chunked'];
  assert.deepEqual(requestHeaders(raw, { clientIP: '127.0.0.1', forwardedUri: '/api/v1/x/proxy/' }), [
    'Host', '127.0.0.1:6443', 'Accept', '*/*', 'X-Forwarded-For', '10.0.0.9, 127.0.0.1', 'X-Forwarded-Uri', '/api/v1/x/proxy/',
  ]);
  const upgrade = ['Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Authorization', 'Bearer secret', 'Sec-WebSocket-Key', 'k'];
  assert.deepEqual(requestHeaders(upgrade, { clientIP: '127.0.0.1', upgrade: true }), [
    'Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k', 'X-Forwarded-For', '127.0.0.1',
  ]);
  assert.deepEqual(requestHeaders(['Accept', '*/*'], {}), ['Accept', '*/*']);
});

test('response headers: hop-by-hop and CORS headers dropped', () => {
  const raw = ['Content-Type', 'text/plain', 'Connection', 'close', 'Access-Control-Allow-Origin', '*', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Access-Control-Expose-Headers', 'X'];
  assert.deepEqual(responseHeaders(raw), ['Cache-Control', 'no-cache, private', 'Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Access-Control-Expose-Headers', 'X']);
});
