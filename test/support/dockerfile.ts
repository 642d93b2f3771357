/** Reads a Dockerfile into stages and instructions, so tests can run what the image runs. */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, ... */
  op: string;
  args: string;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!pending && line === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op.toUpperCase() === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    if (!stages.length) throw new Error(`instruction before FROM: ${line}`);
    stages[stages.length - 1].instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

/** The words of an exec-form command (`["node", "x.js"]`), which runs without a shell. */
export function execForm(args: string): string[] {
  const words = JSON.parse(args) as unknown;
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw new Error(`not exec form: ${args}`);
  return words;
}

/** `ENV A=1 B=2` instructions of a stage, as one object. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.op === 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const [key, ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}
