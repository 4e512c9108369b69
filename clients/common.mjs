// What the node scenarios share: one line per observation, errors as
// observations, and a deadline on every call so a server that never answers
// shows as a line, not as a hang.
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function show(value) {
  return JSON.stringify(value, (_, v) => {
    if (v instanceof Error) return `${v.constructor.name}: ${v.message}`;
    if (v && v.type === 'Buffer' && Array.isArray(v.data)) return `<buffer ${Buffer.from(v.data).toString('hex')}>`;
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Map) return { map: [...v.entries()] };
    if (v instanceof Set) return { set: [...v] };
    return v;
  });
}

export function out(section, what, value) {
  process.stdout.write(`${section} ${what}: ${show(value)}\n`);
}

// The promise's value, its error, or 'no answer in 3 s'.
export async function attempt(promiseOrFn) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve('no answer in 3 s'), 3000);
  });
  try {
    const p = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
    return await Promise.race([p, deadline]);
  } catch (e) {
    return e;
  } finally {
    clearTimeout(timer);
  }
}

// Polls cond every 20 ms for up to ms; whether it became true.
export async function waitUntil(cond, ms = 3000) {
  for (let t = 0; t < ms; t += 20) {
    if (await cond()) return true;
    await sleep(20);
  }
  return false;
}

export const byName = (a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
