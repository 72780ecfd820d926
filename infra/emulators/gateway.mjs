// All Function Apps behind one base URL, as the end-to-end suite expects (ORDERLY_BASE_URL): each app runs under
// `func start` on its own port (local.settings.sample.json "Host.LocalHttpPort"), and this forwards by route prefix.
//   node infra/emulators/gateway.mjs            (listens on ORDERLY_GATEWAY_PORT, default 7070)
// In Azure each app has its own host name: the suite takes them all in ORDERLY_APP_URLS (azd's output) and routes by the same table.
import http from 'node:http';
import { readFileSync } from 'node:fs';

// One table for the gateway and the end-to-end suite (app-routes.json): prefix → app → its `func start` port.
const table = JSON.parse(readFileSync(new URL('./app-routes.json', import.meta.url), 'utf8'));
const routes = table.routes.map(({ prefix, app }) => [prefix, table.ports[app]]);
const port = Number(process.env.ORDERLY_GATEWAY_PORT ?? 7070);

http.createServer((req, res) => {
  const target = routes.find(([prefix]) => req.url.startsWith(prefix));
  if (!target) {
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No app serves ${req.url}` }));
    return;
  }
  const upstream = http.request({ host: '127.0.0.1', port: target[1], path: req.url, method: req.method, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: `app on port ${target[1]}: ${err.message}` }));
  });
  req.pipe(upstream);
}).listen(port, () => console.log(`gateway on http://localhost:${port}`));
