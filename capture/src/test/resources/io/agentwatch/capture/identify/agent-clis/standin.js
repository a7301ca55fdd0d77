// A local stand-in for the AI vendors' APIs, for AgentClisOnLoopbackTest. Run inside a private
// network namespace where every name resolves to 127.0.0.1: it answers DNS for any name, serves
// TLS on 443 with a certificate for whatever SNI the client sends (signed by the test's CA) and
// plain HTTP on 80, and answers just enough of each API for one turn of an agent CLI to finish:
// Anthropic Messages, OpenAI Responses and Chat Completions, Gemini generateContent, each
// streamed when asked. Unknown paths get 404 (GET) or an empty JSON object (POST, so telemetry
// is taken as it would be), so nothing is blocked. Every DNS question, TLS connection and HTTP
// request is logged as one JSON line: what the test reads to list the hosts each CLI contacts.
//
// Usage: node standin.js CA_DIR LOG_FILE
'use strict';
const fs = require('fs');
const path = require('path');
const https = require('https');
const http = require('http');
const tls = require('tls');
const dgram = require('dgram');
const { execFileSync } = require('child_process');

const [caDir, logFile] = process.argv.slice(2);
const log = (entry) => fs.appendFileSync(logFile, JSON.stringify({ time: Date.now(), ...entry }) + '\n');

// ---- certificates: one leaf per server name, signed by the test's CA ----
const contexts = new Map();
function contextFor(name) {
  const safe = (name || 'localhost').toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  if (!contexts.has(safe)) {
    const base = path.join(caDir, 'leaf-' + safe);
    fs.writeFileSync(base + '.ext', `subjectAltName=DNS:${safe}\nextendedKeyUsage=serverAuth\n`);
    execFileSync('openssl', ['req', '-new', '-key', path.join(caDir, 'leaf-key.pem'), '-subj', '/CN=' + safe, '-out', base + '.csr']);
    execFileSync('openssl', ['x509', '-req', '-in', base + '.csr', '-CA', path.join(caDir, 'ca.pem'), '-CAkey', path.join(caDir, 'ca-key.pem'),
      '-CAcreateserial', '-days', '2', '-sha256', '-extfile', base + '.ext', '-out', base + '.pem'], { stdio: 'ignore' });
    contexts.set(safe, tls.createSecureContext({ key: fs.readFileSync(path.join(caDir, 'leaf-key.pem')), cert: fs.readFileSync(base + '.pem') }));
  }
  return contexts.get(safe);
}

// ---- the APIs ----
const TEXT = 'OK';
function sse(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [event, data] of events) {
    res.write((event ? `event: ${event}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}
function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function anthropicMessages(req, body, res) {
  const model = body.model || 'claude-standin';
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const message = { id: 'msg_standin', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage };
  if (!body.stream) {
    return json(res, 200, { ...message, content: [{ type: 'text', text: TEXT }], stop_reason: 'end_turn' });
  }
  sse(res, [
    ['message_start', { type: 'message_start', message }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: TEXT } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function openaiResponses(req, body, res) {
  const item = { type: 'message', id: 'msg_standin', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: TEXT, annotations: [] }] };
  const response = { id: 'resp_standin', object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model || 'gpt-standin', status: 'in_progress', output: [] };
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 };
  if (!body.stream) {
    return json(res, 200, { ...response, status: 'completed', output: [item], output_text: TEXT, usage });
  }
  let sequence = 0;
  const event = (type, fields) => [type, { type, sequence_number: sequence++, ...fields }];
  sse(res, [
    event('response.created', { response }),
    event('response.in_progress', { response }),
    event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    event('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    event('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: TEXT }),
    event('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text: TEXT }),
    event('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] }),
    event('response.output_item.done', { output_index: 0, item }),
    event('response.completed', { response: { ...response, status: 'completed', output: [item], usage } }),
  ]);
}

function openaiChatCompletions(req, body, res) {
  const base = { id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model || 'standin' };
  const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 };
  if (!body.stream) {
    return json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage });
  }
  sse(res, [
    [null, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: TEXT }, finish_reason: null }] }],
    [null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage }],
    [null, '[DONE]'],
  ]);
}

function geminiGenerate(req, body, res, streamed) {
  // A JSON-mode request (the CLI's routing and next-speaker checks) gets a JSON answer with the keys those checks read.
  const wantsJson = body.generationConfig && /json/.test(body.generationConfig.responseMimeType || '');
  const text = wantsJson ? JSON.stringify({ reasoning: 'stand-in', next_speaker: 'user', model_choice: 'flash', complexity_reasoning: 'stand-in', complexity_score: 1 }) : TEXT;
  const chunk = {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 },
    modelVersion: 'gemini-standin',
  };
  if (!streamed) return json(res, 200, chunk);
  if (/alt=sse/.test(req.url)) return sse(res, [[null, chunk]]);
  json(res, 200, [chunk]);
}

function route(req, body, res) {
  const url = req.url.split('?')[0];
  if (req.method === 'POST' && /\/v1\/messages\/count_tokens$/.test(url)) return json(res, 200, { input_tokens: 10 });
  if (req.method === 'POST' && /\/v1\/messages$/.test(url)) return anthropicMessages(req, body, res);
  if (req.method === 'POST' && /\/responses$/.test(url)) return openaiResponses(req, body, res);
  if (req.method === 'POST' && /\/chat\/completions$/.test(url)) return openaiChatCompletions(req, body, res);
  if (req.method === 'POST' && /:streamGenerateContent$/.test(url)) return geminiGenerate(req, body, res, true);
  if (req.method === 'POST' && /:generateContent$/.test(url)) return geminiGenerate(req, body, res, false);
  if (req.method === 'POST' && /:countTokens$/.test(url)) return json(res, 200, { totalTokens: 10 });
  if (req.method === 'POST') return json(res, 200, {});
  json(res, 404, { error: { message: 'not served by the stand-in' } });
}

function handler(scheme) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body = {};
      try { body = JSON.parse(raw.toString('utf8') || '{}'); } catch (notJson) { /* telemetry may be protobuf or gzip */ }
      const sni = req.socket.servername || null;
      res.on('finish', () => log({ kind: 'http', scheme, sni, host: req.headers.host || null, method: req.method, path: req.url,
        userAgent: req.headers['user-agent'] || null, requestBytes: raw.length, status: res.statusCode }));
      route(req, body, res);
    });
  };
}

const server = https.createServer({ SNICallback: (name, done) => done(null, contextFor(name)), ...contextOptions() }, handler('https'));
function contextOptions() {
  contextFor('localhost');
  return { key: fs.readFileSync(path.join(caDir, 'leaf-key.pem')), cert: fs.readFileSync(path.join(caDir, 'leaf-localhost.pem')) };
}
server.on('secureConnection', (socket) => log({ kind: 'tls', sni: socket.servername || null, alpn: socket.alpnProtocol || null }));
server.on('tlsClientError', (error, socket) => log({ kind: 'tls-error', sni: socket.servername || null, error: String(error.message) }));
server.on('upgrade', (req, socket) => { log({ kind: 'upgrade', host: req.headers.host, path: req.url }); socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'); });
server.listen(443, '127.0.0.1');
const plain = http.createServer(handler('http'));
plain.listen(80, '127.0.0.1');

// ---- DNS: every A question is answered 127.0.0.1, anything else with no answer ----
const dns = dgram.createSocket('udp4');
dns.on('message', (query, from) => {
  if (query.length < 12) return;
  let offset = 12;
  const labels = [];
  while (offset < query.length && query[offset] !== 0) {
    labels.push(query.toString('latin1', offset + 1, offset + 1 + query[offset]));
    offset += query[offset] + 1;
  }
  const questionEnd = offset + 5;
  if (questionEnd > query.length) return;
  const type = query.readUInt16BE(offset + 1);
  const name = labels.join('.');
  log({ kind: 'dns', name, type });
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2); // response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(type === 1 ? 1 : 0, 6);
  header.writeUInt32BE(0, 8);
  const question = query.subarray(12, questionEnd);
  const answer = type === 1 ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
  dns.send(Buffer.concat([header, question, answer]), from.port, from.address);
});
dns.bind(53, '127.0.0.1', () => log({ kind: 'ready' }));
