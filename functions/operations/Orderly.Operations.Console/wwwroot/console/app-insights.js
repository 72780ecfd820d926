// A trace id's link into Application Insights. The portal's transaction view opens only by a telemetry item's id, which the
// console does not have; a Logs query opens by the operation id alone (Application Insights' operation id is the W3C trace id).
// So the link is a shared Logs query, in the form the portal's own "Share → Copy link to query" writes: the Logs blade scoped to
// the Application Insights resource, the query gzip-compressed, base64-encoded and URL-escaped twice (docs/azure-shell.md names
// the pages the form comes from). The query is compressed here, in the browser: no server round trip, no query API, no role.

const LOGS_BLADE = "https://portal.azure.com/#blade/Microsoft_Azure_Monitoring_Logs/LogsBlade";
const TRACE_ID = /^[0-9a-f]{32}$/;
const HOUR = 3_600_000;

/** True for a W3C trace id (32 lowercase hex digits): only such an id goes into a query. */
export function isTraceId(traceId) {
  return TRACE_ID.test(traceId || "");
}

/**
 * Every request, dependency, trace and exception of one operation, oldest first. Around <paramref>at</paramref> (the attempt's
 * start) from an hour before to a day after: a time filter in the query replaces the portal's time picker (24 hours back from
 * now), so an older checkout still shows, and the search reads a day of data, not the whole retention.
 */
export function operationQuery(traceId, at) {
  const when = Date.parse(at ?? "");
  const between = Number.isFinite(when)
    ? [`| where timestamp between (datetime(${new Date(when - HOUR).toISOString()}) .. datetime(${new Date(when + 24 * HOUR).toISOString()}))`]
    : [];
  return ["union requests, dependencies, traces, exceptions", ...between, `| where operation_Id == "${traceId}"`, "| order by timestamp asc"].join("\n");
}

/** The portal link that runs {@link operationQuery} over the Application Insights resource <paramref>resourceId</paramref>. */
export async function logsLink(resourceId, traceId, at) {
  if (!isTraceId(traceId)) throw new Error(`'${traceId}' is not a trace id`);
  const compressed = await gzipBase64(operationQuery(traceId, at));
  return `${LOGS_BLADE}/resourceId/${encodeURIComponent(resourceId)}/source/LogsBlade.AnalyticsShareLinkToQuery`
    + `/q/${encodeURIComponent(encodeURIComponent(compressed))}`;
}

async function gzipBase64(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
