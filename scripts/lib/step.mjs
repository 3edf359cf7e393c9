// Progress lines on stderr: "ftpy: <step> ... done (1.2 s)".
export async function step(title, action) {
  const started = performance.now();
  process.stderr.write(`ftpy: ${title} ...\n`);
  const result = await action();
  process.stderr.write(`ftpy: ${title}: done (${seconds(started)})\n`);
  return result;
}

export function note(message) {
  process.stderr.write(`ftpy: ${message}\n`);
}

export function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
