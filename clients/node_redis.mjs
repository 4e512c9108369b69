// The clients scenario with node-redis 4, 5 or 6, in RESP2 or (5 and 6) RESP3.
// Usage: node clients/node_redis.mjs redis4|redis5|redis6 PORT RESP
import { out, attempt, sleep, waitUntil, byName } from './common.mjs';

const [pkg, portArg, respArg] = process.argv.slice(2);
const { createClient } = await import(pkg);
const port = Number(portArg);
const RESP = Number(respArg);
const v4 = pkg === 'redis4';
const opened = [];

// node-redis 5 and 6 send RESP3 only when asked; 4 knows only RESP2.
async function client(options = {}, connect = true) {
  const { socket = {}, ...rest } = options;
  const c = createClient({ ...rest, socket: { host: '127.0.0.1', port, ...socket }, ...(v4 ? {} : { RESP }) });
  c.on('error', () => {}); // reconnects are observed through calls, not events
  opened.push(c);
  if (connect) await c.connect();
  return c;
}

// Connects once and reports a refusal instead of retrying.
async function oneShot(options = {}) {
  const c = await client({ ...options, socket: { reconnectStrategy: false } }, false);
  const e = await attempt(c.connect());
  return e instanceof Error || typeof e === 'string' ? { error: e } : c;
}

const flat = async (iter) => {
  const items = [];
  for await (const x of iter) Array.isArray(x) ? items.push(...x) : items.push(x);
  return items;
};

async function strings(r) {
  const s = 'strings';
  out(s, 'set', await r.set('s:a', 'hello'));
  out(s, 'get', await r.get('s:a'));
  out(s, 'get missing', await r.get('s:missing'));
  out(s, 'binary', [await r.set('s:bin', 'a\0b\r\n'), await r.get('s:bin')]);
  out(s, 'incr', [await r.incr('s:n'), await r.incrBy('s:n', 41), await r.decr('s:n')]);
  out(s, 'incrbyfloat', await r.incrByFloat('s:f', 2.5));
  out(s, 'append', [await r.append('s:a', ' world'), await r.getRange('s:a', 0, 4)]);
  out(s, 'mset mget', [await r.mSet({ 's:x': '1', 's:y': '2' }), await r.mGet(['s:x', 's:y', 's:z'])]);
  out(s, 'setnx', [await r.setNX('s:a', 'no'), await r.set('s:a', 'v', { NX: true })]);
  out(s, 'set get', await r.set('s:a', 'new', { GET: true }));
  out(s, 'not an integer', await attempt(r.incr('s:a')));
  await r.lPush('s:list', 'e');
  out(s, 'wrong type', await attempt(r.get('s:list')));
  out(s, 'unknown command', await attempt(r.sendCommand(['NOSUCHCOMMAND', 'x'])));
}

async function types(r) {
  const s = 'types';
  await r.hSet('ty:h', { a: '1', b: '2' });
  await r.sAdd('ty:s', ['x', 'y']);
  await r.zAdd('ty:z', [{ score: 1.5, value: 'm' }, { score: 2, value: 'n' }]);
  const h = await r.hGetAll('ty:h');
  out(s, 'hgetall', Object.keys(h).sort().map((k) => [k, h[k]]));
  out(s, 'smembers', (await r.sMembers('ty:s')).sort(byName));
  out(s, 'zrange withscores', await r.zRangeWithScores('ty:z', 0, -1));
  out(s, 'zscore', [await r.zScore('ty:z', 'm'), await r.zScore('ty:z', 'none')]);
  out(s, 'hgetall missing', await r.hGetAll('ty:none'));
  out(s, 'raw hgetall', await r.sendCommand(['HGETALL', 'ty:h']));
  out(s, 'raw zscore', await r.sendCommand(['ZSCORE', 'ty:z', 'm']));
  out(s, 'raw exists', await r.sendCommand(['SISMEMBER', 'ty:s', 'x']));
}

async function expiry(r) {
  const s = 'expiry';
  out(s, 'set ex', [await r.set('e:k', 'v', { EX: 100 }), await r.ttl('e:k')]);
  const pttl = await r.pTTL('e:k');
  out(s, 'pttl range', pttl > 99000 && pttl <= 100000);
  out(s, 'expire nx', [await r.expire('e:k', 5, 'NX'), await r.expire('e:k', 200, 'GT'), await r.ttl('e:k')]);
  out(s, 'persist', [await r.persist('e:k'), await r.ttl('e:k'), await r.ttl('e:missing')]);
  out(s, 'pexpire', await r.pExpire('e:k', 50));
  await sleep(150);
  out(s, 'expired', [await r.exists('e:k'), await r.get('e:k')]);
  out(s, 'getex', [await r.set('e:g', 'v'), await r.sendCommand(['GETEX', 'e:g', 'PX', '100000']), await r.ttl('e:g')]);
}

async function scans(r) {
  const s = 'scan';
  const kv = {};
  for (let i = 0; i < 60; i++) kv[`scan:${i}`] = String(i);
  await r.mSet(kv);
  for (let i = 0; i < 40; i++) {
    await r.hSet('scan-h', `f${i}`, String(i));
    await r.sAdd('scan-s', `m${i}`);
    await r.zAdd('scan-z', { score: i, value: `z${i}` });
  }
  const keys = (await flat(r.scanIterator({ MATCH: 'scan:*', COUNT: 7 }))).sort(byName);
  out(s, 'scanIterator', [keys.length, keys.slice(0, 3)]);
  out(s, 'scanIterator type', (await flat(r.scanIterator({ TYPE: 'zset' }))).sort(byName));
  const h = (await flat(r.hScanIterator('scan-h', { MATCH: 'f1*' }))).map((e) => [e.field, e.value]);
  out(s, 'hScanIterator', h.sort(byName));
  out(s, 'sScanIterator', (await flat(r.sScanIterator('scan-s', { COUNT: 5 }))).sort(byName).slice(0, 5));
  const z = (await flat(r.zScanIterator('scan-z'))).sort((a, b) => a.score - b.score);
  out(s, 'zScanIterator', z.slice(-3));
}

async function pipelines(r) {
  const s = 'pipeline';
  const res = await attempt(r.multi().set('p:a', '1').incr('p:a').lPush('p:a', 'x').get('p:a')
    .rPush('p:l', ['1', '2', '3']).lRange('p:l', 0, -1).execAsPipeline());
  out(s, 'results', res);
  const p = r.multi();
  for (let i = 0; i < 1000; i++) p.incr('p:count');
  const all = await p.execAsPipeline();
  out(s, '1000 incr', all[all.length - 1]);
  // node-redis writes the commands issued in one tick together.
  out(s, 'same tick', await Promise.all([r.set('p:b', 'x'), r.append('p:b', 'y'), r.get('p:b')]));
}

async function transactions(r) {
  const s = 'multi';
  out(s, 'exec', await r.multi().set('t:a', '1').incr('t:a').get('t:a').exec());
  out(s, 'exec with error', await attempt(r.multi().set('t:a', '1').lPush('t:a', 'x').incr('t:a').exec()));
  out(s, 'queued arity error', await attempt(r.multi().set('t:b', '1').addCommand(['SET', 't:b']).exec()));
  const other = await client();
  const w = await client();
  out(s, 'watch', await w.watch('t:w'));
  await other.set('t:w', 'changed');
  out(s, 'watch conflict', await attempt(w.multi().set('t:w', 'mine').exec()));
  out(s, 'after conflict', await r.get('t:w'));
}

async function pubsub(r) {
  const s = 'pubsub';
  const sub = await client();
  const got = [];
  out(s, 'subscribe', await sub.subscribe(['ch1', 'ch2'], (msg, ch) => got.push(['message', ch, msg])));
  out(s, 'psubscribe', await sub.pSubscribe('ch*', (msg, ch) => got.push(['pmessage', ch, msg])));
  out(s, 'subscribed command', await attempt(() => sub.get('x')));
  out(s, 'publish', await r.publish('ch1', 'hello'));
  await waitUntil(() => got.length >= 2);
  out(s, 'messages', got.splice(0).sort(byName));
  out(s, 'numsub', [await r.pubSubNumSub(['ch1', 'ch2', 'none']), await r.pubSubNumPat()]);
  out(s, 'unsubscribe', await sub.unsubscribe('ch1'));
  out(s, 'publish after', await r.publish('ch1', 'again'));
  await waitUntil(() => got.length >= 1);
  out(s, 'pattern only', got.splice(0));
  out(s, 'all gone', [await attempt(sub.pUnsubscribe('ch*')), await attempt(sub.unsubscribe('ch2'))]);
  out(s, 'usable again', await attempt(() => sub.get('x')));
}

async function auth(r) {
  const s = 'auth';
  const get = async (opts) => {
    const c = await oneShot(opts);
    return c.error ?? attempt(c.get('x'));
  };
  out(s, 'config set', await r.configSet('requirepass', 'sekret'));
  out(s, 'no password', await get());
  out(s, 'wrong password', await get({ password: 'nope' }));
  out(s, 'password', await get({ password: 'sekret' }));
  out(s, 'username', await get({ username: 'default', password: 'sekret' }));
  out(s, 'bad user', await get({ username: 'nobody', password: 'sekret' }));
  out(s, 'old connection', await r.get('x'));
  out(s, 'clear', await r.configSet('requirepass', ''));
  out(s, 'open again', await get());
}

async function killRecovery(r) {
  const s = 'client kill';
  const victim = await client();
  await victim.set('k:a', '1');
  out(s, 'kill', await r.sendCommand(['CLIENT', 'KILL', 'ID', String(await victim.clientId())]));
  // Node may run the killer's continuation before it reads the victim's end
  // of file from the same poll, with either server: give it that read first.
  await sleep(100);
  out(s, 'first call', await attempt(() => victim.get('k:a')));
  out(s, 'second call', await attempt(() => victim.get('k:a')));
}

async function restart() {
  const s = 'restart';
  const survivor = await client();
  await survivor.set('r:a', '1');
  const admin = await oneShot();
  out(s, 'shutdown', await attempt(() => admin.sendCommand(['SHUTDOWN', 'NOSAVE'])));
  out(s, 'back', await waitUntil(async () => (await attempt(() => survivor.ping())) === 'PONG', 5000));
  out(s, 'first call', await attempt(() => survivor.get('r:a')));
  out(s, 'dbsize', await attempt(() => survivor.dbSize()));
}

// node-redis 5 and 6 keep GET replies on the client while the server
// tracks the key, and drop them on its invalidation push (RESP3 only).
async function caching() {
  const s = 'client-side cache';
  const writer = await client();
  const cached = await client({ clientSideCache: { ttl: 0, maxEntries: 0 } });
  const cache = cached.clientSideCache;
  await writer.set('c:k', 'v1');
  out(s, 'reads', [await cached.get('c:k'), await cached.get('c:k'), await cached.get('c:none')]);
  out(s, 'stats', [cache.stats().hitCount, cache.stats().missCount, cache.size()]);
  await writer.set('c:k', 'v2');
  out(s, 'invalidated', await waitUntil(() => cache.size() === 1));
  out(s, 'read after write', await cached.get('c:k'));
  await writer.flushAll();
  out(s, 'flush clears', await waitUntil(() => cache.size() === 0));
  out(s, 'read after flush', await cached.get('c:k'));
}

const r = await client();
await r.flushAll();
const steps = [strings, types, expiry, scans, pipelines, transactions, pubsub, auth, killRecovery, restart];
if (RESP === 3) steps.push(caching);
for (const step of steps) await step(r);
console.log('done');
process.exit(0);
