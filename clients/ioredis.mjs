// The clients scenario with ioredis: 5 speaks RESP2 only, 6 both (and
// RESP3 unless told otherwise).
// Usage: node clients/ioredis.mjs ioredis5|ioredis6 PORT RESP
import { out, attempt, sleep, waitUntil, byName } from './common.mjs';

const [pkg, portArg, respArg] = process.argv.slice(2);
const RESP = Number(respArg);
const { default: Redis } = await import(pkg);
const port = Number(portArg);
const opened = [];

function client(options = {}) {
  const c = new Redis({ host: '127.0.0.1', port, ...(pkg === 'ioredis5' ? {} : { protocol: RESP }), ...options });
  c.on('error', () => {}); // reconnects are observed through calls, not events
  opened.push(c);
  return c;
}

// A client that reports a failed connection instead of retrying forever.
const oneShot = (options) => client({ retryStrategy: () => null, maxRetriesPerRequest: 0, ...options });

async function strings(r) {
  const s = 'strings';
  out(s, 'set', await r.set('s:a', 'hello'));
  out(s, 'get', await r.get('s:a'));
  out(s, 'get missing', await r.get('s:missing'));
  out(s, 'binary', [await r.set('s:bin', Buffer.from([0, 255, 13, 10])), await r.getBuffer('s:bin')]);
  out(s, 'incr', [await r.incr('s:n'), await r.incrby('s:n', 41), await r.decr('s:n')]);
  out(s, 'incrbyfloat', await r.incrbyfloat('s:f', 2.5));
  out(s, 'append', [await r.append('s:a', ' world'), await r.getrange('s:a', 0, 4)]);
  out(s, 'mset mget', [await r.mset({ 's:x': 1, 's:y': 2 }), await r.mget('s:x', 's:y', 's:z')]);
  out(s, 'setnx', [await r.setnx('s:a', 'no'), await r.set('s:a', 'v', 'NX')]);
  out(s, 'set get', await r.set('s:a', 'new', 'GET'));
  out(s, 'not an integer', await attempt(r.incr('s:a')));
  await r.lpush('s:list', 'e');
  out(s, 'wrong type', await attempt(r.get('s:list')));
  out(s, 'unknown command', await attempt(r.call('NOSUCHCOMMAND', 'x')));
}

async function types(r) {
  const s = 'types';
  await r.hset('ty:h', { a: '1', b: '2' });
  await r.sadd('ty:s', 'x', 'y');
  await r.zadd('ty:z', 1.5, 'm', 2, 'n');
  out(s, 'hgetall', await r.hgetall('ty:h'));
  out(s, 'smembers', (await r.smembers('ty:s')).sort(byName));
  out(s, 'zrange withscores', await r.zrange('ty:z', 0, -1, 'WITHSCORES'));
  out(s, 'zscore', [await r.zscore('ty:z', 'm'), await r.zscore('ty:z', 'none')]);
  out(s, 'hgetall missing', await r.hgetall('ty:none'));
  out(s, 'raw hgetall', await r.call('HGETALL', 'ty:h'));
  out(s, 'config get', await r.config('GET', 'maxmemory-policy'));
  if (RESP === 3) {
    // RESP3's own shapes, when asked for.
    const native = client({ replyMapping: 'resp3' });
    out(s, 'resp3 hgetall', await native.hgetall('ty:h'));
    out(s, 'resp3 zscore', await native.zscore('ty:z', 'm'));
    out(s, 'resp3 zrange withscores', await native.zrange('ty:z', 0, -1, 'WITHSCORES'));
    out(s, 'resp3 hello', await native.call('HELLO', '3').then((h) => [h.proto ?? h[5], h.role ?? h[11]]));
  }
}

async function expiry(r) {
  const s = 'expiry';
  out(s, 'set ex', [await r.set('e:k', 'v', 'EX', 100), await r.ttl('e:k')]);
  const pttl = await r.pttl('e:k');
  out(s, 'pttl range', pttl > 99000 && pttl <= 100000);
  out(s, 'expire nx', [await r.expire('e:k', 5, 'NX'), await r.expire('e:k', 200, 'GT'), await r.ttl('e:k')]);
  out(s, 'persist', [await r.persist('e:k'), await r.ttl('e:k'), await r.ttl('e:missing')]);
  out(s, 'pexpire', await r.pexpire('e:k', 50));
  await sleep(150);
  out(s, 'expired', [await r.exists('e:k'), await r.get('e:k')]);
  out(s, 'getex', [await r.set('e:g', 'v'), await r.getex('e:g', 'PX', 100000), await r.ttl('e:g')]);
}

function collect(stream) {
  return new Promise((resolve, reject) => {
    const items = [];
    stream.on('data', (batch) => items.push(...batch));
    stream.on('end', () => resolve(items));
    stream.on('error', reject);
  });
}

const pairs = (flat) => flat.reduce((acc, v, i) => (i % 2 ? acc : [...acc, [v, flat[i + 1]]]), []);

async function scans(r) {
  const s = 'scan';
  const kv = {};
  for (let i = 0; i < 60; i++) kv[`scan:${i}`] = i;
  await r.mset(kv);
  for (let i = 0; i < 40; i++) {
    await r.hset('scan-h', `f${i}`, i);
    await r.sadd('scan-s', `m${i}`);
    await r.zadd('scan-z', i, `z${i}`);
  }
  const keys = (await collect(r.scanStream({ match: 'scan:*', count: 7 }))).sort(byName);
  out(s, 'scanStream', [keys.length, keys.slice(0, 3)]);
  out(s, 'scanStream type', (await collect(r.scanStream({ type: 'zset' }))).sort(byName));
  out(s, 'hscanStream', pairs(await collect(r.hscanStream('scan-h', { match: 'f1*' }))).sort(byName));
  out(s, 'sscanStream', (await collect(r.sscanStream('scan-s', { count: 5 }))).sort(byName).slice(0, 5));
  const z = pairs(await collect(r.zscanStream('scan-z'))).sort((a, b) => a[1] - b[1]);
  out(s, 'zscanStream', z.slice(-3));
}

async function pipelines(r) {
  const s = 'pipeline';
  const res = await r.pipeline().set('p:a', '1').incr('p:a').lpush('p:a', 'x').get('p:a')
    .rpush('p:l', 1, 2, 3).lrange('p:l', 0, -1).exec();
  out(s, 'results', res);
  const p = r.pipeline();
  for (let i = 0; i < 1000; i++) p.incr('p:count');
  const all = await p.exec();
  out(s, '1000 incr', all[all.length - 1]);
  // ioredis's own batching of commands issued in one tick.
  const auto = client({ enableAutoPipelining: true });
  out(s, 'auto pipelining', await Promise.all([auto.set('p:b', 'x'), auto.append('p:b', 'y'), auto.get('p:b')]));
}

async function transactions(r) {
  const s = 'multi';
  out(s, 'exec', await r.multi().set('t:a', 1).incr('t:a').get('t:a').exec());
  out(s, 'exec with error', await attempt(r.multi().set('t:a', 1).lpush('t:a', 'x').incr('t:a').exec()));
  out(s, 'queued arity error', await attempt(r.multi().set('t:b', 1).call('SET', 't:b').exec()));
  const other = client();
  out(s, 'watch', await r.watch('t:w'));
  await other.set('t:w', 'changed');
  out(s, 'watch conflict', await attempt(r.multi().set('t:w', 'mine').exec()));
  out(s, 'after conflict', await r.get('t:w'));
}

async function pubsub(r) {
  const s = 'pubsub';
  const sub = client();
  const got = [];
  sub.on('message', (ch, msg) => got.push(['message', ch, msg]));
  sub.on('pmessage', (pat, ch, msg) => got.push(['pmessage', pat, ch, msg]));
  out(s, 'subscribe', await sub.subscribe('ch1', 'ch2'));
  out(s, 'psubscribe', await sub.psubscribe('ch*'));
  out(s, 'subscribed command', await attempt(sub.get('x')));
  out(s, 'publish', await r.publish('ch1', 'hello'));
  await waitUntil(() => got.length >= 2);
  out(s, 'messages', got.splice(0).sort(byName));
  out(s, 'numsub', [await r.pubsub('NUMSUB', 'ch1', 'ch2', 'none'), await r.pubsub('NUMPAT')]);
  out(s, 'unsubscribe', await sub.unsubscribe('ch1'));
  out(s, 'publish after', await r.publish('ch1', 'again'));
  await waitUntil(() => got.length >= 1);
  out(s, 'pattern only', got.splice(0));
  out(s, 'all gone', [await attempt(sub.punsubscribe('ch*')), await attempt(sub.unsubscribe('ch2'))]);
  out(s, 'usable again', await attempt(sub.get('x')));
}

async function auth(r) {
  const s = 'auth';
  out(s, 'config set', await r.config('SET', 'requirepass', 'sekret'));
  out(s, 'no password', await attempt(oneShot().get('x')));
  out(s, 'wrong password', await attempt(oneShot({ password: 'nope' }).get('x')));
  out(s, 'password', await attempt(oneShot({ password: 'sekret' }).set('x', '1')));
  out(s, 'username', await attempt(oneShot({ username: 'default', password: 'sekret' }).get('x')));
  out(s, 'bad user', await attempt(oneShot({ username: 'nobody', password: 'sekret' }).get('x')));
  out(s, 'old connection', await r.get('x'));
  out(s, 'clear', await r.config('SET', 'requirepass', ''));
  out(s, 'open again', await attempt(oneShot().get('x')));
}

async function killRecovery(r) {
  const s = 'client kill';
  const victim = client();
  await victim.set('k:a', '1');
  out(s, 'kill', await r.client('KILL', 'ID', await victim.client('ID')));
  // Node may run the killer's continuation before it reads the victim's end
  // of file from the same poll, with either server: give it that read first.
  await sleep(100);
  out(s, 'first call', await attempt(victim.get('k:a')));
  out(s, 'second call', await attempt(victim.get('k:a')));
}

async function restart() {
  const s = 'restart';
  const survivor = client();
  await survivor.set('r:a', '1');
  out(s, 'shutdown', await attempt(oneShot().shutdown('NOSAVE')));
  out(s, 'first call', await attempt(survivor.get('r:a')));
  out(s, 'second call', await attempt(survivor.get('r:a')));
  out(s, 'dbsize', await attempt(survivor.dbsize()));
}

const r = client();
await r.flushall();
for (const step of [strings, types, expiry, scans, pipelines, transactions, pubsub, auth, killRecovery, restart]) {
  await step(r);
}
console.log('done');
for (const c of opened) c.disconnect();
